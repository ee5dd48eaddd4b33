"""Every write to programmes, services, agencies, engagements, deliveries and consultations."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology.projection import project, project_new
from haven.core import clock
from haven.core.errors import DomainError, require, require_same_organisation
from haven.programmes import tally
from haven.programmes.models import (
    ABSENT,
    CURRENT,
    TRANSITIONS,
    Agency,
    Attendance,
    Batch,
    Consultation,
    Correction,
    Engagement,
    FollowUpAction,
    OpenAccessSession,
    Programme,
    Service,
    ServiceDelivery,
    Stage,
    StageChange,
)

# --- Configuration: programmes, services, agencies -----------------------------------------

PROGRAMME_FIELDS = ("name", "code", "description", "status", "start_date", "end_date")


def programme_save(*, actor, data: dict, programme: Programme | None = None) -> Programme:
    require(rules.can_configure_programmes(actor))
    require_same_organisation(actor.organisation_id, programme)
    fields = {k: data[k] for k in PROGRAMME_FIELDS if k in data}
    fields["name"] = (fields.get("name") or "").strip()
    fields["code"] = (fields.get("code") or "").strip().upper()
    if not fields["name"] or not fields["code"]:
        raise DomainError("Give the programme a name and a short code.")
    start, end = fields.get("start_date"), fields.get("end_date")
    if start and end and end < start:
        raise DomainError("The programme ends before it starts.")
    creating = programme is None
    programme = programme or Programme(organisation=actor.organisation, created_by=actor)
    for key, value in fields.items():
        setattr(programme, key, value)
    try:
        with transaction.atomic():
            programme.save()
            record_event(
                action=Action.CREATE if creating else Action.UPDATE,
                actor=actor,
                obj=programme,
                detail={"what": "programme"},
            )
    except IntegrityError:
        raise DomainError(f"Another programme already uses the code {fields['code']}.") from None
    return programme


def service_save(
    *, actor, programme: Programme, data: dict, service: Service | None = None
) -> Service:
    require(rules.can_configure_programmes(actor))
    require_same_organisation(actor.organisation_id, programme, service)
    name = (data.get("name") or "").strip()
    if not name:
        raise DomainError("Give the service a name.")
    creating = service is None
    service = service or Service(
        organisation=actor.organisation, created_by=actor, programme=programme
    )
    service.name = name
    service.unit = data.get("unit") or Service.Unit.SESSIONS
    service.default_quantity = data.get("default_quantity") or Decimal("1")
    service.is_active = data.get("is_active", True)
    try:
        with transaction.atomic():
            service.save()
            record_event(
                action=Action.CREATE if creating else Action.UPDATE,
                actor=actor,
                obj=service,
                detail={"what": "service"},
            )
    except IntegrityError:
        raise DomainError(f"{programme.code} already has a service called “{name}”.") from None
    return service


def agency_save(*, actor, data: dict, agency: Agency | None = None) -> Agency:
    require(rules.can_configure_programmes(actor))
    require_same_organisation(actor.organisation_id, agency)
    name = (data.get("name") or "").strip()
    if not name:
        raise DomainError("Give the agency a name.")
    creating = agency is None
    agency = agency or Agency(organisation=actor.organisation, created_by=actor)
    agency.name = name
    for key in ("kind", "phone", "email"):
        setattr(agency, key, (data.get(key) or "").strip())
    agency.is_active = data.get("is_active", True)
    try:
        with transaction.atomic():
            agency.save()
            record_event(
                action=Action.CREATE if creating else Action.UPDATE,
                actor=actor,
                obj=agency,
                detail={"what": "agency"},
            )
    except IntegrityError:
        raise DomainError(f"There is already an agency called “{name}”.") from None
    return agency


# --- Engagements ---------------------------------------------------------------------------

ENGAGEMENT_FIELDS = (
    "referral_date",
    "referred_by",
    "pupil_premium",
    "family_situation",
    "doctor",
    "emergency_contact",
    "consent_form_completed",
    "consent_given_by",
    "key_person",
    "service_manager",
)
ENGAGEMENT_MANY = ("presenting_issues", "evidence_seen", "agencies")


def open_engagement_of(child, programme) -> Engagement | None:
    return (
        Engagement.objects.for_org(child.organisation)
        .filter(child=child, programme=programme, stage=Stage.IN_PROGRESS)
        .first()
    )


def _check_engagement(engagement: Engagement, actor) -> None:
    child = engagement.child
    if not child.is_child:
        raise DomainError(
            f"{child.full_name} is an adult. Programme engagements are for children: add the "
            "engagement to the child's record."
        )
    if engagement.referral_date > clock.today():
        raise DomainError("The referral date cannot be in the future.")
    for who in (engagement.key_person, engagement.service_manager):
        if who is not None and (who.organisation_id != actor.organisation_id or not who.is_active):
            raise DomainError(f"{who.full_name} is not an active member of staff here.")
    for who in (engagement.emergency_contact, engagement.consent_given_by):
        require_same_organisation(actor.organisation_id, who)
        if who is not None and who.is_child:
            raise DomainError(f"{who.full_name} is a child: choose an adult.")


def engagement_create(
    *, actor, child, programme: Programme, data: dict, request=None
) -> Engagement:
    """Open a new engagement. A child already in progress on the programme cannot get a
    second one; a new referral after the last one closed always starts a new engagement."""
    require(rules.can_work_with_programmes(actor) and rules.can_view_person(actor, child))
    require_same_organisation(actor.organisation_id, child, programme)
    if programme.status not in (Programme.Status.ACTIVE, Programme.Status.PLANNED):
        raise DomainError(f"{programme.name} is {programme.get_status_display().lower()}.")
    current = open_engagement_of(child, programme)
    if current is not None:
        raise DomainError(
            f"{child.full_name} already has an engagement in progress on {programme.name}."
        )
    engagement = Engagement(
        organisation=actor.organisation, created_by=actor, programme=programme, child=child
    )
    for key in ENGAGEMENT_FIELDS:
        if key in data:
            setattr(engagement, key, data[key])
    if engagement.referral_date is None:
        raise DomainError("Give the referral date.")
    _check_engagement(engagement, actor)
    with transaction.atomic():
        engagement.save()
        for key in ENGAGEMENT_MANY:
            if data.get(key):
                require_same_organisation(actor.organisation_id, *data[key])
                getattr(engagement, key).set(data[key])
        _update_health(child, actor, data, request)
        project(engagement)
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=engagement,
            person_id=child.pk,
            detail={"what": "programme engagement", "programme": programme.code},
        )
    return engagement


def _update_health(child, actor, data: dict, request) -> None:
    """Medical details and allergies live on the child's record; the engagement form edits
    them there."""
    changes = {
        key: data[key].strip()
        for key in ("medical_details", "allergies")
        if key in data and data[key] is not None and data[key].strip() != getattr(child, key)
    }
    if not changes:
        return
    from haven.people.services import person_update

    person_update(person=child, actor=actor, data=changes, request=request)


def engagement_update(*, engagement: Engagement, actor, data: dict, request=None) -> Engagement:
    require(rules.can_record_in_engagement(actor, engagement))
    with transaction.atomic():
        for key in ENGAGEMENT_FIELDS:
            if key in data:
                setattr(engagement, key, data[key])
        if engagement.closed_on and engagement.referral_date > engagement.closed_on:
            raise DomainError("The referral date is after the date the engagement closed.")
        _check_engagement(engagement, actor)
        engagement.save()
        for key in ENGAGEMENT_MANY:
            if key in data:
                require_same_organisation(actor.organisation_id, *data[key])
                getattr(engagement, key).set(data[key])
        _update_health(engagement.child, actor, data, request)
        project(engagement)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=engagement,
            person_id=engagement.child_id,
            detail={"what": "programme engagement"},
        )
    return engagement


def engagement_close(
    *,
    engagement: Engagement,
    actor,
    closed_on: date,
    reason,
    note: str = "",
    stage: str = Stage.CLOSED,
    request=None,
) -> Engagement:
    """Close (or mark not progressed). A reason is required; the date may not be before the
    referral, after today, or before the last session recorded."""
    require(rules.can_record_in_engagement(actor, engagement))
    if stage not in TRANSITIONS.get(engagement.stage, set()):
        raise DomainError(
            f"This engagement is {engagement.get_stage_display().lower()}; it cannot become "
            f"{Stage(stage).label.lower()}."
        )
    if reason is None:
        raise DomainError("Give the reason for closing.")
    require_same_organisation(actor.organisation_id, reason)
    if closed_on > clock.today():
        raise DomainError("The date closed cannot be in the future.")
    if closed_on < engagement.referral_date:
        raise DomainError("The date closed is before the referral date.")
    last = (
        ServiceDelivery.objects.for_org(engagement.organisation)
        .filter(CURRENT, engagement=engagement)
        .order_by("-delivered_on")
        .values_list("delivered_on", flat=True)
        .first()
    )
    if last is not None and closed_on < last:
        raise DomainError(
            f"A session was recorded on {last:%d/%m/%Y}; the date closed cannot be before it."
        )
    with transaction.atomic():
        before = engagement.stage
        engagement.stage = stage
        engagement.closed_on = closed_on
        engagement.closed_reason = reason
        engagement.closed_note = note.strip()[:300]
        engagement.closed_by = actor
        engagement.save()
        StageChange.objects.create(
            organisation=engagement.organisation,
            created_by=actor,
            engagement=engagement,
            from_stage=before,
            to_stage=stage,
            note=engagement.closed_note,
        )
        project(engagement)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=engagement,
            person_id=engagement.child_id,
            detail={"what": "engagement stage", "from": before, "to": stage},
        )
    return engagement


# --- Service deliveries --------------------------------------------------------------------


@dataclass
class DeliveryRow:
    """One delivery to store; ``engagement`` and ``service`` already fetched in the actor's
    organisation."""

    engagement: Engagement | None
    service: Service | None
    delivered_on: date | None
    attendance: str = Attendance.PRESENT
    absence_reason: object = None
    summary: str = ""
    quantity: Decimal | None = None
    delivered_by: object = None
    errors: list[str] = field(default_factory=list)


class RowsRefused(DomainError):
    """Some rows of a bulk entry are not right; nothing was stored."""

    def __init__(self, errors: dict[int, list[str]]):
        self.errors = errors
        count = len(errors)
        super().__init__(
            f"{count} row{'s' if count != 1 else ''} need{'s' if count == 1 else ''} "
            "correcting. Nothing has been saved."
        )


NO_ENGAGEMENT = "Choose the child's programme engagement."


def delivery_problems(row: DeliveryRow, actor, *, correcting: bool = False) -> list[str]:
    """Everything wrong with one delivery, in words for the person entering it.

    ``correcting``: an existing delivery is being put right, which a closed engagement
    allows (the session did happen while it was open); its date must still fall inside it.
    """
    problems = []
    engagement, service, day = row.engagement, row.service, row.delivered_on
    if engagement is None:
        problems.append(NO_ENGAGEMENT)
    if service is None:
        problems.append("Choose the service.")
    if day is None:
        problems.append("Give the delivery date.")
    if row.attendance not in Attendance.values:
        problems.append("Choose present or absent.")
    if row.attendance == Attendance.PRESENT and row.absence_reason is not None:
        problems.append("A reason for absence is only for a child who was absent.")
    if row.quantity is not None and row.quantity < 0:
        problems.append("The quantity cannot be negative.")
    if problems:
        return problems
    programme = engagement.programme
    if not rules.can_record_in_engagement(actor, engagement):
        return ["You may not record sessions in this engagement."]
    if not engagement.is_open and not correcting:
        problems.append(
            f"{engagement.name} is {engagement.get_stage_display().lower()} and takes no new "
            "service deliveries. A new referral starts a new engagement."
        )
    if service.programme_id != engagement.programme_id:
        problems.append(f"{service.label} is not a service of {programme.name}.")
    elif not service.is_active:
        problems.append(f"{service.label} is no longer offered.")
    if day > clock.today():
        problems.append("The delivery date cannot be in the future.")
    if day < engagement.referral_date:
        problems.append(
            f"The delivery date {day:%d/%m/%Y} is before the engagement began "
            f"({engagement.referral_date:%d/%m/%Y})."
        )
    elif not engagement.covers(day):
        problems.append(
            f"The delivery date {day:%d/%m/%Y} is after the engagement closed "
            f"({engagement.closed_on:%d/%m/%Y})."
        )
    if not programme.covers(day):
        problems.append(
            f"The delivery date {day:%d/%m/%Y} is outside the dates {programme.name} runs."
        )
    return problems


def _delivery(row: DeliveryRow, actor, batch=None) -> ServiceDelivery:
    return ServiceDelivery(
        organisation=actor.organisation,
        created_by=actor,
        engagement=row.engagement,
        service=row.service,
        delivered_on=row.delivered_on,
        attendance=row.attendance,
        absence_reason=row.absence_reason if row.attendance in ABSENT else None,
        summary=row.summary.strip(),
        quantity=row.service.default_quantity if row.quantity is None else row.quantity,
        delivered_by=row.delivered_by or actor,
        batch=batch,
    )


def delivery_record(*, actor, row: DeliveryRow, request=None) -> ServiceDelivery:
    """One service delivery in one engagement."""
    require(rules.can_work_with_programmes(actor))
    require_same_organisation(
        actor.organisation_id, row.engagement, row.service, row.absence_reason, row.delivered_by
    )
    problems = delivery_problems(row, actor)
    if problems:
        raise DomainError(" ".join(problems))
    with transaction.atomic():
        delivery = _delivery(row, actor)
        tally.stamp_year_groups([delivery])
        delivery.save()
        tally.count([delivery])
        project(delivery)
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=delivery,
            person_id=row.engagement.child_id,
            detail={"what": "service delivery", "attendance": delivery.attendance},
        )
    return delivery


@dataclass(frozen=True)
class BulkResult:
    stored: int
    repeated: bool  # True when this token was saved before: nothing new was stored


def deliveries_record_bulk(
    *, actor, rows: list[DeliveryRow], token: str, kind: str = Batch.Kind.GRID, request=None
) -> BulkResult:
    """Store many deliveries at once: all or none.

    Every row is checked first; if any is wrong nothing is stored and ``RowsRefused`` says
    which. The form's token makes a double submit harmless: the second finds the batch the
    first stored and stores nothing. The queries do not grow with the number of rows: one
    insert for the deliveries, one for their chronology entries, one audit event.
    """
    require(rules.can_work_with_programmes(actor))
    token = (token or "").strip()
    if not token or len(token) > 64:
        raise DomainError("This form has expired. Open it again and re-enter the sessions.")
    if not rows:
        raise DomainError("There are no sessions to save.")
    errors = {}
    for index, row in enumerate(rows):
        require_same_organisation(
            actor.organisation_id, row.engagement, row.service, row.absence_reason, row.delivered_by
        )
        problems = row.errors + delivery_problems(row, actor)
        if problems:
            errors[index] = problems
    seen = set()
    for index, row in enumerate(rows):
        key = (row.engagement and row.engagement.pk, row.service and row.service.pk)
        key = (*key, row.delivered_on)
        if key in seen and index not in errors:
            errors[index] = ["This session is already on an earlier row."]
        seen.add(key)
    if errors:
        raise RowsRefused(errors)
    earlier = Batch.objects.for_org(actor.organisation).filter(token=token).first()
    if earlier is not None:
        return BulkResult(earlier.stored, repeated=True)
    try:
        with transaction.atomic():
            batch = Batch.objects.create(
                organisation=actor.organisation,
                created_by=actor,
                token=token,
                kind=kind,
                stored=len(rows),
            )
            deliveries = [_delivery(row, actor, batch) for row in rows]
            tally.stamp_year_groups(deliveries)
            deliveries = ServiceDelivery.unscoped.bulk_create(deliveries)
            tally.count(deliveries)
            project_new(deliveries)
            record_event(
                action=Action.CREATE,
                actor=actor,
                request=request,
                obj=batch,
                detail={
                    "what": f"service deliveries ({batch.get_kind_display().lower()})",
                    "count": len(deliveries),
                    "engagements": sorted({d.engagement_id for d in deliveries}),
                },
            )
    except IntegrityError:
        # The same form saved at the same moment by a second click: the first one won.
        earlier = Batch.objects.for_org(actor.organisation).filter(token=token).first()
        if earlier is None:
            raise
        return BulkResult(earlier.stored, repeated=True)
    return BulkResult(len(deliveries), repeated=False)


# --- Corrections: new versions, never deletion --------------------------------------------


def _text(value) -> str:
    """A field's value as it reads on the page, for the record of what changed."""
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if hasattr(value, "label"):
        return str(value.label)
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(_text(v) for v in value))
    return str(value)


