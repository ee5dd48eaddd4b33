"""The MASH: the manager's review, information requests to partner agencies, their answers,
the MASH record and the MASH manager's decision (seed 002, sections 9 and 10).

Who may do what:

* the MASH manager reviews a contact passed to them (``mash_review``) and decides it once
  the record is complete (``mash_decide``, ``mash_send_back``);
* MASH social workers (and the manager) record whether the family was told that checks
  will be made, send and withdraw information requests, and complete the MASH record;
* a member of a partner agency answers the requests addressed to their own agency, and
  sees nothing else.

What the partners said is confidential to the MASH. An answer marked "do not pass on" is
never copied into anything that leaves the MASH (the onward record, the referrer's
feedback); one marked "not for the family" is never put in front of the family, and the
onward record says so beside every answer it carries.

Clocks. Seed 002, 7.2: a red contact wants the partners' information within 4 hours; an
amber one is to be dealt with within 24 hours, information sharing and referral on
included. So completing the MASH record (the partners' information gathered and analysed)
stops a red clock, and the manager's decision (``contact_finish``) stops an amber one.
Sending a record back for more information starts the clock of the contact's rating again
if none is running.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from haven.access import roles, rules
from haven.accounts.models import User
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.core.errors import DomainError, require, require_same_organisation
from haven.frontdoor import workflow
from haven.frontdoor.identity import contact_reference
from haven.frontdoor.models import (
    AnswerMethod,
    ClockKind,
    Contact,
    ContactClock,
    ContactPerson,
    EarlyHelpOffer,
    InformationRequest,
    MashRecord,
    OnwardRecord,
    Outcome,
    PartnerAgency,
    Rag,
    RagRating,
    Status,
)
from haven.frontdoor.services.decision import contact_finish
from haven.frontdoor.services.setup import front_door_settings
from haven.notifications.models import Kind
from haven.notifications.services import notify

# With answers from this many agencies the findings are written up as a MASH record;
# with fewer, as a contact record (seed 002, 9.2).
MASH_RECORD_AGENCIES = 3
# A request sent without a running clock is due this long after it is sent.
DEFAULT_ANSWER_HOURS = 24
# A request sent after the contact's clock has already run out cannot be due in the past:
# it is due this soon, and chased from then.
LATE_ANSWER_HOURS = 1
# The outcomes the MASH manager chooses from (the others belong to screening).
MASH_OUTCOMES = (
    Outcome.STRATEGY_DISCUSSION,
    Outcome.SOCIAL_WORK_TEAM,
    Outcome.EARLY_HELP,
    Outcome.NO_FURTHER_ACTION,
    Outcome.SIGNPOST,
)
# Where a reviewed rating sends the contact (seed 002, 9.1).
REVIEW_ROUTES = {
    Rag.GREEN: Status.EARLY_HELP,
    Rag.AMBER_CIN: Status.ALLOCATION,
    Rag.AMBER_CP: Status.INFORMATION_GATHERING,
    Rag.RED: Status.INFORMATION_GATHERING,
}
# Run of words that, found in a text, counts as quoting an answer (see ``quotes``).
QUOTE_WORDS = 6

FAMILY_TOLD_FIRST = (
    "Record whether the family was told that checks will be made before sending any "
    "information request."
)


# --- Helpers ------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return "".join(c.lower() if c.isalnum() else " " for c in text).split()


def quotes(text: str, secret: str) -> bool:
    """Does ``text`` repeat ``secret``, or any run of ``QUOTE_WORDS`` words of it?

    A guard against copying a confidential answer into something that leaves the MASH;
    case, punctuation and spacing are ignored. Short answers count only when repeated whole.
    """
    said, hidden = _words(text), _words(secret)
    if not said or not hidden:
        return False
    haystack = f" {' '.join(said)} "
    if len(hidden) <= QUOTE_WORDS:
        return f" {' '.join(hidden)} " in haystack
    return any(
        f" {' '.join(hidden[i : i + QUOTE_WORDS])} " in haystack
        for i in range(len(hidden) - QUOTE_WORDS + 1)
    )


def _locked(contact: Contact) -> Contact:
    """The contact re-read under a row lock, so two people cannot move it at once."""
    return Contact.objects.for_org(contact.organisation).select_for_update().get(pk=contact.pk)


def _locked_request(info_request: InformationRequest) -> InformationRequest:
    """The request re-read under a row lock, with its agency and contact."""
    return (
        InformationRequest.objects.for_org(info_request.organisation)
        .select_for_update()
        .select_related("agency", "contact")
        .get(pk=info_request.pk)
    )


def _require_status(contact: Contact, *statuses: str, doing: str) -> None:
    if contact.status not in statuses:
        raise DomainError(
            f"Contact {contact.reference} is {contact.get_status_display().lower()}: "
            f"you cannot {doing} now."
        )


def _mash_managers(organisation):
    team = front_door_settings(organisation).mash_team
    if team is None:
        return []
    return list(team.members.filter(is_active=True, role_grants__role=roles.MASH_MANAGER))


def _mash_social_workers(organisation):
    team = front_door_settings(organisation).mash_team
    if team is None:
        return []
    return list(team.members.filter(is_active=True, role_grants__role=roles.SOCIAL_WORKER))


def current_rating(contact: Contact) -> str:
    """The rating the contact now carries: the final one, else the (reviewed) initial one."""
    return contact.final_rag or contact.initial_rag


def answering_agencies(organisation):
    """Agencies the MASH may ask: active and set up to answer information requests."""
    return PartnerAgency.objects.for_org(organisation).filter(
        is_active=True, answers_information_requests=True
    )


def answered_requests(contact: Contact) -> list[InformationRequest]:
    return list(
        InformationRequest.objects.for_org(contact.organisation)
        .filter(contact=contact, status=InformationRequest.Status.ANSWERED)
        .select_related("agency")
    )


def record_kind_for(answered_agency_count: int) -> str:
    if answered_agency_count >= MASH_RECORD_AGENCIES:
        return MashRecord.Kind.MASH_RECORD
    return MashRecord.Kind.CONTACT_RECORD


def record_name(kind: str) -> str:
    """ "MASH record" or "contact record", for the middle of a sentence."""
    return "MASH record" if kind == MashRecord.Kind.MASH_RECORD else "contact record"


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


# --- The MASH manager's review ------------------------------------------------------------


def mash_review(
    *,
    contact: Contact,
    actor,
    rating: str,
    rationale: str,
    threshold_uncertain: bool = False,
    request=None,
) -> Contact:
    """The MASH manager reviews a contact passed to them and routes it.

    For a family previously known to children's services the manager checks the initial
    rating against the family's history and may amend it. Green passes the contact to early
    help, with the reason the threshold for a statutory service was not met recorded on its
    status change; amber (child in need) goes to social work allocation; red and amber (child
    protection) go on to MASH information gathering. The clock follows the reviewed rating:
    kept if the rating asks for the same timescale, started afresh if not.
    """
    require(rules.can_decide_mash(actor), "Only the MASH manager reviews contacts.")
    require_same_organisation(actor.organisation_id, contact)
    rationale = rationale.strip()
    if rating not in REVIEW_ROUTES:
        raise DomainError("Choose a RAG rating.")
    if not rationale:
        raise DomainError("Say why you gave this rating.")
    with transaction.atomic():
        contact = _locked(contact)
        _require_status(contact, Status.MASH_MANAGER, doing="review it")
        if rating == Rag.AMBER_CIN:
            # A child in need service is voluntary, as at the initial rating.
            from haven.frontdoor.services.screening import consent_problem

            problem = consent_problem(contact)
            if problem:
                raise DomainError(problem)
        now = clock.now()
        before = contact.initial_rag
        RagRating.objects.create(
            organisation=contact.organisation,
            created_by=actor,
            contact=contact,
            stage=RagRating.Stage.REVIEW,
            rating=rating,
            rationale=rationale,
        )
        # ``initial_rag`` is the rating lists show until the final one; the senior
        # practitioner's own rating stays in its RagRating row.
        contact.initial_rag = rating
        to_status = REVIEW_ROUTES[rating]
        if rating == Rag.AMBER_CIN:
            contact.threshold_uncertain = threshold_uncertain
        if rating == Rag.GREEN:
            note = (
                "Reviewed as green: the threshold for a statutory social work service is not "
                f"met. {rationale}"
            )
        else:
            note = f"Reviewed as {Rag(rating).label.lower()}. {rationale}"
        workflow.move(contact, to_status, actor, note=note)
        kind = workflow.clock_kind_for(rating, threshold_uncertain=contact.threshold_uncertain)
        running = (
            ContactClock.objects.for_org(contact.organisation)
            .filter(contact=contact, stopped_at__isnull=True)
            .first()
        )
        if running is None or running.kind != kind:
            workflow.clock_start(contact, kind, at=now, rating=rating)
        contact.save()
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=contact,
            detail={
                "what": "MASH manager's review",
                "rating": rating,
                "was": before,
                "to": to_status,
            },
        )
        if to_status == Status.INFORMATION_GATHERING:
            notify(
                recipients=_mash_social_workers(contact.organisation),
                kind=Kind.CONTACT_FOR_YOU,
                title=f"Contact {contact.reference} is ready for MASH information gathering",
                url=reverse("frontdoor:mash", args=[contact.pk]),
                reference=contact_reference(contact),
            )
    return contact


# --- Before any checks: was the family told? ----------------------------------------------


def family_told_record(
    *, contact: Contact, actor, told: bool, reason: str = "", request=None
) -> Contact:
    """Record whether the family was told that partner checks will be made, and if not why
    not (seed 002, section 10: only where telling them would put the child at risk, prejudice
    a criminal investigation or unjustifiably delay enquiries). Requests wait for this."""
    require(
        rules.can_gather_mash_information(actor),
        "Only the MASH team gathers information from partners.",
    )
    require_same_organisation(actor.organisation_id, contact)
    reason = reason.strip()
    if told is None:
        raise DomainError("Say whether the family was told that checks will be made.")
    if not told and not reason:
        raise DomainError("Say why the family was not told that checks will be made.")
    with transaction.atomic():
        contact = _locked(contact)
        _require_status(
            contact,
            Status.INFORMATION_GATHERING,
            doing="record what the family was told",
        )
        before = (contact.family_told_of_checks, contact.family_not_told_reason)
        contact.family_told_of_checks = bool(told)
        contact.family_not_told_reason = "" if told else reason
        contact.save(
            update_fields=["family_told_of_checks", "family_not_told_reason", "modified_at"]
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=contact,
            detail={
                "what": "family told of checks",
                "told": bool(told),
                "reason": contact.family_not_told_reason,
                "was": {"told": before[0], "reason": before[1]},
            },
        )
    return contact


# --- Information requests -----------------------------------------------------------------


def request_due_at(contact: Contact):
    """When a request sent now must be answered: by the contact's clock, or within 24 hours
    when no clock is running (soon, if the clock has already run out)."""
    now = clock.now()
    if contact.due_at is None:
        return now + timedelta(hours=DEFAULT_ANSWER_HOURS)
    if contact.due_at <= now:
        return now + timedelta(hours=LATE_ANSWER_HOURS)
    return contact.due_at


def information_requests_send(
    *, contact: Contact, actor, agencies, question: str, request=None
) -> list[InformationRequest]:
    """Ask each of ``agencies`` the ``question`` about the contact's family.

    Refused until the family-told question is answered, for an agency that does not answer
    requests (or is retired), and for an agency already asked (one open or answered request
    per agency; withdraw a request to ask again). Each agency's members are told, by the
    contact's identifiers only.
    """
    require(
        rules.can_gather_mash_information(actor),
        "Only the MASH team sends information requests.",
    )
    require_same_organisation(actor.organisation_id, contact, *agencies)
    question = question.strip()
    agencies = list({a.pk: a for a in agencies}.values())
    if not agencies:
        raise DomainError("Choose at least one agency to ask.")
    if not question:
        raise DomainError("Say what the MASH needs to know.")
    with transaction.atomic():
        contact = _locked(contact)
        _require_status(contact, Status.INFORMATION_GATHERING, doing="send information requests")
        if contact.family_told_of_checks is None:
            raise DomainError(FAMILY_TOLD_FIRST)
        allowed = set(answering_agencies(contact.organisation).values_list("pk", flat=True))
        refused = [a.name for a in agencies if a.pk not in allowed]
        if refused:
            raise DomainError(
                f"{', '.join(refused)} cannot be asked for information. Nothing was sent."
            )
        already = {
            r.agency_id: r
            for r in InformationRequest.objects.for_org(contact.organisation).filter(
                contact=contact,
                agency__in=agencies,
                status__in=[InformationRequest.Status.OPEN, InformationRequest.Status.ANSWERED],
            )
        }
        if already:
            names = ", ".join(a.name for a in agencies if a.pk in already)
            raise DomainError(
                f"{names} already {'has' if len(already) == 1 else 'have'} a request about "
                "this contact. Nothing was sent; withdraw the earlier request to ask again."
            )
        due = request_due_at(contact)
        created = []
        reference = contact_reference(contact)
        for agency in agencies:
            info_request = InformationRequest.objects.create(
                organisation=contact.organisation,
                created_by=actor,
                contact=contact,
                agency=agency,
                question=question,
                due_at=due,
            )
            created.append(info_request)
            record_event(
                action=Action.CREATE,
                actor=actor,
                request=request,
                obj=info_request,
                detail={
                    "what": "MASH information request",
                    "contact": contact.reference,
                    "agency": agency.name,
                    "due": due.isoformat(),
                },
            )
            notify(
                recipients=agency.members.filter(is_active=True),
                kind=Kind.INFORMATION_REQUESTED,
                title=f"MASH information request for {agency.name}: answer by {_local(due)}",
                url=reverse("frontdoor:request", args=[info_request.pk]),
                reference=reference,
            )
    return created


def information_request_withdraw(
    *, info_request: InformationRequest, actor, reason: str, request=None
) -> InformationRequest:
    """Withdraw an open request (sent to the wrong agency, say). It stays listed, marked
    withdrawn; the agency may then be asked again."""
    require(
        rules.can_gather_mash_information(actor),
        "Only the MASH team withdraws information requests.",
    )
    require_same_organisation(actor.organisation_id, info_request)
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the request is withdrawn.")
    with transaction.atomic():
        locked = _locked_request(info_request)
        if locked.status != InformationRequest.Status.OPEN:
            raise DomainError(
                f"This request is {locked.get_status_display().lower()}; only a request "
                "awaiting its answer can be withdrawn."
            )
        locked.status = InformationRequest.Status.WITHDRAWN
        locked.save(update_fields=["status", "modified_at"])
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            detail={"what": "MASH information request withdrawn", "reason": reason},
        )
    return locked


def _first_person(contact: Contact):
    """The person a partner's attachment is filed against: the contact's first child (the
    first adult for a contact about adults only)."""
    people = list(
        ContactPerson.objects.for_org(contact.organisation)
        .filter(contact=contact)
        .select_related("person")
        .order_by("pk")
    )
    children = [p for p in people if p.role == ContactPerson.Role.CHILD]
    chosen = (children or people or [None])[0]
    return chosen.person if chosen else None


def mash_scope(contact: Contact) -> str:
    """The document and chronology scope of what partners attach: MASH team only."""
    return f"mash:{contact.pk}"


def information_request_answer(
    *,
    info_request: InformationRequest,
    actor,
    summary: str,
    may_pass_on: bool | None,
    may_share_with_family: bool | None,
    upload=None,
    request=None,
) -> InformationRequest:
    """A partner agency member answers a request addressed to their agency.

    The answer is a written summary of what the agency holds, with two choices the protocol
    asks of every agency: may it be passed on to the service the case goes to, and may it be
    shared with the family. An attachment (optional) is filed in the first child's document
    vault, visible only to the MASH team. The social workers who sent requests about the
    contact are told.
    """
    from haven.documents.services import document_check, document_store

    require(
        rules.is_partner_agency_member(actor),
        "Only members of the agency asked can answer this request.",
    )
    require_same_organisation(actor.organisation_id, info_request)
    summary = _checked_answer(summary, may_pass_on, may_share_with_family)
    if upload is not None:
        document_check(upload)  # refuse a bad file before anything is written
    with transaction.atomic():
        locked = _locked_request(info_request)
        require(
            locked.agency.members.filter(pk=actor.pk).exists(),
            "Only members of the agency asked can answer this request.",
        )
        contact = _answerable(locked)
        if upload is not None:
            person = _first_person(contact)
            if person is None:
                raise DomainError("This contact names nobody to file the attachment against.")
            # Stored while the request is still open (the documents service asks the rules
            # whether this member may attach a file about the person), after every check.
            locked.attachment = document_store(
                actor=actor,
                person=person,
                upload=upload,
                kind="Report",
                title=f"{locked.agency.name}: answer to MASH request on contact "
                f"{contact.reference}",
                scope=mash_scope(contact),
                request=request,
            )
        _save_answer(
            locked,
            actor=actor,
            summary=summary,
            may_pass_on=may_pass_on,
            may_share_with_family=may_share_with_family,
            request=request,
        )
    return locked


def information_request_answer_for_agency(
    *,
    info_request: InformationRequest,
    actor,
    method: str,
    given_by: str,
    summary: str,
    may_pass_on: bool | None,
    may_share_with_family: bool | None,
    request=None,
) -> InformationRequest:
    """A MASH social worker records an agency's answer given outside Haven (on the telephone,
    by email): recorded as such, with how it came, who at the agency gave it, and who
    recorded it when. The agency's two choices are asked of it just the same, and "do not
    pass on" is kept as strictly. The agency's members are told that their request was
    answered for them."""
    require(
        rules.can_gather_mash_information(actor),
        "Only the MASH team records an agency's answer on its behalf.",
    )
    require_same_organisation(actor.organisation_id, info_request)
    if method not in AnswerMethod.values:
        raise DomainError("Say how the agency gave its answer.")
    given_by = " ".join(given_by.split())[:200]
    if not given_by:
        raise DomainError("Say who at the agency gave the answer (their name and role).")
    summary = _checked_answer(summary, may_pass_on, may_share_with_family)
    with transaction.atomic():
        locked = _locked_request(info_request)
        contact = _answerable(locked)
        require(rules.can_view_mash(actor, contact), "Only the MASH team sees this contact.")
        locked.answer_method, locked.answer_given_by = method, given_by
        _save_answer(
            locked,
            actor=actor,
            summary=summary,
            may_pass_on=may_pass_on,
            may_share_with_family=may_share_with_family,
            request=request,
        )
        notify(
            recipients=locked.agency.members.filter(is_active=True),
            kind=Kind.INFORMATION_ANSWERED,
            title=f"The MASH has recorded {locked.agency.name}'s answer "
            f"({locked.get_answer_method_display().lower()}, from {given_by}) to its request "
            f"about contact {contact.reference}",
            url=reverse("frontdoor:request", args=[locked.pk]),
            reference=contact_reference(contact),
        )
    return locked


def _checked_answer(summary: str, may_pass_on, may_share_with_family) -> str:
    summary = (summary or "").strip()
    if not summary:
        raise DomainError("Write a summary of what your agency holds (or that it holds nothing).")
    if may_pass_on is None:
        raise DomainError("Say whether this may be passed on to the service the case goes to.")
    if may_share_with_family is None:
        raise DomainError("Say whether this may be shared with the family.")
    return summary


def _answerable(locked: InformationRequest) -> Contact:
    """The request's contact, if the request (locked) may still be answered."""
    if locked.status != InformationRequest.Status.OPEN:
        raise DomainError(
            f"This request is {locked.get_status_display().lower()}: it cannot be answered again."
        )
    contact = locked.contact
    if contact.status not in (Status.INFORMATION_GATHERING, Status.MASH_DECISION):
        raise DomainError("The MASH has finished with this contact; the request is closed.")
    return contact


