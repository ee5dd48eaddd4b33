"""A DSL in another Haven organisation refers a concern to its local authority's front door.

The triage decision "refer on: local authority children's front door" calls
``referral_create`` inside its own transaction. Exactly this crosses from the school (or
nursery, or charity) to the front door:

- the referrer: the DSL's name, job title, organisation and email;
- the identity of each child the concern is about (the main child first): names, date of
  birth, NHS number, UPN and address. Each is looked for among the front door's own people
  (NHS number first, then UPN, then a similar name with the same date of birth) and created
  there only if not found;
- what the DSL chose to share (prefilled from the concern, edited by them), whether the
  parents were told and why not, and consent.

Nothing else does: not the concern itself, its actions, notes, the DSL's
rationale or any other record of the school. The school keeps a ``FrontDoorReferral`` that
links its concern to the contact; through it the DSL sees the contact's progress in words
for a referrer and, once decided, the feedback the front door chose to share.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse

from haven.access import rules
from haven.accounts.models import Organisation
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology.projection import project_new
from haven.core import clock
from haven.core.errors import DomainError, require
from haven.frontdoor.models import (
    OPEN_STATUSES,
    Consent,
    Contact,
    ContactPerson,
    ContactStatusChange,
    FrontDoorReferral,
    NotInformedReason,
    Source,
    Status,
)
from haven.frontdoor.services import feedback
from haven.people import search, validation
from haven.people.duplicates import NEIGHBOURS, names_match
from haven.people.models import Household, Identifier, Person
from haven.people.services import household_rename

NO_FRONT_DOOR = (
    "Your organisation has no local authority front door set up in Haven, so a referral "
    "cannot be sent from here. Ask your Haven administrator to choose one in the "
    "organisation settings, or refer by the local authority's own route and record it as "
    "“Another agency”."
)


@dataclass(frozen=True)
class ReferralDetails:
    """What the DSL adds to the triage decision for the front door."""

    summary: str
    parents_informed: bool | None
    not_informed_reason: str = ""
    not_informed_explanation: str = ""
    consent: str = ""
    consent_not_sought_reason: str = ""


def front_door_of(organisation) -> Organisation | None:
    """The organisation's configured front door, if it is a working one."""
    if organisation is None or organisation.front_door_id is None:
        return None
    found = Organisation.objects.filter(
        pk=organisation.front_door_id, kind=Organisation.Kind.FRONT_DOOR, is_active=True
    ).first()
    return found


def referral_check(details: ReferralDetails) -> ReferralDetails:
    """The details, tidied, or a ``DomainError`` that says what is missing."""
    summary = (details.summary or "").strip()
    if not summary:
        raise DomainError("Write what to share with the front door about the concern.")
    if details.parents_informed is None:
        raise DomainError("Say whether the parents or carers know about the referral.")
    reason, explanation = details.not_informed_reason, details.not_informed_explanation.strip()
    if details.parents_informed:
        reason, explanation = "", ""
    elif reason not in NotInformedReason.values:
        raise DomainError("Choose why the parents or carers have not been told.")
    elif not explanation:
        raise DomainError("Explain why telling the parents or carers would have that effect.")
    if details.consent not in Consent.values:
        raise DomainError("Say whether the family consented to the referral.")
    not_sought = details.consent_not_sought_reason.strip()
    if details.consent != Consent.NOT_SOUGHT:
        not_sought = ""
    elif not not_sought:
        raise DomainError("Say why consent was not sought.")
    return replace(
        details,
        summary=summary,
        not_informed_reason=reason,
        not_informed_explanation=explanation,
        consent_not_sought_reason=not_sought,
    )


def referral_allowed(actor, concern, child) -> Organisation:
    """The front door the referral will go to; refuses (with a reason) if it may not go."""
    require(
        rules.can_triage(actor, concern),
        "Only the DSL and deputies refer a concern to the front door.",
    )
    front_door = front_door_of(actor.organisation)
    if not rules.can_refer_to_front_door(actor) or front_door is None:
        raise DomainError(NO_FRONT_DOOR)
    if child.organisation_id != concern.organisation_id:
        raise DomainError("Choose a child this concern is about.")
    still_open = FrontDoorReferral.objects.for_org(concern.organisation).filter(
        concern=concern, child=child, contact__status__in=OPEN_STATUSES
    )
    if still_open.exists():
        raise DomainError(
            "This concern has already been referred to the front door for this child and "
            "is awaiting its decision. Telephone the front door to add new information."
        )
    return front_door