def _apply(record, values: dict) -> dict:
    """Set ``values`` on ``record``; return {field: [before, after]} for those that differ."""
    changes = {}
    for name, after in values.items():
        before = getattr(record, name)
        if _text(before) != _text(after):
            changes[name] = [_text(before), _text(after)]
            setattr(record, name, after)
    return changes


def _as_labels(changes: dict, field_name: str, choices) -> None:
    """Show a choice field's change in words ("Telephone call"), not its stored code."""
    if field_name in changes:
        words = dict(choices)
        changes[field_name] = [words.get(v, v) for v in changes[field_name]]


def _correction(record, record_type: str, actor, *, kind: str, changes=None, reason="") -> None:
    Correction.objects.create(
        organisation=record.organisation,
        created_by=actor,
        record_type=record_type,
        record_id=record.pk,
        version=record.version,
        kind=kind,
        changes=changes or {},
        reason=reason[:300],
    )


def _mark_error(record, actor, reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why this was entered in error.")
    if record.in_error:
        raise DomainError("This was already marked as entered in error.")
    record.entered_in_error_at = clock.now()
    record.entered_in_error_by = actor
    record.entered_in_error_reason = reason[:300]
    record.version += 1
    return reason


DELIVERY_EDITABLE = (
    "service",
    "delivered_on",
    "attendance",
    "absence_reason",
    "summary",
    "quantity",
    "delivered_by",
)


def delivery_update(*, delivery: ServiceDelivery, actor, data: dict, request=None):
    """Correct a service delivery: the new values are checked as a new one would be (a
    closed engagement allows corrections), the version goes up and a ``Correction`` keeps
    what changed. Returns the number of fields changed (0: nothing saved)."""
    engagement = delivery.engagement
    require(rules.can_record_in_engagement(actor, engagement))
    if delivery.in_error:
        raise DomainError("This session was entered in error and can no longer be changed.")
    values = {k: data[k] for k in DELIVERY_EDITABLE if k in data}
    require_same_organisation(
        actor.organisation_id,
        values.get("service"),
        values.get("absence_reason"),
        values.get("delivered_by"),
    )
    if values.get("attendance", delivery.attendance) not in ABSENT:
        values["absence_reason"] = None
    if "summary" in values:
        values["summary"] = (values["summary"] or "").strip()
    if values.get("quantity", delivery.quantity) is None:
        service = values.get("service", delivery.service)
        values["quantity"] = service.default_quantity
    if "delivered_by" in values and values["delivered_by"] is None:
        values["delivered_by"] = delivery.delivered_by
    row = DeliveryRow(
        engagement=engagement,
        service=values.get("service", delivery.service),
        delivered_on=values.get("delivered_on", delivery.delivered_on),
        attendance=values.get("attendance", delivery.attendance),
        absence_reason=values.get("absence_reason", delivery.absence_reason),
        quantity=values.get("quantity", delivery.quantity),
    )
    problems = delivery_problems(row, actor, correcting=True)
    if problems:
        raise DomainError(" ".join(problems))
    with transaction.atomic():
        before = copy.copy(delivery)
        changes = _apply(delivery, values)
        if not changes:
            return 0
        _as_labels(changes, "attendance", Attendance.choices)
        delivery.version += 1
        delivery.save()
        tally.count([delivery], less=[before])
        _correction(delivery, Correction.Record.DELIVERY, actor, kind="edited", changes=changes)
        project(delivery)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=delivery,
            person_id=engagement.child_id,
            detail={"what": "service delivery", "fields": sorted(changes)},
        )
    return len(changes)