def _save_answer(
    locked: InformationRequest, *, actor, summary, may_pass_on, may_share_with_family, request
) -> None:
    """Write the answer, audit it and tell the social workers who sent requests about the
    contact (but not whoever recorded it)."""
    contact = locked.contact
    now = clock.now()
    locked.summary = summary
    locked.may_pass_on = bool(may_pass_on)
    locked.may_share_with_family = bool(may_share_with_family)
    locked.status = InformationRequest.Status.ANSWERED
    locked.answered_at, locked.answered_by = now, actor
    locked.save()
    detail = {
        "what": "MASH information request answered",
        "agency": locked.agency.name,
        "may_pass_on": locked.may_pass_on,
        "may_share_with_family": locked.may_share_with_family,
        "on_time": now <= locked.due_at,
    }
    if locked.answer_method:
        detail.update(on_behalf_of_agency=True, method=locked.answer_method)
    record_event(action=Action.UPDATE, actor=actor, request=request, obj=locked, detail=detail)
    senders = (
        InformationRequest.objects.for_org(contact.organisation)
        .filter(contact=contact, created_by__isnull=False)
        .exclude(created_by=actor)
        .values_list("created_by", flat=True)
    )
    notify(
        recipients=User.objects.for_org(contact.organisation).filter(pk__in=senders),
        kind=Kind.INFORMATION_ANSWERED,
        title=f"{locked.agency.name} has answered the MASH request about contact "
        f"{contact.reference}",
        url=reverse("frontdoor:mash", args=[contact.pk]),
        reference=contact_reference(contact),
    )


