"""Every write to people, households, identifiers, flags and relationships."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology.projection import project
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed, require, require_same_organisation
from haven.people import search, validation
from haven.people.models import (
    Flag,
    Household,
    HouseholdMove,
    Identifier,
    Person,
    Relationship,
    StatusFlag,
)

PERSON_FIELDS = (
    "kind",
    "adult_role",
    "first_name",
    "middle_names",
    "last_name",
    "known_as",
    "previous_names",
    "date_of_birth",
    "is_unborn",
    "expected_date",
    "gender",
    "ethnicity",
    "first_language",
    "phone",
    "mobile",
    "email",
    "do_not_contact",
    "school",
    "year_group",
    "class_group",
    "medical_details",
    "allergies",
    "dietary_needs",
)
NAME_FIELDS = ("first_name", "middle_names", "last_name", "known_as", "previous_names")
ADDRESS_FIELDS = ("address_line_1", "address_line_2", "town", "postcode")


# --- Households -------------------------------------------------------------------------


def household_name(surnames: list[str]) -> str:
    """ "Bunny Household", "Bunny and Smith Household", "Bunny, Smith and Jones Household"."""
    unique = list(dict.fromkeys(s.strip() for s in surnames if s and s.strip()))
    if not unique:
        return "New Household"
    joined = unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " and " + unique[-1]
    return f"{joined} Household"[:200]


def household_rename(household: Household) -> Household:
    """Derive the name from current members' surnames in the order they joined."""
    surnames = list(
        Person.unscoped.filter(household=household, merged_into__isnull=True)
        .order_by("household_joined_at", "pk")
        .values_list("last_name", flat=True)
    )
    if surnames:
        name = household_name(surnames)
        if name != household.name:
            household.name = name
            household.save(update_fields=["name", "modified_at"])
    return household


def _apply_address(household: Household, address: dict) -> bool:
    """Set the address; returns whether the postcode looked valid."""
    for field_name in ADDRESS_FIELDS:
        if field_name in address:
            setattr(household, field_name, (address[field_name] or "").strip())
    household.postcode, household.postcode_looks_valid = validation.normalise_postcode(
        household.postcode
    )
    return household.postcode_looks_valid


def household_update_address(*, household: Household, actor, request=None, **address):
    """Change the one address of a household: it changes for every member at once."""
    require(rules.can_edit_people(actor))
    require_same_organisation(actor.organisation_id, household)
    with transaction.atomic():
        _apply_address(household, address)
        household.save()
        for member_id in household.members.filter(merged_into__isnull=True).values_list(
            "pk", flat=True
        ):
            record_event(
                action=Action.UPDATE,
                actor=actor,
                request=request,
                obj=household,
                person_id=member_id,
                detail={"what": "household address"},
            )
    return household


# --- People -----------------------------------------------------------------------------


class PossibleDuplicates(DomainError):
    """Raised when a new person looks like someone already recorded."""

    def __init__(self, matches: list):
        super().__init__("This person may already be recorded.")
        self.matches = matches


def _clean_person_fields(data: dict) -> dict:
    clean = {k: data[k] for k in PERSON_FIELDS if k in data}
    for key in ("phone", "mobile"):
        if key in clean:
            clean[key] = validation.clean_phone(clean[key])
    for key in NAME_FIELDS:
        if key in clean:
            clean[key] = " ".join((clean[key] or "").split())
    return clean


def _check_person(person: Person) -> None:
    if not person.first_name or not person.last_name:
        raise DomainError("A person needs a first name and a last name.")
    if person.kind == Person.Kind.CHILD:
        if person.is_unborn:
            if person.expected_date is None:
                raise DomainError("An unborn child needs an expected date of birth.")
            person.date_of_birth = None
        elif person.date_of_birth is None:
            raise DomainError("A child needs a date of birth.")
        person.adult_role = ""
    else:
        person.is_unborn, person.expected_date = False, None
    if person.date_of_birth and person.date_of_birth > clock.today():
        raise DomainError("A date of birth cannot be in the future.")
    if person.date_of_birth and person.date_of_birth.year < 1900:
        raise DomainError("That date of birth is too long ago; check the year.")
    for option in (person.gender, person.ethnicity, person.first_language):
        if option is not None and option.organisation_id != person.organisation_id:
            raise NotAllowed("That choice belongs to another organisation.")