def delivery_mark_error(*, delivery: ServiceDelivery, actor, reason: str, request=None):
    """Take a delivery out of pages and counts, keeping it and saying why."""
    engagement = delivery.engagement
    require(rules.can_record_in_engagement(actor, engagement))
    with transaction.atomic():
        reason = _mark_error(delivery, actor, reason)
        delivery.save()
        tally.count([], less=[delivery])
        _correction(
            delivery, Correction.Record.DELIVERY, actor, kind="entered_in_error", reason=reason
        )
        project(delivery)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=delivery,
            person_id=engagement.child_id,
            detail={"what": "service delivery entered in error"},
        )
    return delivery


def _open_access_problems(service, held_on, attendees) -> None:
    if attendees is None or attendees < 0:
        raise DomainError("Give the number of attendees.")
    if held_on > clock.today():
        raise DomainError("The session date cannot be in the future.")
    if not service.programme.covers(held_on):
        raise DomainError(f"{service.programme.name} was not running on {held_on:%d/%m/%Y}.")


def open_access_record(
    *, actor, service: Service, held_on: date, attendees: int, note: str = "", request=None
) -> OpenAccessSession:
    """A universal session: a count of attendees against a service and date."""
    require(rules.can_work_with_programmes(actor))
    require_same_organisation(actor.organisation_id, service)
    _open_access_problems(service, held_on, attendees)
    with transaction.atomic():
        session = OpenAccessSession.objects.create(
            organisation=actor.organisation,
            created_by=actor,
            service=service,
            held_on=held_on,
            attendees=attendees,
            note=note.strip()[:300],
        )
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=session,
            detail={"what": "open-access session", "attendees": attendees},
        )
    return session