# --- Chasing late requests (``reminders_mash``) -------------------------------------------


def chase_interval(contact: Contact):
    """How often a late request is chased: hourly for a red contact, whose partners'
    information is wanted within 4 hours; every 4 hours for anything else."""
    return timedelta(hours=1 if current_rating(contact) == Rag.RED else 4)


# --- The MASH record ----------------------------------------------------------------------


def mash_record_complete(
    *,
    contact: Contact,
    actor,
    agency_summary: str,
    analysis: str,
    recommended_rag: str,
    recommended_action: str,
    request=None,
) -> MashRecord:
    """The social worker writes up what the partners said, analyses it and recommends a
    level of need and an action; the contact goes to the MASH manager for decision.

    With answers from three or more agencies this is the MASH record, with fewer a contact
    record. Requests still unanswered are withdrawn (the write-up is made from what came
    in). A red contact's clock stops here: the partners' information is in. Completing a
    record sent back for more information replaces its text; the audit event keeps what it
    said before.
    """
    require(
        rules.can_gather_mash_information(actor),
        "Only the MASH team completes the MASH record.",
    )
    require_same_organisation(actor.organisation_id, contact)
    values = {
        "agency_summary": agency_summary.strip(),
        "analysis": analysis.strip(),
        "recommended_rag": recommended_rag,
        "recommended_action": recommended_action.strip(),
    }
    if not values["analysis"]:
        raise DomainError("Write your analysis of the information.")
    if not values["recommended_action"]:
        raise DomainError("Say what action you recommend.")
    if recommended_rag not in Rag.values:
        raise DomainError("Choose the level of need you recommend.")
    with transaction.atomic():
        contact = _locked(contact)
        _require_status(contact, Status.INFORMATION_GATHERING, doing="complete the MASH record")
        if contact.family_told_of_checks is None:
            raise DomainError(
                "Record whether the family was told that checks will be made before "
                "completing the record."
            )
        answered = answered_requests(contact)
        if answered and not values["agency_summary"]:
            raise DomainError("Summarise what each agency said.")
        now = clock.now()
        kind = record_kind_for(len({r.agency_id for r in answered}))
        withdrawn = list(
            InformationRequest.objects.for_org(contact.organisation)
            .filter(contact=contact, status=InformationRequest.Status.OPEN)
            .select_related("agency")
        )
        for info_request in withdrawn:
            info_request.status = InformationRequest.Status.WITHDRAWN
            info_request.save(update_fields=["status", "modified_at"])
        record = MashRecord.objects.for_org(contact.organisation).filter(contact=contact).first()
        before = None
        if record is None:
            record = MashRecord(
                organisation=contact.organisation, created_by=actor, contact=contact
            )
        else:
            before = {
                "kind": record.kind,
                "agency_summary": record.agency_summary,
                "analysis": record.analysis,
                "recommended_rag": record.recommended_rag,
                "recommended_action": record.recommended_action,
                "completed_at": record.completed_at.isoformat(),
            }
        for field, value in values.items():
            setattr(record, field, value)
        record.kind = kind
        record.completed_at, record.completed_by = now, actor
        record.save()
        kind_label = MashRecord.Kind(kind).label
        workflow.move(contact, Status.MASH_DECISION, actor, note=f"{kind_label} completed.")
        running = (
            ContactClock.objects.for_org(contact.organisation)
            .filter(contact=contact, stopped_at__isnull=True)
            .first()
        )
        if running is not None and running.kind == ClockKind.RED:
            workflow.clock_stop(contact, at=now)
        contact.save()
        record_event(
            action=Action.UPDATE if before else Action.CREATE,
            actor=actor,
            request=request,
            obj=record,
            detail={
                "what": kind_label,
                "contact": contact.reference,
                "answers": len(answered),
                "withdrawn": [r.agency.name for r in withdrawn],
                **({"before": before} if before else {}),
            },
        )
        notify(
            recipients=_mash_managers(contact.organisation),
            kind=Kind.CONTACT_FOR_YOU,
            title=f"The {record_name(kind)} for contact {contact.reference} is ready for your "
            "decision",
            url=reverse("frontdoor:mash_decide", args=[contact.pk]),
            reference=contact_reference(contact),
        )
    return record