def referral_create(
    *, concern, child, actor, details: ReferralDetails, request=None
) -> FrontDoorReferral:
    """Send the referral: a contact in the front door, a ``FrontDoorReferral`` here.

    Runs inside the triage decision's transaction (or its own): if anything is refused,
    neither organisation keeps a trace of it.
    """
    from haven.safeguarding.alerts import concern_children

    front_door = referral_allowed(actor, concern, child)
    details = referral_check(details)
    # Every child the concern is about goes on the one contact, ``child`` (the one the
    # referral is kept against) first.
    ours = [child, *(c for c in concern_children(concern) if c.pk != child.pk)]
    with transaction.atomic():
        theirs = [child_in_front_door(front_door, c, actor) for c in ours]
        contact = _contact_from_haven(
            front_door=front_door,
            actor=actor,
            children=theirs,
            details=details,
            address=_address_of(child),
        )
        referral = FrontDoorReferral.objects.create(
            organisation=concern.organisation,
            created_by=actor,
            concern=concern,
            child=child,
            front_door=front_door,
            contact=contact,
            shared_summary=details.summary,
        )
        project_new([referral])
        # Each child's identity left the organisation: one event on each child's record.
        for someone in ours:
            what = "referral to the front door"
            record_event(
                action=Action.CREATE,
                actor=actor,
                request=request,
                obj=referral,
                person_id=someone.pk,
                detail={
                    "what": what if someone is child else f"child named on a {what}",
                    "concern": concern.number,
                    "front_door": front_door.name,
                    "contact": contact.reference,
                },
            )
        feedback.acknowledge(contact)
        contact.save(update_fields=["acknowledged_at", "modified_at"])
    return referral


# --- The child, in the front door's own records ---------------------------------------------


def _identifiers_of(child) -> dict[str, str]:
    rows = Identifier.objects.for_org(child.organisation).filter(
        person=child,
        kind__in=[Identifier.Kind.NHS, Identifier.Kind.UPN],
        withdrawn_at__isnull=True,
    )
    return dict(rows.values_list("kind", "value"))


def _address_of(child) -> dict[str, str]:
    household = child.household
    return {
        "address_line_1": household.address_line_1,
        "address_line_2": household.address_line_2,
        "town": household.town,
        "postcode": household.postcode,
    }


def _surviving(person: Person) -> Person:
    """A merged record's survivor (merges may chain)."""
    seen = set()
    while person.merged_into_id is not None and person.pk not in seen:
        seen.add(person.pk)
        person = Person.unscoped.get(pk=person.merged_into_id)
    return person


def find_in_front_door(front_door, child, identifiers: dict[str, str]) -> Person | None:
    """The front door's record of ``child``: the same NHS number, else the same UPN, else
    the one child with a similar name and the same date of birth (none when two or more
    could be them: the screening officer, not a guess, decides between namesakes)."""
    for kind in (Identifier.Kind.NHS, Identifier.Kind.UPN):
        value = identifiers.get(kind)
        if not value:
            continue
        same = (
            Identifier.objects.for_org(front_door)
            .filter(kind=kind, label="", value=value, withdrawn_at__isnull=True)
            .select_related("person")
            .first()
        )
        if same is not None:
            return _surviving(same.person)
    born = child.date_of_birth or child.expected_date
    if born is None:
        return None
    candidates = (
        Person.objects.for_org(front_door)
        .filter(kind=Person.Kind.CHILD, merged_into__isnull=True)
        .filter(date_of_birth=born)
        .order_by("pk")[:NEIGHBOURS]
    )
    alike = [
        p for p in candidates if names_match(p, child.first_name, child.last_name, child.known_as)
    ]
    if alike and identifiers.get(Identifier.Kind.NHS):
        # A namesake whose NHS number differs is somebody else.
        theirs = dict(
            Identifier.objects.for_org(front_door)
            .filter(
                person__in=alike,
                kind=Identifier.Kind.NHS,
                withdrawn_at__isnull=True,
            )
            .values_list("person_id", "value")
        )
        alike = [p for p in alike if p.pk not in theirs]
    return alike[0] if len(alike) == 1 else None