def open_access_update(*, session: OpenAccessSession, actor, data: dict, request=None) -> int:
    """Correct an open-access count. Returns the number of fields changed."""
    require(rules.can_work_with_programmes(actor))
    require_same_organisation(actor.organisation_id, session, data.get("service"))
    if session.in_error:
        raise DomainError("This session was entered in error and can no longer be changed.")
    values = {k: data[k] for k in ("service", "held_on", "attendees", "note") if k in data}
    if "note" in values:
        values["note"] = (values["note"] or "").strip()[:300]
    _open_access_problems(
        values.get("service", session.service),
        values.get("held_on", session.held_on),
        values.get("attendees", session.attendees),
    )
    with transaction.atomic():
        changes = _apply(session, values)
        if not changes:
            return 0
        session.version += 1
        session.save()
        _correction(session, Correction.Record.OPEN_ACCESS, actor, kind="edited", changes=changes)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=session,
            detail={"what": "open-access session", "fields": sorted(changes)},
        )
    return len(changes)


def open_access_mark_error(*, session: OpenAccessSession, actor, reason: str, request=None):
    require(rules.can_work_with_programmes(actor))
    require_same_organisation(actor.organisation_id, session)
    with transaction.atomic():
        reason = _mark_error(session, actor, reason)
        session.save()
        _correction(
            session, Correction.Record.OPEN_ACCESS, actor, kind="entered_in_error", reason=reason
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=session,
            detail={"what": "open-access session entered in error"},
        )
    return session


