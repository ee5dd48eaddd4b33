"""Every write to the workforce: staff records, DBS checks, courses, training, induction,
learning-needs analyses and the organisation's workforce settings.

Each function checks permission, runs in one transaction, stores the due dates the change
implies (induction due, training expiry, DBS renewal) and writes its audit event in that
same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction

from haven.access import rules
from haven.accounts.models import Team, User
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.configuration.models import Option
from haven.core import clock, crypto
from haven.core.errors import DomainError, NotAllowed, require, require_same_organisation
from haven.workforce import files
from haven.workforce.dates import add_months, add_years
from haven.workforce.models import (
    INDUCTION_ITEMS,
    LEVELS,
    RESPONSIBILITIES,
    TOPICS,
    Course,
    DbsCheck,
    InductionSignOff,
    LearningNeedsAnalysis,
    PlannedActivity,
    StaffMember,
    TrainingRecord,
    TrainingSession,
    WorkforceSettings,
)
from haven.workforce.queries import settings_for

DBS_PURPOSE = "workforce.dbs_certificate_number"


def _options(organisation, list_key: str, options) -> list[Option]:
    options = list(options or [])
    for option in options:
        if option.organisation_id != organisation.pk or option.list_key != list_key:
            raise NotAllowed("That choice belongs to another list or organisation.")
    return options


def _not_in_future(value: date | None, what: str) -> None:
    if value is not None and value > clock.today():
        raise DomainError(f"{what} cannot be in the future.")


# --- Settings ---------------------------------------------------------------------------

SETTINGS_FIELDS = (
    "level_1_description",
    "level_2_description",
    "level_3_description",
    "level_4_description",
    "dbs_renewal_years",
    "induction_months",
    "remind_at_sign_in",
)


def workforce_settings_update(*, actor, request=None, **changes) -> WorkforceSettings:
    """Change the organisation's level descriptions and workforce policies.

    Changing the induction period or the DBS renewal period applies to records written
    from now on; existing due dates stay as they were set.
    """
    require(rules.can_manage_workforce(actor))
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise DomainError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        current = settings_for(actor.organisation)
        changed = sorted(f for f, v in changes.items() if getattr(current, f) != v)
        for name, value in changes.items():
            setattr(current, name, value.strip() if isinstance(value, str) else value)
        for level in LEVELS:
            if not current.level_description(level):
                raise DomainError(f"Describe level {level}.")
        if not 1 <= current.dbs_renewal_years <= 10:
            raise DomainError("DBS checks are renewed after between 1 and 10 years.")
        if not 1 <= current.induction_months <= 12:
            raise DomainError("The induction period is between 1 and 12 months.")
        current.created_by = current.created_by or actor
        current.save()
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            detail={"changed": changed},
        )
    return current


# --- Staff records ----------------------------------------------------------------------

STAFF_FIELDS = (
    "full_name",
    "user",
    "post_title",
    "kind",
    "started_on",
    "started_in_post_on",
    "hours_per_week",
    "line_manager",
    "team",
    "level",
    "responsibilities",
    "dbs_required",
    "last_appraisal_on",
    "next_appraisal_on",
    "left_on",
)


def _check_staff(organisation, data: dict, staff: StaffMember | None = None) -> dict:
    unknown = set(data) - set(STAFF_FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    data = dict(data)
    data["full_name"] = (data.get("full_name") or "").strip()
    data["post_title"] = (data.get("post_title") or "").strip()
    if not data["full_name"]:
        raise DomainError("Give the person's name.")
    if not data["post_title"]:
        raise DomainError("Give their post or role.")
    if data.get("kind") not in StaffMember.Kind.values:
        raise DomainError("Say whether they are paid staff or a volunteer.")
    if data.get("level") not in LEVELS:
        raise DomainError("Choose a level of responsibility from 1 to 4.")
    started = data.get("started_on")
    if started is None:
        raise DomainError("Give the date they started with the organisation.")
    in_post = data.get("started_in_post_on")
    if in_post is not None and in_post < started:
        raise DomainError("They cannot have started in this post before joining.")
    left = data.get("left_on")
    if left is not None and left < started:
        raise DomainError("The leaving date cannot be before they started.")
    hours = data.get("hours_per_week")
    if hours is not None and not 0 <= hours <= 168:
        raise DomainError("Hours per week must be between 0 and 168.")
    user, manager, team = data.get("user"), data.get("line_manager"), data.get("team")
    require_same_organisation(organisation.pk, user, manager, team)
    if manager is not None and user is not None and manager.pk == user.pk:
        raise DomainError("Nobody can be their own line manager.")
    if manager is not None and not manager.is_active:
        raise DomainError("That line manager's account is deactivated. Choose someone else.")
    data["responsibilities"] = _options(
        organisation, RESPONSIBILITIES, data.get("responsibilities")
    )
    if user is not None:
        linked = StaffMember.objects.for_org(organisation).filter(user=user)
        if staff is not None:
            linked = linked.exclude(pk=staff.pk)
        if linked.exists():
            raise DomainError(f"{user.full_name}'s sign-in is already linked to another record.")
    return data


def staff_create(*, actor, data: dict, request=None) -> StaffMember:
    """Add a member of staff or a volunteer (who need not sign in to Haven)."""
    require(rules.can_manage_workforce(actor))
    organisation = actor.organisation
    data = _check_staff(organisation, data)
    policy = settings_for(organisation)
    responsibilities = data.pop("responsibilities")
    with transaction.atomic():
        staff = StaffMember(organisation=organisation, created_by=actor, **data)
        staff.induction_due_on = add_months(staff.started_on, policy.induction_months)
        staff.save()
        staff.responsibilities.set(responsibilities)
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=staff,
            detail={"what": "staff record", "kind": staff.kind, "level": staff.level},
        )
    return staff


def staff_update(*, staff: StaffMember, actor, data: dict, request=None) -> StaffMember:
    require(rules.can_manage_workforce(actor))
    require_same_organisation(actor.organisation_id, staff)
    data = _check_staff(actor.organisation, data, staff)
    responsibilities = data.pop("responsibilities")
    with transaction.atomic():
        changed = sorted(f for f, v in data.items() if getattr(staff, f) != v)
        if "started_on" in changed:
            policy = settings_for(actor.organisation)
            staff.induction_due_on = add_months(data["started_on"], policy.induction_months)
        for name, value in data.items():
            setattr(staff, name, value)
        staff.save()
        before = set(staff.responsibilities.values_list("pk", flat=True))
        staff.responsibilities.set(responsibilities)
        if before != {o.pk for o in responsibilities}:
            changed.append("responsibilities")
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=staff,
            detail={"what": "staff record", "changed": changed},
        )
    return staff


def staff_viewed(*, staff: StaffMember, actor, request=None, what: str = "staff record") -> None:
    """Staff records hold personal data (DBS checks, certificates): every view is audited."""
    record_event(action=Action.VIEW, actor=actor, request=request, obj=staff, detail={"what": what})


# --- DBS checks -------------------------------------------------------------------------

DBS_NUMBER = re.compile(r"^\d{12}$")


def normalise_dbs_number(value: str) -> str:
    number = re.sub(r"[\s-]", "", value or "")
    if not DBS_NUMBER.match(number):
        raise DomainError(
            "A DBS certificate number is 12 digits, printed at the top right of the certificate."
        )
    return number


def dbs_check_add(
    *,
    staff: StaffMember,
    actor,
    check_type: str,
    certificate_number: str,
    issued_on: date,
    update_service: bool = False,
    checked_on: date | None = None,
    notes: str = "",
    request=None,
) -> DbsCheck:
    """Record a DBS certificate seen. The number is stored encrypted; renewal is computed."""
    require(rules.can_manage_workforce(actor))
    require_same_organisation(actor.organisation_id, staff)
    if check_type not in DbsCheck.Type.values:
        raise DomainError("Choose the type of DBS check.")
    number = normalise_dbs_number(certificate_number)
    checked_on = checked_on or clock.today()
    _not_in_future(issued_on, "The issue date")
    _not_in_future(checked_on, "The date it was checked")
    if checked_on < issued_on:
        raise DomainError("A certificate cannot be checked before it was issued.")
    policy = settings_for(actor.organisation)
    with transaction.atomic():
        check = DbsCheck.objects.create(
            organisation=actor.organisation,
            created_by=actor,
            staff=staff,
            check_type=check_type,
            certificate_number_encrypted=crypto.encrypt(number, purpose=DBS_PURPOSE),
            certificate_number_hint=number[-4:],
            issued_on=issued_on,
            update_service=update_service,
            renewal_due_on=add_years(issued_on, policy.dbs_renewal_years),
            checked_by=actor,
            checked_on=checked_on,
            notes=notes.strip(),
        )
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=staff,
            detail={"what": "DBS check", "dbs_check": check.pk, "type": check_type},
        )
    return check


def dbs_number(*, check: DbsCheck, actor) -> str:
    """The full certificate number, for administrators only (the caller audits the view)."""
    require(rules.can_see_dbs_number(actor) and check.organisation_id == actor.organisation_id)
    try:
        return crypto.decrypt(check.certificate_number_encrypted, purpose=DBS_PURPOSE)
    except crypto.CannotDecrypt:
        return "(cannot be read with this server's key)"


# --- Courses ----------------------------------------------------------------------------

COURSE_FIELDS = (
    "name",
    "provider",
    "levels",
    "topics",
    "validity_months",
    "required_for_levels",
    "required_for_responsibilities",
    "is_active",
)


def course_save(*, actor, data: dict, course: Course | None = None, request=None) -> Course:
    require(rules.can_manage_workforce(actor))
    organisation = actor.organisation
    if course is not None:
        require_same_organisation(organisation.pk, course)
    unknown = set(data) - set(COURSE_FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    name = (data.get("name") or "").strip()
    if not name:
        raise DomainError("Give the course a name.")
    levels = sorted({int(n) for n in data.get("levels") or []})
    required = sorted({int(n) for n in data.get("required_for_levels") or []})
    if not set(levels) <= set(LEVELS) or not set(required) <= set(LEVELS):
        raise DomainError("Levels run from 1 to 4.")
    validity = data.get("validity_months") or 36
    if not 1 <= validity <= 120:
        raise DomainError("A course is valid for between 1 and 120 months.")
    topics = _options(organisation, TOPICS, data.get("topics"))
    responsibilities = _options(
        organisation, RESPONSIBILITIES, data.get("required_for_responsibilities")
    )
    creating = course is None
    with transaction.atomic():
        course = course or Course(organisation=organisation, created_by=actor)
        course.name, course.provider = name, (data.get("provider") or "").strip()
        course.levels, course.required_for_levels = levels, required
        course.validity_months = validity
        course.is_active = data.get("is_active", True)
        try:
            with transaction.atomic():
                course.save()
        except IntegrityError:
            raise DomainError(f"There is already a course called “{name}”.") from None
        course.topics.set(topics)
        course.required_for_responsibilities.set(responsibilities)
        record_event(
            action=Action.CREATE if creating else Action.UPDATE,
            actor=actor,
            request=request,
            obj=course,
            detail={"what": "course"},
        )
    return course


# --- Training records -------------------------------------------------------------------


def _check_completion(staff: StaffMember, course: Course, completed_on: date | None) -> None:
    if completed_on is None:
        raise DomainError("Give the date the course was completed.")
    _not_in_future(completed_on, "The completion date")
    if staff.left_on is not None and completed_on > staff.left_on:
        raise DomainError(f"{staff.full_name} had left by {completed_on:%d/%m/%Y}.")
    if course.organisation_id != staff.organisation_id:
        raise NotAllowed("That course belongs to another organisation.")


def training_record_add(
    *,
    staff: StaffMember,
    course: Course,
    actor,
    completed_on: date,
    notes: str = "",
    certificate=None,
    request=None,
) -> TrainingRecord:
    """Record one completed course, with its certificate if there is one.

    The certificate is checked by its content (PDF, PNG or JPEG, at most 25 MB) and stored
    under a random name; if the record cannot be saved the stored file is removed again.
    """
    require(rules.can_manage_workforce(actor))
    require_same_organisation(actor.organisation_id, staff, course)
    _check_completion(staff, course, completed_on)
    stored = ""
    certificate_fields = {}
    if certificate is not None:
        content_type, extension = files.check_upload(certificate)
        stored = files.store(
            certificate, organisation_id=actor.organisation.pk, extension=extension
        )
        certificate_fields = {
            "certificate_path": stored,
            "certificate_name": files.display_name(certificate.name or "", extension),
            "certificate_type": content_type,
            "certificate_size": certificate.size,
        }
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = TrainingRecord.objects.create(
                        organisation=actor.organisation,
                        created_by=actor,
                        staff=staff,
                        course=course,
                        completed_on=completed_on,
                        expires_on=add_months(completed_on, course.validity_months),
                        notes=notes.strip(),
                        **certificate_fields,
                    )
            except IntegrityError:
                raise DomainError(
                    f"{staff.full_name} already has “{course.name}” recorded on "
                    f"{completed_on:%d/%m/%Y}."
                ) from None
            record_event(
                action=Action.CREATE,
                actor=actor,
                request=request,
                obj=staff,
                detail={
                    "what": "training record",
                    "training_record": record.pk,
                    "course": course.pk,
                    "certificate": bool(stored),
                },
            )
    except Exception:
        files.remove(stored)
        raise
    return record


def certificate_downloaded(*, record: TrainingRecord, actor, request=None) -> None:
    record_event(
        action=Action.VIEW,
        actor=actor,
        request=request,
        obj=record.staff,
        detail={"what": "training certificate", "training_record": record.pk},
    )


@dataclass
class Attendee:
    staff: StaffMember
    notes: str = ""


class RowErrors(DomainError):
    """Some rows of a bulk entry were refused; nothing was saved. ``errors``: row -> message."""

    def __init__(self, errors: dict[int, str]):
        super().__init__("Nothing was saved: correct the rows marked below and send it again.")
        self.errors = errors


class AlreadyRecorded(DomainError):
    """This form was sent before (a double click, a refresh): the first one counted."""

    def __init__(self, session: TrainingSession):
        super().__init__("That session was already recorded; nothing was added twice.")
        self.session = session


def training_session_record(
    *,
    actor,
    course: Course,
    held_on: date,
    token: str,
    attendees: list[tuple[int, Attendee]],
    request=None,
) -> TrainingSession:
    """Record a course for everyone who attended one session: all of them or none.

    ``attendees`` pairs each row number of the form with who attended, so that problems are
    reported against the row they came from. ``token`` comes from the form; the same token
    sent twice records nothing the second time.
    """
    require(rules.can_manage_workforce(actor))
    organisation = actor.organisation
    require_same_organisation(organisation.pk, course)
    if not token or len(token) > 64:
        raise DomainError("This form has expired. Open it again and re-enter the session.")
    earlier = TrainingSession.objects.for_org(organisation).filter(token=token).first()
    if earlier is not None:
        raise AlreadyRecorded(earlier)
    if held_on is None:
        raise DomainError("Give the date of the session.")
    _not_in_future(held_on, "The date of the session")
    if not attendees:
        raise DomainError("Choose at least one person who attended.")
    errors: dict[int, str] = {}
    seen: set[int] = set()
    already = set(
        TrainingRecord.objects.for_org(organisation)
        .filter(course=course, completed_on=held_on, staff__in=[a.staff.pk for _, a in attendees])
        .values_list("staff_id", flat=True)
    )
    for row, attendee in attendees:
        staff = attendee.staff
        if staff.organisation_id != organisation.pk:
            raise NotAllowed("That person belongs to another organisation.")
        if staff.pk in seen:
            errors[row] = f"{staff.full_name} is listed twice."
        elif staff.pk in already:
            errors[row] = f"{staff.full_name} already has this course on {held_on:%d/%m/%Y}."
        elif staff.left_on is not None and held_on > staff.left_on:
            errors[row] = f"{staff.full_name} had left by {held_on:%d/%m/%Y}."
        seen.add(staff.pk)
    if errors:
        raise RowErrors(errors)
    expires_on = add_months(held_on, course.validity_months)
    try:
        with transaction.atomic():
            session = TrainingSession.objects.create(
                organisation=organisation,
                created_by=actor,
                course=course,
                held_on=held_on,
                token=token,
            )
            records = TrainingRecord.unscoped.bulk_create(
                [
                    TrainingRecord(
                        organisation=organisation,
                        created_by=actor,
                        staff=a.staff,
                        course=course,
                        session=session,
                        completed_on=held_on,
                        expires_on=expires_on,
                        notes=a.notes.strip()[:300],
                    )
                    for _, a in attendees
                ]
            )
            for record in records:
                record_event(
                    action=Action.CREATE,
                    actor=actor,
                    request=request,
                    obj=record.staff,
                    detail={
                        "what": "training record",
                        "course": course.pk,
                        "session": session.pk,
                    },
                )
    except IntegrityError:
        # Two copies of the same form at once: the other one won; report it as done.
        earlier = TrainingSession.objects.for_org(organisation).filter(token=token).first()
        if earlier is not None:
            raise AlreadyRecorded(earlier) from None
        raise DomainError(
            "Someone recorded some of these at the same moment. Check and retry."
        ) from None
    return session


# --- Induction --------------------------------------------------------------------------


def induction_sign_off(
    *, staff: StaffMember, actor, items: dict[Option, date], request=None
) -> list[InductionSignOff]:
    """Sign off induction checklist items for one person, each with the date it was done.

    Items already signed off keep their first sign-off; a sign-off is never removed.
    """
    require(rules.can_manage_workforce(actor))
    organisation = actor.organisation
    require_same_organisation(organisation.pk, staff)
    _options(organisation, INDUCTION_ITEMS, items.keys())
    for item, when in items.items():
        if when is None:
            raise DomainError(f"Give the date “{item.label}” was done.")
        _not_in_future(when, f"The date for “{item.label}”")
    done = set(
        InductionSignOff.objects.for_org(organisation)
        .filter(staff=staff)
        .values_list("item_id", flat=True)
    )
    new = [
        InductionSignOff(
            organisation=organisation,
            created_by=actor,
            staff=staff,
            item=item,
            signed_off_on=when,
            signed_off_by=actor,
        )
        for item, when in items.items()
        if item.pk not in done
    ]
    if not new:
        return []
    with transaction.atomic():
        created = InductionSignOff.unscoped.bulk_create(new)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=staff,
            detail={"what": "induction", "signed_off": sorted(s.item_id for s in new)},
        )
    return created


# --- Learning-needs analyses ------------------------------------------------------------

ANALYSIS_FIELDS = (
    "title",
    "whose_needs",
    "purpose",
    "methods",
    "findings",
    "practical_considerations",
    "how_needs_met",
    "involving_children_and_families",
    "people_responsible",
    "recording_completion",
    "courses",
)
ANALYSIS_REQUIRED = ("title", "whose_needs", "purpose", "methods", "findings")


def analysis_save(
    *, actor, data: dict, analysis: LearningNeedsAnalysis | None = None, request=None
) -> LearningNeedsAnalysis:
    require(rules.can_plan_training(actor))
    organisation = actor.organisation
    if analysis is not None:
        require_same_organisation(organisation.pk, analysis)
    unknown = set(data) - set(ANALYSIS_FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    data = dict(data)
    courses = list(data.pop("courses", None) or [])
    require_same_organisation(organisation.pk, *courses)
    for name in ANALYSIS_REQUIRED:
        if not (data.get(name) or "").strip():
            label = LearningNeedsAnalysis._meta.get_field(name).verbose_name
            raise DomainError(f"Fill in “{label}”.")
    creating = analysis is None
    with transaction.atomic():
        analysis = analysis or LearningNeedsAnalysis(organisation=organisation, created_by=actor)
        for name, value in data.items():
            setattr(analysis, name, (value or "").strip())
        analysis.save()
        analysis.courses.set(courses)
        record_event(
            action=Action.CREATE if creating else Action.UPDATE,
            actor=actor,
            request=request,
            obj=analysis,
            detail={"what": "learning needs analysis"},
        )
    return analysis


def activity_add(
    *,
    analysis: LearningNeedsAnalysis,
    actor,
    planned_for: date,
    description: str,
    course: Course | None = None,
    done_on: date | None = None,
    request=None,
) -> PlannedActivity:
    require(rules.can_plan_training(actor))
    require_same_organisation(actor.organisation_id, analysis, course)
    description = (description or "").strip()
    if not description:
        raise DomainError("Describe the activity.")
    if planned_for is None:
        raise DomainError("Give the date it is planned for.")
    _not_in_future(done_on, "The date it was done")
    with transaction.atomic():
        activity = PlannedActivity.objects.create(
            organisation=actor.organisation,
            created_by=actor,
            analysis=analysis,
            planned_for=planned_for,
            description=description,
            course=course,
            done_on=done_on,
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=analysis,
            detail={"what": "planned activity", "activity": activity.pk},
        )
    return activity


# --- Exports ----------------------------------------------------------------------------


def compliance_exported(*, actor, request, fmt: str, rows: int, filters: dict) -> None:
    record_event(
        action=Action.EXPORT,
        actor=actor,
        request=request,
        detail={"what": "workforce compliance", "format": fmt, "rows": rows, "filters": filters},
    )


def linkable_users(organisation):
    """Sign-ins that a staff record may be linked to (active staff of the organisation)."""
    return User.objects.for_org(organisation).filter(is_active=True)


def teams(organisation):
    return Team.objects.for_org(organisation)
