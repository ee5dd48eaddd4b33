"""Every write to safeguarding cases, their thresholds, monitoring actions and closures.

Each function checks permission, runs in one transaction, changes rows, leaves a status-change
row for every change of status, writes the audit event and the chronology entries, and queues
the notifications — all in that same transaction.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.cases.models import (
    TRANSITIONS,
    CaseEdit,
    CaseStatusChange,
    CaseThreshold,
    ClosureRequest,
    MonitoringAction,
    SafeguardingCase,
    Status,
)
from haven.chronology.projection import project
from haven.core import clock
from haven.core.errors import DomainError, require, require_same_organisation
from haven.notifications.models import Kind
from haven.notifications.services import notify
from haven.people.models import STATUTORY_FLAGS, Flag, StatusFlag
from haven.tasks.services import task_create, tasks_hand_over

NEW_CASE_TASK = "You have been assigned a new safeguarding case"


# --- Thresholds ---------------------------------------------------------------------------

# Seed 000, Appendix A, in our own words: High for concerns that need other agencies, Low
# for those met by early help and prevention.
DEFAULT_THRESHOLDS = (
    (
        "High",
        7,
        "Child protection or child in need. Other agencies need to be consulted because the "
        "child is, or may be, suffering significant harm or at risk of it — including harm "
        "the child causes themselves (self-harm, suicidal thoughts, violence towards others, "
        "radicalisation) and witnessing domestic abuse. Any concern about a child who has a "
        "child protection plan, a child in need plan or is looked after is High, however "
        "minor it seems. Add an update within 7 days, and every 7 days until the case "
        "closes.",
    ),
    (
        "Low",
        21,
        "Early help and prevention. The concern calls for early or preventative support: "
        "offering the family help, or meeting parents or carers to talk it through. Keep an "
        "eye on the child and on whether the help is taken up, and raise the threshold if "
        "the concern continues. Add an update within 21 days, and every 21 days until the "
        "case closes.",
    ),
)


def thresholds_seed(organisation) -> int:
    """Give an organisation the default thresholds if it has none yet."""
    existing = CaseThreshold.objects.for_org(organisation)
    if existing.exists():
        return 0
    CaseThreshold.unscoped.bulk_create(
        CaseThreshold(
            organisation=organisation,
            name=name,
            review_days=days,
            guidance=guidance,
            position=position,
        )
        for position, (name, days, guidance) in enumerate(DEFAULT_THRESHOLDS)
    )
    return len(DEFAULT_THRESHOLDS)


THRESHOLD_FIELDS = ("name", "review_days", "guidance", "position", "is_active")


def threshold_save(*, actor, data: dict, threshold: CaseThreshold | None = None) -> CaseThreshold:
    require(rules.can_configure_thresholds(actor))
    require_same_organisation(actor.organisation_id, threshold)
    name = (data.get("name") or "").strip()
    days = data.get("review_days")
    if not name:
        raise DomainError("Give the threshold a name.")
    if days is None or not 1 <= days <= 365:
        raise DomainError("The review interval is between 1 and 365 days.")
    creating = threshold is None
    threshold = threshold or CaseThreshold(organisation=actor.organisation, created_by=actor)
    threshold.name = name
    threshold.review_days = days
    threshold.guidance = (data.get("guidance") or "").strip()
    threshold.position = data.get("position") or 0
    threshold.is_active = data.get("is_active", True)
    if not creating and not threshold.is_active:
        others = CaseThreshold.objects.for_org(actor.organisation).filter(is_active=True)
        if not others.exclude(pk=threshold.pk).exists():
            raise DomainError("Keep at least one threshold in use.")
    try:
        with transaction.atomic():
            threshold.save()
            record_event(
                action=Action.CREATE if creating else Action.UPDATE,
                actor=actor,
                obj=threshold,
                detail={"what": "case threshold", "review_days": days},
            )
    except IntegrityError:
        raise DomainError(f"There is already a threshold called “{name}”.") from None
    return threshold


def default_threshold_for(child) -> tuple[CaseThreshold | None, str]:
    """The threshold a new case about ``child`` starts at, and why.

    A child with an active child protection plan, child in need plan or looked-after status
    starts at the highest threshold (the first in the organisation's order); otherwise there
    is no default and the person opening the case chooses.
    """
    today = clock.today()
    flags = (
        StatusFlag.objects.for_org(child.organisation)
        .filter(person=child, flag__in=STATUTORY_FLAGS, start_date__lte=today)
        .exclude(end_date__lt=today)
        .values_list("flag", flat=True)
    )
    active = sorted({Flag(flag).label for flag in flags})
    if not active:
        return None, ""
    highest = CaseThreshold.objects.for_org(child.organisation).filter(is_active=True).first()
    if highest is None:
        return None, ""
    what = " and ".join(label.lower() for label in active)
    return highest, f"{child.first_name} has an active {what}, so the case starts at {highest}."


# --- Status changes -----------------------------------------------------------------------


def _move(case: SafeguardingCase, to_status: str, actor, note: str = "") -> CaseStatusChange:
    """Change the case's status through the transition table, leaving a row (rule 2)."""
    if to_status not in TRANSITIONS.get(case.status, frozenset()):
        raise DomainError(
            f"This case is {case.get_status_display().lower()}; it cannot become "
            f"{Status(to_status).label.lower()}."
        )
    before = case.status
    case.status = to_status
    change = CaseStatusChange.objects.create(
        organisation=case.organisation,
        created_by=actor,
        case=case,
        from_status=before,
        to_status=to_status,
        note=note,
    )
    project(change)
    return change


def _next_due(case: SafeguardingCase, since) -> object:
    """The day the next update is due: the threshold's interval after ``since``."""
    return timezone.localdate(since) + timedelta(days=case.threshold.review_days)


# --- Opening a case -----------------------------------------------------------------------

CASE_FIELDS = (
    "case_type",
    "category",
    "incident_at",
    "threshold",
    "description",
    "raised_with_name",
    "raised_with_job_title",
    "raised_with_role",
    "new_information",
    "decision_basis",
    "actions_agreed",
    "other_notifications",
    "owner",
    "manager",
)
TEXT_FIELDS = frozenset(
    {
        "description",
        "raised_with_name",
        "raised_with_job_title",
        "raised_with_role",
        "new_information",
        "decision_basis",
        "actions_agreed",
        "other_notifications",
    }
)
REQUIRED = {
    "case_type": "Choose the type of case.",
    "category": "Choose the category.",
    "incident_at": "Give the incident date and time.",
    "threshold": "Choose the threshold.",
    "description": "Describe the concern.",
    "raised_with_name": "Say who the concern was raised with.",
    "raised_with_job_title": "Give the job title of the person it was raised with.",
    "actions_agreed": "Say what actions have been agreed.",
    "owner": "Choose the case owner.",
}


def _check_people(organisation, *people) -> None:
    for who in people:
        if who is None:
            continue
        if who.organisation_id != organisation.pk or not who.is_active:
            raise DomainError(f"{who.full_name} is not an active member of staff here.")


def _next_number(organisation) -> int:
    last = SafeguardingCase.objects.for_org(organisation).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def case_open(
    *,
    actor,
    child,
    data: dict,
    engagement=None,
    concern=None,
    la_notified_at=None,
    la_reference: str = "",
    request=None,
) -> SafeguardingCase:
    """Open a safeguarding case about ``child``, within ``engagement`` if given.

    The owner is given the task "You have been assigned a new safeguarding case" and a
    notification; the next update falls due one review interval from now. A concern from
    triage is linked as the case opens.
    """
    require(rules.can_open_case(actor, child))
    organisation = actor.organisation
    require_same_organisation(organisation.pk, child, engagement, concern)
    if not child.is_child:
        raise DomainError(f"{child.full_name} is an adult. Safeguarding cases are about children.")
    if engagement is not None:
        require(rules.can_view_engagement(actor, engagement))
        if engagement.child_id != child.pk:
            raise DomainError("That engagement is about another child.")
        if not engagement.is_open:
            raise DomainError("That engagement has ended: open the case on the child instead.")
    for key, message in REQUIRED.items():
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise DomainError(message)
    if data["incident_at"] > clock.now():
        raise DomainError("The incident date and time cannot be in the future.")
    threshold = data["threshold"]
    require_same_organisation(organisation.pk, threshold, data["case_type"], data["category"])
    if not threshold.is_active:
        raise DomainError(f"The {threshold.name} threshold is no longer in use.")
    _check_people(organisation, data["owner"], data.get("manager"))
    if la_notified_at is not None:
        require(
            rules.can_record_la_notification(actor),
            "Only the DSL or a deputy records that the local authority was notified.",
        )
        if la_notified_at > clock.now():
            raise DomainError("The time the local authority was notified cannot be in the future.")
    default, reason = default_threshold_for(child)
    if default is not None and default.pk != threshold.pk:
        # Keep the reason on the record, with the choice made against it.
        reason = f"{reason} {threshold} was chosen instead."
    now = clock.now()
    case = SafeguardingCase(
        organisation=organisation,
        created_by=actor,
        child=child,
        engagement=engagement,
        threshold_reason=reason[:300],
        status=Status.OPEN,
        last_update_at=now,
    )
    for key in CASE_FIELDS:
        value = data.get(key)
        if value is None and key in TEXT_FIELDS:
            value = ""
        setattr(case, key, value.strip() if isinstance(value, str) else value)
    if la_notified_at is not None:
        case.la_notified_at, case.la_notified_by = la_notified_at, actor
        case.la_reference = la_reference.strip()[:100]
    case.next_update_due = _next_due(case, now)
    for attempt in range(3):
        case.number = _next_number(organisation)
        try:
            with transaction.atomic():
                _save_new_case(case, actor, concern, request)
        except IntegrityError:
            # Someone else took this number a moment ago: take the next.
            if attempt == 2:
                raise
            case.pk = None
            continue
        break
    return case


def _save_new_case(case: SafeguardingCase, actor, concern, request) -> None:
    case.save()
    change = CaseStatusChange.objects.create(
        organisation=case.organisation,
        created_by=actor,
        case=case,
        from_status="",
        to_status=Status.OPEN,
    )
    project(change)
    if concern is not None:
        case.concerns.add(concern)
    task_create(
        actor=actor,
        assignee=case.owner,
        title=NEW_CASE_TASK,
        link=case,
        due_on=case.next_update_due,
        notify_assignee=False,
        system=True,
    )
    notify(
        recipients=[w for w in (case.owner, case.manager) if w is not None and w.pk != actor.pk],
        kind=Kind.CASE_ASSIGNED,
        title=f"Safeguarding case {case.reference} has been opened with you",
        url=case.get_absolute_url(),
    )
    record_event(
        action=Action.CREATE,
        actor=actor,
        request=request,
        obj=case,
        person_id=case.child_id,
        detail={
            "what": "safeguarding case",
            "number": case.reference,
            "threshold": case.threshold.name,
            "engagement": case.engagement_id,
            "concern": concern.pk if concern is not None else None,
        },
    )


def case_link_concern(*, case: SafeguardingCase, concern, actor, request=None) -> bool:
    """Add a concern to a case (triage's "add to the child's open case"). Linking one that
    is already there changes nothing; returns whether a link was made."""
    require(rules.can_record_on_case(actor, case))
    require_same_organisation(case.organisation_id, concern)
    if case.is_closed:
        raise DomainError(f"Safeguarding case {case.reference} is closed.")
    with transaction.atomic():
        if case.concerns.filter(pk=concern.pk).exists():
            return False
        case.concerns.add(concern)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=case,
            person_id=case.child_id,
            detail={"what": "concern linked to case", "concern": concern.pk},
        )
    return True