# --- Consultations -------------------------------------------------------------------------


@dataclass
class ActionEntry:
    """A follow-up action as entered on the consultation form; ``pk`` for one that exists."""

    description: str
    due_on: date | None
    assignee: object = None
    done: bool = False
    pk: int | None = None


def _action_entries(actions, actor) -> list[ActionEntry]:
    """Accept ``ActionEntry`` rows or (description, due[, assignee]) tuples; check them."""
    entries = []
    for action in actions:
        if not isinstance(action, ActionEntry):
            action = ActionEntry(*action)
        if not (action.description or "").strip() or action.due_on is None:
            raise DomainError("Each follow-up action needs a description and a due date.")
        who = action.assignee or actor
        if who.organisation_id != actor.organisation_id or not who.is_active:
            raise DomainError(f"{who.full_name} is not an active member of staff here.")
        action.assignee = who
        action.description = action.description.strip()[:300]
        entries.append(action)
    return entries


def _consultation_problems(engagement, *, held_on, method, summary, people, agencies, others):
    if method not in Consultation.Method.values:
        raise DomainError("Choose how the consultation took place.")
    if not (summary or "").strip():
        raise DomainError("Give a summary of the key information.")
    if held_on > clock.today():
        raise DomainError("The consultation date cannot be in the future.")
    if held_on < engagement.referral_date:
        raise DomainError("The consultation date is before the engagement began.")
    if not (people or agencies or (others or "").strip()):
        raise DomainError("Say who the consultation was held with.")