# --- The MASH manager's decision ----------------------------------------------------------


def mash_send_back(*, contact: Contact, actor, reason: str, request=None) -> Contact:
    """The manager wants more information: the contact returns to information gathering,
    its record kept to be completed again. A clock starts again if none is running."""
    require(rules.can_decide_mash(actor), "Only the MASH manager decides MASH contacts.")
    require_same_organisation(actor.organisation_id, contact)
    reason = reason.strip()
    if not reason:
        raise DomainError("Say what more information is needed.")
    with transaction.atomic():
        contact = _locked(contact)
        _require_status(contact, Status.MASH_DECISION, doing="send it back")
        workflow.move(
            contact, Status.INFORMATION_GATHERING, actor, note=f"More information needed: {reason}"
        )
        running = ContactClock.objects.for_org(contact.organisation).filter(
            contact=contact, stopped_at__isnull=True
        )
        rating = current_rating(contact)
        if rating and not running.exists():
            workflow.clock_start(
                contact,
                workflow.clock_kind_for(rating, threshold_uncertain=contact.threshold_uncertain),
                at=clock.now(),
                rating=rating,
            )
        contact.save()
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=contact,
            detail={"what": "MASH record sent back for more information", "reason": reason},
        )
        record = MashRecord.objects.for_org(contact.organisation).filter(contact=contact).first()
        recipients = [record.completed_by] if record else _mash_social_workers(contact.organisation)
        notify(
            recipients=recipients,
            kind=Kind.CONTACT_FOR_YOU,
            title=f"The MASH manager wants more information on contact {contact.reference}",
            url=reverse("frontdoor:mash", args=[contact.pk]),
            reference=contact_reference(contact),
        )
    return contact