def case_record_la_notification(
    *, case: SafeguardingCase, actor, notified_at, reference: str = "", request=None
) -> SafeguardingCase:
    """Record when the local authority was notified and its reference (DSLs and deputies)."""
    require(
        rules.can_record_la_notification(actor, case) and rules.can_view_case(actor, case),
        "Only the DSL or a deputy records that the local authority was notified.",
    )
    if notified_at is None:
        raise DomainError("Give the date and time the local authority was notified.")
    if notified_at > clock.now():
        raise DomainError("The time the local authority was notified cannot be in the future.")
    with transaction.atomic():
        case.la_notified_at = notified_at
        case.la_notified_by = actor
        case.la_reference = reference.strip()[:100]
        case.save(update_fields=["la_notified_at", "la_notified_by", "la_reference", "modified_at"])
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=case,
            person_id=case.child_id,
            detail={"what": "local authority notified", "reference": case.la_reference},
        )
    return case


# --- Editing a case's details -------------------------------------------------------------

# What may change after opening, with the label the history shows. The local authority
# notification has its own page (DSLs and deputies only); status moves go through closures.
EDITABLE_FIELDS = {
    "case_type": "Type",
    "category": "Category",
    "incident_at": "Incident date and time",
    "threshold": "Threshold",
    "description": "Description",
    "raised_with_name": "Raised with: name",
    "raised_with_job_title": "Raised with: job title",
    "raised_with_role": "Raised with: safeguarding role",
    "new_information": "New information from other professionals",
    "decision_basis": "What informed the decision",
    "actions_agreed": "Actions agreed",
    "other_notifications": "Other notifications",
    "owner": "Case owner",
    "manager": "Manager",
}
CLOSED_CASE_EDIT = (
    "This case is closed, so its details cannot be changed. A DSL can reopen it if there "
    "is more to record."
)