def _new_action(consultation, entry: ActionEntry, actor) -> FollowUpAction:
    return FollowUpAction(
        organisation=actor.organisation,
        created_by=actor,
        consultation=consultation,
        description=entry.description,
        due_on=entry.due_on,
        assignee=entry.assignee,
        done_on=clock.today() if entry.done else None,
        done_by=actor if entry.done else None,
    )


def consultation_record(
    *,
    engagement: Engagement,
    actor,
    held_on: date,
    method: str,
    summary: str,
    people=(),
    agencies=(),
    others: str = "",
    actions=(),
    request=None,
) -> Consultation:
    """A consultation with any number of follow-up actions, each due by a date and assigned
    to a member of staff (the person recording it, if nobody else is named)."""
    require(rules.can_record_in_engagement(actor, engagement))
    require_same_organisation(actor.organisation_id, *people, *agencies)
    _consultation_problems(
        engagement,
        held_on=held_on,
        method=method,
        summary=summary,
        people=people,
        agencies=agencies,
        others=others,
    )
    entries = _action_entries(actions, actor)
    with transaction.atomic():
        consultation = Consultation.objects.create(
            organisation=actor.organisation,
            created_by=actor,
            engagement=engagement,
            held_on=held_on,
            method=method,
            others=others.strip()[:300],
            summary=summary.strip(),
        )
        consultation.people.set(people)
        consultation.agencies.set(agencies)
        FollowUpAction.unscoped.bulk_create(
            _new_action(consultation, entry, actor) for entry in entries
        )
        project(consultation)
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=consultation,
            person_id=engagement.child_id,
            detail={"what": "consultation", "actions": len(entries)},
        )
    return consultation