def recipient_for(outcome: str, *, team=None, early_help_offer: str = "", detail: str = ""):
    """Who the onward record goes to; None for no further action (nothing is sent)."""
    if outcome in (Outcome.STRATEGY_DISCUSSION, Outcome.SOCIAL_WORK_TEAM):
        return team.name if team else ""
    if outcome == Outcome.EARLY_HELP:
        return f"{team.name if team else 'Early help'}: {EarlyHelpOffer(early_help_offer).label}"
    if outcome == Outcome.SIGNPOST:
        return detail[:200]
    return None


def onward_body(
    contact: Contact, record: MashRecord, answers, *, final_rag: str, outcome: str, recipient
) -> tuple[str, list[str]]:
    """The text sent to the receiving service, and the agencies whose answers it leaves out.

    Built from the contact's concerns, the MASH analysis and recommended action and the
    answers an agency agreed may be passed on, each marked with whether the family may see
    it. Answers marked "do not pass on" are left out whole; their agencies are listed only
    on the MASH record (``withheld_agencies``), not in this text. The social worker's
    agency-by-agency summary is never sent: it summarises withheld answers too.
    """
    passed = [a for a in answers if a.may_pass_on]
    withheld = sorted({a.agency.name for a in answers if not a.may_pass_on})
    lines = [
        contact_reference(contact),
        f"Received {_local(contact.received_at)} ({contact.get_source_display().lower()}).",
        f"Final RAG rating: {Rag(final_rag).label}. Outcome: {Outcome(outcome).label}"
        f" ({recipient}).",
        "",
        "What the concerns are",
        contact.concerns,
        "",
        f"The MASH's analysis ({record_name(record.kind)})",
        record.analysis,
        "",
        "Recommended action",
        record.recommended_action,
    ]
    if passed:
        lines += ["", "What partner agencies said"]
        for answer in passed:
            family = (
                "may be shared with the family"
                if answer.may_share_with_family
                else "NOT to be shared with the family"
            )
            lines += [
                "",
                f"{answer.agency.name}, {_local(answer.answered_at)} ({family}):",
                answer.summary,
            ]
    return "\n".join(lines), withheld