def _as_text(value) -> str:
    """A field's value as the history shows it (people by name, times in local time)."""
    if value is None:
        return ""
    if hasattr(value, "full_name"):
        return value.full_name
    if hasattr(value, "label"):
        return value.label
    if hasattr(value, "tzinfo"):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    return str(value)


def _edited_values(case: SafeguardingCase, data: dict) -> dict:
    """The submitted values, cleaned, with missing optional text as empty."""
    values = {}
    for key in EDITABLE_FIELDS:
        value = data.get(key)
        if value is None and key in TEXT_FIELDS:
            value = ""
        values[key] = value.strip() if isinstance(value, str) else value
    return values


def _same(key: str, before, after) -> bool:
    """Whether a field is unchanged. The form gives the incident time to the minute, so a
    time recorded with seconds is unchanged when only the seconds differ."""
    if key == "incident_at" and before is not None and after is not None:
        return before.replace(second=0, microsecond=0) == after.replace(second=0, microsecond=0)
    return before == after


def _check_edit(case: SafeguardingCase, values: dict) -> None:
    """Refuse an edit that would leave the case incomplete or wrong, before anything changes."""
    for key, message in REQUIRED.items():
        if values.get(key) in (None, ""):
            raise DomainError(message)
    if values["incident_at"] > clock.now():
        raise DomainError("The incident date and time cannot be in the future.")
    organisation = case.organisation
    require_same_organisation(
        organisation.pk, values["threshold"], values["case_type"], values["category"]
    )
    threshold = values["threshold"]
    if threshold.pk != case.threshold_id and not threshold.is_active:
        raise DomainError(f"The {threshold.name} threshold is no longer in use.")
    # Someone who has left may stay where they already are, but nobody new can be given them.
    _check_people(
        organisation,
        *(
            values[key]
            for key in ("owner", "manager")
            if values[key] is not None and values[key].pk != getattr(case, f"{key}_id")
        ),
    )