def child_in_front_door(front_door, child, actor) -> tuple[Person, bool]:
    """(the front door's person, whether they were found rather than created). A found
    record gains the NHS number or UPN it lacked; its name and address are the front
    door's and are left alone."""
    identifiers = _identifiers_of(child)
    found = find_in_front_door(front_door, child, identifiers)
    if found is not None:
        _add_missing_identifiers(front_door, found, identifiers, actor)
        return found, True
    return _create_in_front_door(front_door, child, identifiers, actor), False


def _add_missing_identifiers(front_door, person, identifiers, actor) -> None:
    held = set(
        Identifier.objects.for_org(front_door)
        .filter(person=person, withdrawn_at__isnull=True)
        .values_list("kind", flat=True)
    )
    for kind, value in identifiers.items():
        if kind in held:
            continue
        taken = Identifier.objects.for_org(front_door).filter(
            kind=kind, label="", value=value, withdrawn_at__isnull=True
        )
        if taken.exists():
            continue
        Identifier.objects.create(
            organisation=front_door, created_by=actor, person=person, kind=kind, value=value
        )


def _create_in_front_door(front_door, child, identifiers, actor) -> Person:
    now = clock.now()
    household = Household(organisation=front_door, created_by=actor)
    for name, value in _address_of(child).items():
        setattr(household, name, value)
    household.postcode, household.postcode_looks_valid = validation.normalise_postcode(
        household.postcode
    )
    household.save()
    person = Person.objects.create(
        organisation=front_door,
        created_by=actor,
        kind=Person.Kind.CHILD,
        first_name=child.first_name,
        middle_names=child.middle_names,
        last_name=child.last_name,
        known_as=child.known_as,
        date_of_birth=child.date_of_birth,
        is_unborn=child.is_unborn,
        expected_date=child.expected_date,
        school=child.organisation.name
        if child.organisation.kind == Organisation.Kind.SCHOOL
        else child.school,
        household=household,
        household_joined_at=now,
    )
    for kind, value in identifiers.items():
        Identifier.objects.create(
            organisation=front_door, created_by=actor, person=person, kind=kind, value=value
        )
    search.reindex(person)
    household_rename(household)
    record_event(
        action=Action.CREATE,
        actor=actor,
        organisation=front_door,
        obj=person,
        person_id=person.pk,
        detail={"kind": "child", "from": "referral from a Haven organisation"},
    )
    return person


# --- The contact -----------------------------------------------------------------------------
# ``services.intake.contact_create`` logs contacts for the front door's own staff and refuses
# anyone else (and the Haven source). A referral is made by a user of another organisation,
# so it writes its contact here: the same rows in the same shape as intake writes them (the
# contact, the child on it, its first status row, the audit event, the acknowledgement and
# the screening officers told). A change to what intake writes belongs here too.


def _next_number(front_door) -> int:
    top = Contact.objects.for_org(front_door).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _referrer_note(actor, matched: bool, address: dict[str, str]) -> str:
    note = f"Referred through Haven by {actor.full_name}, {actor.organisation.name}."
    if matched:
        held = ", ".join(v for v in address.values() if v)
        if held:
            note += f" Address held by the referrer: {held}."
    return note


def _contact_from_haven(*, front_door, actor, children, details, address) -> Contact:
    """``children``: each child in the front door's records, and whether they were found
    there; the first is the main child."""
    child, matched = children[0]
    now = clock.now()
    values = {
        "organisation": front_door,
        "created_by": actor,
        "source": Source.HAVEN,
        "received_at": now,
        "referrer_name": actor.full_name,
        "referrer_role": actor.job_title,
        "referrer_agency": actor.organisation.name,
        "referrer_email": actor.email,
        "referring_organisation": actor.organisation,
        "referring_user": actor,
        "concerns": details.summary,
        "parents_informed": details.parents_informed,
        "not_informed_reason": details.not_informed_reason,
        "not_informed_explanation": details.not_informed_explanation,
        "consent": details.consent,
        "consent_not_sought_reason": details.consent_not_sought_reason,
        "status": Status.SCREENING,
    }
    contact = None
    for _ in range(5):  # two contacts numbered at once: the loser takes the next number
        try:
            with transaction.atomic():
                contact = Contact.objects.create(number=_next_number(front_door), **values)
            break
        except IntegrityError:
            continue
    if contact is None:
        raise DomainError("The front door is very busy; try again in a moment.")
    for person in dict.fromkeys(p for p, _ in children):  # two may be one record there
        ContactPerson.objects.create(
            organisation=front_door,
            created_by=actor,
            contact=contact,
            person=person,
            role=ContactPerson.Role.CHILD,
        )
    ContactStatusChange.objects.create(
        organisation=front_door,
        created_by=actor,
        contact=contact,
        from_status="",
        to_status=Status.SCREENING,
        note=_referrer_note(actor, matched, address),
    )
    for number, (person, found) in enumerate(children):
        detail = {
            "what": "contact",
            "source": Source.HAVEN,
            "from": actor.organisation.name,
            "child": "found" if found else "created",
        }
        if number == 0:  # the main child's event also counts the children
            detail["children"] = len(children)
        record_event(
            action=Action.CREATE,
            actor=actor,
            organisation=front_door,
            obj=contact,
            person_id=person.pk,
            detail=detail,
        )
    _tell_screening_officers(contact)
    return contact