def mash_decide(
    *,
    contact: Contact,
    actor,
    final_rag: str,
    rationale: str,
    outcome: str,
    team=None,
    early_help_offer: str = "",
    detail: str = "",
    feedback_to_referrer: str = "",
    request=None,
) -> Contact:
    """The MASH manager sets the final RAG rating and decides where the contact goes.

    Builds the onward record for the receiving service (leaving out every answer its agency
    asked not to be passed on), notes on the MASH record what was passed on and to whom,
    and ends the contact's time at the front door through ``contact_finish`` with the
    referrer's feedback. Refuses feedback, or an analysis about to be sent onward, that
    repeats an answer its agency did not agree to share that way.
    """
    require(rules.can_decide_mash(actor), "Only the MASH manager decides MASH contacts.")
    require_same_organisation(actor.organisation_id, contact, team)
    rationale = rationale.strip()
    detail = detail.strip()
    feedback_to_referrer = feedback_to_referrer.strip()
    if final_rag not in Rag.values:
        raise DomainError("Choose the final RAG rating.")
    if not rationale:
        raise DomainError("Say why you gave the final rating.")
    if outcome not in MASH_OUTCOMES:
        raise DomainError("Choose what happens next.")
    if outcome in (Outcome.STRATEGY_DISCUSSION, Outcome.SOCIAL_WORK_TEAM) and team is None:
        raise DomainError("Choose the social work team the contact goes to.")
    if outcome == Outcome.EARLY_HELP and early_help_offer not in EarlyHelpOffer.values:
        raise DomainError("Choose the early help offer.")
    if outcome == Outcome.SIGNPOST and not detail:
        raise DomainError("Say which service the family is signposted to.")
    if outcome not in (Outcome.STRATEGY_DISCUSSION, Outcome.SOCIAL_WORK_TEAM):
        team = (
            None
            if outcome != Outcome.EARLY_HELP
            else front_door_settings(contact.organisation).early_help_team
        )
    if outcome != Outcome.EARLY_HELP:
        early_help_offer = ""
    with transaction.atomic():
        contact = _locked(contact)
        _require_status(contact, Status.MASH_DECISION, doing="decide it")
        record = (
            MashRecord.objects.for_org(contact.organisation)
            .select_for_update()
            .get(contact=contact)
        )
        answers = answered_requests(contact)
        not_onward = [a for a in answers if not a.may_pass_on]
        not_for_family = [a for a in answers if not a.may_share_with_family]
        for answer in {a.pk: a for a in not_onward + not_for_family}.values():
            if feedback_to_referrer and quotes(feedback_to_referrer, answer.summary):
                raise DomainError(
                    f"The feedback to the referrer repeats what {answer.agency.name} said, "
                    "which it has not agreed to share. Nothing was saved; take it out."
                )
        recipient = recipient_for(
            outcome, team=team, early_help_offer=early_help_offer, detail=detail
        )
        if recipient is not None:
            for answer in not_onward:
                if quotes(record.analysis, answer.summary) or quotes(
                    record.recommended_action, answer.summary
                ):
                    raise DomainError(
                        f"The MASH record's analysis repeats what {answer.agency.name} asked "
                        "not to be passed on, and the analysis is sent onward. Nothing was "
                        "saved; send the record back for it to be reworded."
                    )
        now = clock.now()
        RagRating.objects.create(
            organisation=contact.organisation,
            created_by=actor,
            contact=contact,
            stage=RagRating.Stage.FINAL,
            rating=final_rag,
            rationale=rationale,
        )
        contact.final_rag = final_rag
        if recipient is None:
            record.passed_on_note = (
                f"{_local(now)}: no further action. Nothing was passed on to another service."
            )
        else:
            body, withheld = onward_body(
                contact, record, answers, final_rag=final_rag, outcome=outcome, recipient=recipient
            )
            OnwardRecord.objects.create(
                organisation=contact.organisation,
                created_by=actor,
                contact=contact,
                recipient=recipient,
                body=body,
                withheld_agencies=withheld,
            )
            passed = sorted({a.agency.name for a in answers if a.may_pass_on})
            note = [
                f"{_local(now)}: passed to {recipient} - the concerns, the MASH analysis and "
                "recommended action"
                + (f", and the information from {', '.join(passed)}" if passed else "")
                + "."
            ]
            if withheld:
                note.append(
                    f"Not passed on, as the agency asked: the information from "
                    f"{', '.join(withheld)}."
                )
            record.passed_on_note = " ".join(note)
        record.save(update_fields=["passed_on_note", "modified_at"])
        contact_finish(
            contact=contact,
            actor=actor,
            outcome=outcome,
            team=team,
            early_help_offer=early_help_offer,
            detail=detail,
            feedback_to_referrer=feedback_to_referrer,
            request=request,
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=record,
            detail={
                "what": "MASH decision",
                "final_rag": final_rag,
                "outcome": outcome,
                "recipient": recipient or "",
                "withheld": [a.agency.name for a in not_onward],
            },
        )
    return contact


# --- Reading ------------------------------------------------------------------------------


def mash_viewed(*, contact: Contact, actor, page: str, person_id=None, request=None) -> None:
    """Audit that someone read a contact's MASH pages (every view is recorded)."""
    record_event(
        action=Action.VIEW,
        actor=actor,
        request=request,
        obj=contact,
        person_id=person_id,
        detail={"what": page},
    )


def information_request_viewed(
    *, info_request: InformationRequest, actor, person_id=None, request=None
) -> None:
    """Audit that a partner agency member read a request and the family's details on it."""
    record_event(
        action=Action.VIEW,
        actor=actor,
        request=request,
        obj=info_request,
        person_id=person_id,
        detail={"what": "MASH information request", "agency": info_request.agency.name},
    )