def _threshold_reason(case: SafeguardingCase, threshold) -> str:
    """Why the threshold is what it is, kept visible after a change: the default's reason
    today, with the choice made against it; without a default, the reason given at opening."""
    default, reason = default_threshold_for(case.child)
    if default is None:
        return case.threshold_reason
    if default.pk != threshold.pk:
        reason = f"{reason} {threshold} was chosen instead."
    return reason[:300]


def case_edit(*, case: SafeguardingCase, actor, data: dict, request=None) -> CaseEdit | None:
    """Change a case's details after it was opened (its owner, manager, or the DSL and
    deputies; never a closed case). Every changed field is kept with its value before and
    after in a ``CaseEdit``, audited, and told in the child's chronology. A new threshold
    sets the next update due from the last monitoring action (or the opening); a new owner
    gets the new-case task and, like a new manager, a notification. Returns None when
    nothing was changed."""
    require(rules.can_record_on_case(actor, case))
    if case.is_closed:
        raise DomainError(CLOSED_CASE_EDIT)
    values = _edited_values(case, data)
    _check_edit(case, values)
    with transaction.atomic():
        # Compare with the row as it is now, so two people editing at once both keep their
        # history rather than one silently overwriting the other.
        current = (
            SafeguardingCase.objects.for_org(case.organisation).select_for_update().get(pk=case.pk)
        )
        if current.is_closed:
            raise DomainError(CLOSED_CASE_EDIT)
        changes = []
        for key, label in EDITABLE_FIELDS.items():
            before, after = getattr(current, key), values[key]
            if not _same(key, before, after):
                changes.append(
                    {
                        "field": key,
                        "label": label,
                        "before": _as_text(before),
                        "after": _as_text(after),
                    }
                )
        if not changes:
            return None
        changed = {change["field"] for change in changes}
        for key in changed:
            setattr(case, key, values[key])
        update_fields = [*changed, "modified_at"]
        if "threshold" in changed:
            case.threshold_reason = _threshold_reason(case, case.threshold)
            case.next_update_due = _next_due(case, current.last_update_at or current.created_at)
            update_fields += ["threshold_reason", "next_update_due"]
        case.save(update_fields=update_fields)
        edit = CaseEdit.objects.create(
            organisation=case.organisation, created_by=actor, case=case, changes=changes
        )
        project(edit)
        _tell_new_people(case, actor, changed)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=case,
            person_id=case.child_id,
            detail={"what": "case details edited", "fields": sorted(changed)},
        )
    return edit