def _update_actions(consultation, entries: list[ActionEntry], actor) -> dict:
    """Bring the follow-up actions in line with the form: existing rows are changed (never
    removed; an action no longer needed is marked done), new rows are added."""
    existing = {a.pk: a for a in consultation.actions.all()}
    changes = {}
    for entry in entries:
        action = existing.get(entry.pk) if entry.pk else None
        if action is None:
            action = _new_action(consultation, entry, actor)
            action.save()
            changes[f"action {action.pk}"] = [
                "",
                f"{entry.description}, due {entry.due_on:%d/%m/%Y}",
            ]
            continue
        done_on = action.done_on or (clock.today() if entry.done else None)
        if not entry.done:
            done_on = None
        values = {
            "description": entry.description,
            "due_on": entry.due_on,
            "assignee": entry.assignee,
            "done_on": done_on,
        }
        before = {k: _text(getattr(action, k)) for k in values}
        changed = _apply(action, values)
        if changed:
            if "done_on" in changed:
                action.done_by = actor if action.done_on else None
            action.save()
            changes[f"action {action.pk}"] = [
                "; ".join(f"{k}: {before[k]}" for k in changed),
                "; ".join(f"{k}: {v[1]}" for k, v in changed.items()),
            ]
    return changes


def consultation_update(*, consultation: Consultation, actor, data: dict, request=None) -> int:
    """Correct a consultation and its follow-up actions; keeps what changed in a
    ``Correction``. Returns the number of changes (0: nothing saved)."""
    engagement = consultation.engagement
    require(rules.can_record_in_engagement(actor, engagement))
    if consultation.in_error:
        raise DomainError("This consultation was entered in error and can no longer be changed.")
    people = list(data.get("people", consultation.people.all()))
    agencies = list(data.get("agencies", consultation.agencies.all()))
    require_same_organisation(actor.organisation_id, *people, *agencies)
    values = {k: data[k] for k in ("held_on", "method", "summary", "others") if k in data}
    for key in ("summary", "others"):
        if key in values:
            values[key] = (values[key] or "").strip()
    _consultation_problems(
        engagement,
        held_on=values.get("held_on", consultation.held_on),
        method=values.get("method", consultation.method),
        summary=values.get("summary", consultation.summary),
        people=people,
        agencies=agencies,
        others=values.get("others", consultation.others),
    )
    entries = _action_entries(data.get("actions", ()), actor)
    with transaction.atomic():
        changes = _apply(consultation, values)
        _as_labels(changes, "method", Consultation.Method.choices)
        for name, chosen in (("people", people), ("agencies", agencies)):
            current = list(getattr(consultation, name).all())
            if {o.pk for o in current} != {o.pk for o in chosen}:
                label = (lambda o: o.full_name) if name == "people" else (lambda o: o.name)
                changes[name] = [
                    ", ".join(sorted(label(o) for o in current)),
                    ", ".join(sorted(label(o) for o in chosen)),
                ]
                getattr(consultation, name).set(chosen)
        changes |= _update_actions(consultation, entries, actor)
        if not changes:
            return 0
        consultation.version += 1
        consultation.save()
        _correction(
            consultation,
            Correction.Record.CONSULTATION,
            actor,
            kind="edited",
            changes=changes,
        )
        project(consultation)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=consultation,
            person_id=engagement.child_id,
            detail={"what": "consultation", "fields": sorted(changes)},
        )
    return len(changes)