def person_create(
    *,
    actor,
    data: dict,
    household: Household | None = None,
    address: dict | None = None,
    identifiers: list[tuple[str, str, str]] = (),
    duplicate_reason: str = "",
    request=None,
) -> Person:
    """Create a child or adult, always after the duplicate check.

    If the check finds likely matches and no reason to go on is given, nothing is written and
    ``PossibleDuplicates`` lists them. A person given no household starts a new one.
    """
    from haven.people.duplicates import find_duplicates

    require(rules.can_edit_people(actor))
    require_same_organisation(actor.organisation_id, household)
    organisation = actor.organisation
    fields = _clean_person_fields(data)
    person = Person(organisation=organisation, created_by=actor, **fields)
    _check_person(person)
    postcode = household.postcode if household else (address or {}).get("postcode", "")
    cleaned_ids = [_clean_identifier(kind, label, value) for kind, label, value in identifiers]
    matches = find_duplicates(
        organisation,
        first_name=person.first_name,
        last_name=person.last_name,
        known_as=person.known_as,
        date_of_birth=person.date_of_birth or person.expected_date,
        postcode=validation.normalise_postcode(postcode)[0],
        identifiers=cleaned_ids,
    )
    if matches and not duplicate_reason.strip():
        raise PossibleDuplicates(matches)
    with transaction.atomic():
        if household is None:
            household = Household(organisation=organisation, created_by=actor)
            _apply_address(household, address or {})
            household.save()
        person.household = household
        person.household_joined_at = clock.now()
        person.save()
        for kind, label, value in cleaned_ids:
            _store_identifier(person, kind, label, value, actor)
        search.reindex(person)
        household_rename(household)
        detail = {"kind": person.kind}
        if matches:
            detail["created_despite_matches"] = [m.person.pk for m in matches]
            detail["reason"] = duplicate_reason.strip()[:500]
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=person,
            person_id=person.pk,
            detail=detail,
        )
    return person


def person_update(*, person: Person, actor, data: dict, request=None) -> Person:
    require(rules.can_edit_person(actor, person))
    fields = _clean_person_fields(data)
    fields.pop("kind", None)  # a child does not become an adult by an edit
    with transaction.atomic():
        before = {k: getattr(person, k) for k in fields}
        for key, value in fields.items():
            setattr(person, key, value)
        _check_person(person)
        # Only what the form holds: a photo saved at the same moment must not be undone.
        person.save(update_fields=[*fields, "modified_at"])
        changed = sorted(k for k in fields if before[k] != getattr(person, k))
        if any(k in NAME_FIELDS for k in changed):
            search.reindex(person)
        if "last_name" in changed:
            household_rename(person.household)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=person,
            person_id=person.pk,
            detail={"changed": changed},
        )
    return person


def person_move(
    *, person: Person, actor, household: Household | None = None, address=None, request=None
) -> Household:
    """Move someone to another household (or a new one at ``address``), in one action."""
    require(rules.can_edit_person(actor, person))
    require_same_organisation(actor.organisation_id, household)
    old = person.household
    if household is not None and household.pk == old.pk:
        raise DomainError(f"{person.full_name} already lives in {old.name}.")
    with transaction.atomic():
        if household is None:
            household = Household(organisation=person.organisation, created_by=actor)
            _apply_address(household, address or {})
            household.save()
        person.household = household
        person.household_joined_at = clock.now()
        person.save(update_fields=["household", "household_joined_at", "modified_at"])
        household_rename(household)
        household_rename(old)
        move = HouseholdMove.objects.create(
            organisation=person.organisation,
            created_by=actor,
            person=person,
            from_household=old,
            to_household=household,
            moved_at=person.household_joined_at,
        )
        project(move)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=person,
            person_id=person.pk,
            detail={"what": "moved household", "from": old.pk, "to": household.pk},
        )
    return household


# --- Identifiers ------------------------------------------------------------------------

_CLEANERS = {
    Identifier.Kind.NHS: validation.clean_nhs_number,
    Identifier.Kind.UPN: validation.clean_upn,
    Identifier.Kind.LA_CASE: validation.clean_free_identifier,
    Identifier.Kind.OTHER: validation.clean_free_identifier,
}


def _clean_identifier(kind: str, label: str, value: str) -> tuple[str, str, str]:
    if kind not in _CLEANERS:
        raise DomainError("Choose what kind of identifier this is.")
    label = " ".join((label or "").split()) if kind == Identifier.Kind.OTHER else ""
    if kind == Identifier.Kind.OTHER and not label:
        raise DomainError("Say what this identifier is (for example “MIS admission number”).")
    try:
        value = _CLEANERS[kind](value)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from None
    return kind, label[:60], value.upper() if kind == Identifier.Kind.LA_CASE else value


def _store_identifier(person, kind, label, value, actor) -> Identifier:
    clash = (
        Identifier.objects.for_org(person.organisation)
        .filter(kind=kind, label=label, value=value, withdrawn_at__isnull=True)
        .select_related("person")
        .first()
    )
    if clash is not None:
        raise DomainError(
            f"That {clash.kind_label} is already recorded for {clash.person.full_name}. "
            "If they are the same person, merge the two records."
        )
    try:
        with transaction.atomic():
            return Identifier.objects.create(
                organisation=person.organisation,
                created_by=actor,
                person=person,
                kind=kind,
                label=label,
                value=value,
            )
    except IntegrityError:
        raise DomainError("That identifier has just been recorded for someone else.") from None


def identifier_add(*, person: Person, actor, kind: str, value: str, label: str = "", request=None):
    require(rules.can_edit_person(actor, person))
    kind, label, value = _clean_identifier(kind, label, value)
    with transaction.atomic():
        identifier = _store_identifier(person, kind, label, value, actor)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=identifier,
            person_id=person.pk,
            detail={"what": "identifier added", "kind": kind},
        )
    return identifier