def _tell_new_people(case: SafeguardingCase, actor, changed: set) -> None:
    """A new owner is given the new-case task; a new owner or manager is notified."""
    if "owner" in changed:
        tasks_hand_over(link=case, title=NEW_CASE_TASK, new_assignee=case.owner, actor=actor)
        task_create(
            actor=actor,
            assignee=case.owner,
            title=NEW_CASE_TASK,
            link=case,
            due_on=case.next_update_due,
            notify_assignee=False,
            system=True,
        )
    told = [
        who
        for key, who in (("owner", case.owner), ("manager", case.manager))
        if key in changed and who is not None and who.pk != actor.pk
    ]
    if told:
        notify(
            recipients=told,
            kind=Kind.CASE_ASSIGNED,
            title=f"Safeguarding case {case.reference} has been passed to you",
            url=case.get_absolute_url(),
        )


# --- Monitoring ---------------------------------------------------------------------------

MONITORING_FIELDS = (
    "given_by_name",
    "given_by_role",
    "actions_taken",
    "by_centre_staff",
    "by_parents",
    "by_agencies",
    "done_by_detail",
    "rationale",
    "not_done_reason",
)


def case_add_monitoring(
    *, case: SafeguardingCase, actor, data: dict, request=None
) -> MonitoringAction:
    """Append a monitoring action. The next update then falls due one review interval from
    now; an open case moves to monitoring."""
    require(rules.can_record_on_case(actor, case))
    if case.is_closed:
        raise DomainError("This case is closed. A DSL can reopen it if there is more to do.")
    for key, message in (
        ("given_by_name", "Give the name of the person giving the update."),
        ("given_by_role", "Give their job title or role."),
        ("actions_taken", "Say what has been done."),
        ("rationale", "Say why these actions were taken."),
    ):
        if not (data.get(key) or "").strip():
            raise DomainError(message)
    if not (data.get("by_centre_staff") or data.get("by_parents") or data.get("by_agencies")):
        raise DomainError("Say who took the actions: our staff, parents or carers, or agencies.")
    now = clock.now()
    with transaction.atomic():
        action = MonitoringAction(organisation=case.organisation, created_by=actor, case=case)
        for key in MONITORING_FIELDS:
            value = data.get(key)
            setattr(action, key, value.strip() if isinstance(value, str) else bool(value))
        action.save()
        project(action)
        if case.status == Status.OPEN:
            _move(case, Status.MONITORING, actor, note="First monitoring action")
        case.last_update_at = now
        case.next_update_due = _next_due(case, now)
        case.save(update_fields=["status", "last_update_at", "next_update_due", "modified_at"])
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=action,
            person_id=case.child_id,
            detail={"what": "monitoring action", "case": case.pk},
        )
    return action


# --- Closure by approval ------------------------------------------------------------------


def eligible_approvers(case: SafeguardingCase, requester):
    """Who may be asked to approve: active line managers and safeguarding leads, not the
    person asking."""
    from haven.accounts.models import User

    return (
        User.objects.for_org(case.organisation)
        .filter(is_active=True, role_grants__role__in=rules.CLOSURE_APPROVERS)
        .exclude(pk=requester.pk)
        .distinct()
        .order_by("full_name")
    )