def consultation_mark_error(*, consultation: Consultation, actor, reason: str, request=None):
    """Take a consultation (and its follow-up actions) out of pages, counts and reminders,
    keeping it and saying why."""
    engagement = consultation.engagement
    require(rules.can_record_in_engagement(actor, engagement))
    with transaction.atomic():
        reason = _mark_error(consultation, actor, reason)
        consultation.save()
        _correction(
            consultation,
            Correction.Record.CONSULTATION,
            actor,
            kind="entered_in_error",
            reason=reason,
        )
        project(consultation)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=consultation,
            person_id=engagement.child_id,
            detail={"what": "consultation entered in error"},
        )
    return consultation


def follow_up_done(*, action: FollowUpAction, actor, request=None) -> FollowUpAction:
    """Mark a follow-up action done (today). Its assignee, or anyone who may record in the
    engagement, may do so; doing it twice changes nothing."""
    consultation = action.consultation
    engagement = consultation.engagement
    require(action.assignee_id == actor.pk or rules.can_record_in_engagement(actor, engagement))
    if consultation.in_error:
        raise DomainError("This consultation was entered in error.")
    if action.done_on is not None:
        return action
    with transaction.atomic():
        action.done_on = clock.today()
        action.done_by = actor
        action.save(update_fields=["done_on", "done_by", "modified_at"])
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=action,
            person_id=engagement.child_id,
            detail={"what": "follow-up action done"},
        )
    return action