def identifier_withdraw(*, identifier: Identifier, actor, reason: str, request=None):
    require(rules.can_edit_person(actor, identifier.person))
    if not reason.strip():
        raise DomainError("Say why the identifier is being withdrawn.")
    if identifier.withdrawn_at is not None:
        raise DomainError("That identifier was already withdrawn.")
    with transaction.atomic():
        identifier.withdrawn_at = clock.now()
        identifier.withdrawn_reason = reason.strip()[:200]
        identifier.save(update_fields=["withdrawn_at", "withdrawn_reason", "modified_at"])
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=identifier,
            person_id=identifier.person_id,
            detail={"what": "identifier withdrawn", "reason": identifier.withdrawn_reason},
        )
    return identifier


# --- Status flags -----------------------------------------------------------------------


def flag_start(
    *,
    person: Person,
    actor,
    flag: str,
    start_date: date,
    note: str = "",
    allocated_worker: str = "",
    request=None,
) -> StatusFlag:
    require(rules.can_edit_person(actor, person))
    if not person.is_child:
        raise DomainError("Status flags are recorded on children.")
    if flag not in Flag.values:
        raise DomainError("Choose a status.")
    if start_date > clock.today():
        raise DomainError("A status cannot start in the future.")
    current = StatusFlag.objects.for_org(person.organisation).filter(
        person=person, flag=flag, end_date__isnull=True
    )
    if current.exists():
        raise DomainError(f"{person.full_name} already has “{Flag(flag).label}”; end it first.")
    with transaction.atomic():
        status = StatusFlag.objects.create(
            organisation=person.organisation,
            created_by=actor,
            person=person,
            flag=flag,
            start_date=start_date,
            note=note.strip()[:300],
            allocated_worker=allocated_worker.strip()[:150],
        )
        project(status)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=status,
            person_id=person.pk,
            detail={"what": "status started", "flag": flag},
        )
    return status


def flag_end(*, status: StatusFlag, actor, end_date: date, request=None) -> StatusFlag:
    require(rules.can_edit_person(actor, status.person))
    if status.end_date is not None:
        raise DomainError("That status has already ended.")
    if end_date < status.start_date:
        raise DomainError("A status cannot end before it started.")
    if end_date > clock.today():
        raise DomainError("Record the end once it has happened.")
    with transaction.atomic():
        status.end_date, status.ended_by = end_date, actor
        status.save(update_fields=["end_date", "ended_by", "modified_at"])
        project(status)
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=status,
            person_id=status.person_id,
            detail={"what": "status ended", "flag": status.flag},
        )
    return status


# --- Relationships ----------------------------------------------------------------------


def relationship_add(
    *,
    person: Person,
    related: Person,
    actor,
    type: str,
    explanation: str = "",
    parental_responsibility: bool = False,
    emergency_contact: bool = False,
    lives_with: bool = False,
    request=None,
) -> Relationship:
    """Record that ``related`` is ``person``'s <type>; it shows on both records."""
    require(rules.can_edit_person(actor, person) and rules.can_edit_person(actor, related))
    if person.pk == related.pk:
        raise DomainError("A person cannot be related to themselves.")
    if person.merged_into_id or related.merged_into_id:
        raise DomainError("That record has been merged; use the record it was merged into.")
    existing = Relationship.objects.for_org(person.organisation).filter(
        person=person, related=related, type=type, ended_on__isnull=True
    )
    if existing.exists():
        raise DomainError("That relationship is already recorded.")
    with transaction.atomic():
        relationship = Relationship.objects.create(
            organisation=person.organisation,
            created_by=actor,
            person=person,
            related=related,
            type=type,
            explanation=explanation.strip()[:300],
            parental_responsibility=parental_responsibility,
            emergency_contact=emergency_contact,
            lives_with=lives_with,
        )
        project(relationship)
        for someone in (person, related):
            record_event(
                action=Action.UPDATE,
                actor=actor,
                request=request,
                obj=relationship,
                person_id=someone.pk,
                detail={"what": "relationship added", "type": type},
            )
    return relationship


def relationship_end(*, relationship: Relationship, actor, reason: str = "", request=None):
    require(rules.can_edit_person(actor, relationship.person))
    if relationship.ended_on is not None:
        raise DomainError("That relationship has already ended.")
    with transaction.atomic():
        relationship.ended_on = clock.today()
        relationship.ended_reason = reason.strip()[:200]
        relationship.ended_by = actor
        relationship.save(update_fields=["ended_on", "ended_reason", "ended_by", "modified_at"])
        project(relationship)
        for someone_id in (relationship.person_id, relationship.related_id):
            record_event(
                action=Action.UPDATE,
                actor=actor,
                request=request,
                obj=relationship,
                person_id=someone_id,
                detail={"what": "relationship ended"},
            )
    return relationship


def person_viewed(*, person: Person, actor, request, what: str = "person record") -> None:
    """Audit that someone opened a person's record."""
    record_event(
        action=Action.VIEW,
        actor=actor,
        request=request,
        obj=person,
        person_id=person.pk,
        detail={"what": what},
    )