def contact_url(contact) -> str:
    return reverse("frontdoor:contact", args=[contact.pk])


def _tell_screening_officers(contact: Contact) -> None:
    from haven.frontdoor.identity import contact_reference
    from haven.frontdoor.services.intake import screening_officers
    from haven.notifications.models import Kind
    from haven.notifications.services import notify

    notify(
        recipients=screening_officers(contact.organisation),
        kind=Kind.CONTACT_FOR_YOU,
        title=f"A referral from {contact.referrer_agency} to screen: {contact.reference}",
        url=contact_url(contact),
        reference=contact_reference(contact),
    )


# --- What the referring organisation sees ----------------------------------------------------
# The referrer sees where the contact has got to in four plain words, never the front door's
# own stages (and nothing of the MASH's work), and the outcome once it is sent.

RECEIVED, SCREENING, WITH_MASH, DECIDED = (
    "Received",
    "Being screened",
    "With the MASH",
    "Decided",
)
_FOR_REFERRER = {
    Status.SCREENING: RECEIVED,
    Status.RATING: SCREENING,
    Status.ALLOCATION: SCREENING,
    Status.EARLY_HELP: SCREENING,
    Status.MASH_MANAGER: WITH_MASH,
    Status.INFORMATION_GATHERING: WITH_MASH,
    Status.MASH_DECISION: WITH_MASH,
    Status.DECIDED: DECIDED,
    Status.PASSED_TO_WORKER: DECIDED,
    Status.PASSED_TO_ADULT_SERVICES: DECIDED,
}
EXPLAINED = {
    RECEIVED: "The front door has the referral and will check what it already knows.",
    SCREENING: "A practitioner is looking at the referral and deciding how urgent it is.",
    WITH_MASH: "The multi-agency safeguarding hub is gathering information from partners.",
    DECIDED: "The front door has decided what happens next.",
}


def status_for_referrer(status: str) -> str:
    return _FOR_REFERRER.get(status, RECEIVED)


def referrals_visible_to(user):
    """The referring organisation's referrals that ``user`` may see: its safeguarding leads,
    and only for concerns they may open (a restricted concern stays the lead DSL's)."""
    if not rules.can_view_front_door_referrals(user):
        return FrontDoorReferral.unscoped.none()
    return FrontDoorReferral.objects.for_org(user.organisation).filter(
        rules.concern_access_q(user, "concern__")
    )


def referrals_for_concern(user, concern) -> list[FrontDoorReferral]:
    """The concern's referrals with the contact's status (one query), for the concern page."""
    rows = (
        referrals_visible_to(user)
        .filter(concern=concern)
        .select_related("contact", "child", "front_door", "created_by")
        .only(
            "pk",
            "created_at",
            "shared_summary",
            "outcome_feedback",
            "outcome_received_at",
            "concern_id",
            "child__first_name",
            "child__last_name",
            "front_door__name",
            "created_by__full_name",
            "contact__number",
            "contact__status",
            "contact__received_at",
        )
        .order_by("-created_at", "-pk")
    )
    found = list(rows)
    for referral in found:
        referral.referrer_status = status_for_referrer(referral.contact.status)
        referral.referrer_status_explained = EXPLAINED[referral.referrer_status]
    return found