def case_request_closure(
    *, case: SafeguardingCase, actor, approver, comments: str, request=None
) -> ClosureRequest:
    """Ask ``approver`` to approve closing the case; they are notified."""
    require(rules.can_record_on_case(actor, case))
    require_same_organisation(case.organisation_id, approver)
    if not comments.strip():
        raise DomainError(
            "Say why the case can close: that the agreed actions are done, or why not."
        )
    if approver is None:
        raise DomainError("Choose who is to approve the closure.")
    if approver.pk == actor.pk:
        raise DomainError("Someone else must approve your closure request.")
    if not (approver.is_active and rules.can_approve_closures(approver)):
        raise DomainError(f"{approver.full_name} cannot approve case closures.")
    with transaction.atomic():
        _move(case, Status.CLOSURE_REQUESTED, actor, note=comments.strip())
        case.save(update_fields=["status", "modified_at"])
        closure = ClosureRequest.objects.create(
            organisation=case.organisation,
            created_by=actor,
            case=case,
            comments=comments.strip(),
            approver=approver,
        )
        project(closure)
        notify(
            recipients=[approver],
            kind=Kind.CLOSURE_REQUESTED,
            title=f"{actor.full_name} asks you to approve closing safeguarding case "
            f"{case.reference}",
            url=reverse("cases:closure_decide", args=[closure.pk]),
        )
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=closure,
            person_id=case.child_id,
            detail={"what": "closure request", "case": case.pk, "approver": approver.pk},
        )
    return closure


def case_decide_closure(
    *, closure: ClosureRequest, actor, approve: bool, comment: str, request=None
) -> ClosureRequest:
    """Approve (the case closes) or reject (it returns to monitoring, with reviews
    continuing). The requester is told either way. The engagement the case sits in is left
    as it is: closing a case never closes the engagement."""
    require(
        rules.can_decide_closure(actor, closure),
        "Only the approver, a line manager or a DSL other than the person who asked may decide.",
    )
    if not closure.is_pending:
        raise DomainError(f"This request was already {closure.get_decision_display().lower()}.")
    if not comment.strip():
        raise DomainError("Give a comment on your decision.")
    case = closure.case
    now = clock.now()
    with transaction.atomic():
        closure.decision = (
            ClosureRequest.Decision.APPROVED if approve else ClosureRequest.Decision.REJECTED
        )
        closure.decision_comment = comment.strip()
        closure.decided_at = now
        closure.decided_by = actor
        closure.save()
        project(closure)
        if approve:
            _move(case, Status.CLOSED, actor, note=comment.strip())
            case.closed_at = now
            case.next_update_due = None
        else:
            _move(case, Status.MONITORING, actor, note=comment.strip())
            # Reviews continue from the last update; a case already past due stays overdue.
            case.next_update_due = _next_due(case, case.last_update_at or now)
        case.save(update_fields=["status", "closed_at", "next_update_due", "modified_at"])
        notify(
            recipients=[closure.created_by] if closure.created_by_id != actor.pk else [],
            kind=Kind.CLOSURE_DECIDED,
            title=f"Closing safeguarding case {case.reference} was "
            f"{closure.get_decision_display().lower()} by {actor.full_name}",
            url=case.get_absolute_url(),
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=closure,
            person_id=case.child_id,
            detail={"what": "closure decision", "case": case.pk, "decision": closure.decision},
        )
    return closure


def case_reopen(*, case: SafeguardingCase, actor, reason: str, request=None) -> SafeguardingCase:
    """A DSL reopens a closed case; updates are owed again from today."""
    require(rules.can_reopen_case(actor, case), "Only the DSL or a deputy can reopen a case.")
    if not reason.strip():
        raise DomainError("Give the reason for reopening the case.")
    now = clock.now()
    with transaction.atomic():
        _move(case, Status.MONITORING, actor, note=reason.strip())
        case.closed_at = None
        case.last_update_at = now
        case.next_update_due = _next_due(case, now)
        case.save(
            update_fields=[
                "status",
                "closed_at",
                "last_update_at",
                "next_update_due",
                "modified_at",
            ]
        )
        notify(
            recipients=[who for who in (case.owner, case.manager) if who and who.pk != actor.pk],
            kind=Kind.CASE_ASSIGNED,
            title=f"Safeguarding case {case.reference} has been reopened",
            url=case.get_absolute_url(),
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=case,
            person_id=case.child_id,
            detail={"what": "case reopened"},
        )
    return case


def case_viewed(*, case: SafeguardingCase, actor, request=None) -> None:
    """Every view of a case is recorded against the child."""
    record_event(
        action=Action.VIEW,
        actor=actor,
        request=request,
        obj=case,
        person_id=case.child_id,
        detail={"what": "safeguarding case"},
    )
