"""Screening, the initial RAG rating and its route, social work allocation and early help.

Seed 002, section 7.1, is the protocol. The screening officer checks whether the children
and adults are known: a family open to an allocated worker goes straight to that worker and
leaves the front door; otherwise the officer records what was found and the contact goes to a
senior practitioner for its initial RAG rating. The rating decides the route (``route_for``)
and starts the contact's clock (``workflow.clock_kind_for``, section 7.2):

    family previously known to children's social care, any rating  -> MASH manager
    red, or amber with child protection concerns                    -> MASH manager
    amber, child in need                                             -> social work allocation
      (threshold uncertain: the daily allocation meeting, 3 working days)
    green                                                            -> early help duty manager

A child-in-need service is voluntary, so that route needs the family's consent; a child
protection route does not (Children Act 2004). The early help duty manager takes a green
contact (the "passed to early help" clock stops, the 10-working-day decision clock starts)
and decides: an early help offer, no further action, a signpost, or a step up to the MASH
manager when worried.

Every function here is a service in the house style: keyword arguments, the acting user,
a permission check, one transaction holding the change, its status row, audit event and
notifications. Notification titles name the contact by reference only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse

from haven.access import roles, rules
from haven.accounts.models import Team, User
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.core.errors import DomainError, require, require_same_organisation
from haven.frontdoor import workflow
from haven.frontdoor.identity import contact_reference
from haven.frontdoor.models import (
    ClockKind,
    Consent,
    Contact,
    ContactClock,
    ContactPerson,
    EarlyHelpOffer,
    Known,
    Outcome,
    Rag,
    RagRating,
    Status,
)
from haven.frontdoor.services.decision import contact_finish
from haven.frontdoor.services.setup import front_door_settings
from haven.notifications.models import Kind
from haven.notifications.services import notify
from haven.people.models import Flag, StatusFlag

# --- Shared -------------------------------------------------------------------------------


def contact_url(contact: Contact) -> str:
    return reverse("frontdoor:contact", args=[contact.pk])


def staff_with_role(organisation, *codes: str):
    """Active members of the front door holding any of ``codes``."""
    return (
        User.objects.for_org(organisation)
        .filter(is_active=True, role_grants__role__in=codes)
        .distinct()
        .order_by("full_name")
    )


def _lock(contact: Contact, expected: str) -> None:
    """Hold the contact's row for this transaction and check nobody moved it meanwhile
    (two senior practitioners rating the same contact at once: the second is told)."""
    current = (
        Contact.objects.for_org(contact.organisation)
        .select_for_update()
        .filter(pk=contact.pk)
        .values_list("status", flat=True)
        .get()
    )
    if current != expected or contact.status != expected:
        now = Status(current).label.lower()
        raise DomainError(f"Contact {contact.reference} has already moved on: it is {now}.")


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


# --- Screening ----------------------------------------------------------------------------

# Statuses that mean a child is open to a service with a worker, and those that mean the
# family was known to children's social care before (seed 002, sections 7.1 and 9.1).
OPEN_FLAGS = frozenset(
    {
        Flag.OPEN_TO_SOCIAL_CARE,
        Flag.CHILD_PROTECTION_PLAN,
        Flag.CHILD_IN_NEED_PLAN,
        Flag.LOOKED_AFTER,
        Flag.OPEN_TO_EARLY_HELP,
    }
)
SOCIAL_CARE_FLAGS = frozenset(
    {
        Flag.OPEN_TO_SOCIAL_CARE,
        Flag.CHILD_PROTECTION_PLAN,
        Flag.CHILD_IN_NEED_PLAN,
        Flag.LOOKED_AFTER,
        Flag.PREVIOUSLY_LOOKED_AFTER,
    }
)
# Earlier contacts with these outcomes mean children's social care worked with the family.
SOCIAL_CARE_OUTCOMES = frozenset(
    {Outcome.STRATEGY_DISCUSSION, Outcome.SOCIAL_WORK_TEAM, Outcome.ALLOCATED_WORKER}
)


@dataclass
class PersonChecks:
    """What the front door's records hold about one child or adult on a contact."""

    link: ContactPerson
    current_flags: list = field(default_factory=list)
    ended_flags: list = field(default_factory=list)
    earlier_contacts: list = field(default_factory=list)

    @property
    def person(self):
        return self.link.person

    @property
    def is_known(self) -> bool:
        return bool(self.current_flags or self.ended_flags or self.earlier_contacts)


@dataclass
class ScreeningChecks:
    people: list[PersonChecks]
    suggested: str
    reason: str
    # Allocated workers named on current statuses, for the officer to find among staff.
    named_workers: list[str]

    @property
    def suggested_label(self) -> str:
        return Known(self.suggested).label


def screening_checks(contact: Contact) -> ScreeningChecks:
    """Everything the screening officer needs to see, in three queries however many
    people, statuses or earlier contacts there are: the people, their statuses (current and
    ended), and every other contact about any of them."""
    org = contact.organisation
    links = list(
        ContactPerson.objects.for_org(org).filter(contact=contact).select_related("person")
    )
    person_ids = [link.person_id for link in links]
    flags: dict[int, list] = {}
    for flag in StatusFlag.objects.for_org(org).filter(person_id__in=person_ids):
        flags.setdefault(flag.person_id, []).append(flag)
    earlier: dict[int, list] = {}
    for other in (
        ContactPerson.objects.for_org(org)
        .filter(person_id__in=person_ids)
        .exclude(contact=contact)
        .select_related("contact")
        .order_by("-contact__received_at", "-contact_id")
    ):
        earlier.setdefault(other.person_id, []).append(other.contact)
    today = clock.today()
    people = []
    for link in links:
        mine = flags.get(link.person_id, [])
        people.append(
            PersonChecks(
                link=link,
                current_flags=[f for f in mine if f.is_active_on(today)],
                ended_flags=[f for f in mine if not f.is_active_on(today)],
                earlier_contacts=earlier.get(link.person_id, []),
            )
        )
    suggested, reason = _suggest(people)
    named = sorted(
        {
            f.allocated_worker
            for p in people
            for f in p.current_flags
            if f.allocated_worker and f.flag in OPEN_FLAGS
        }
    )
    return ScreeningChecks(people=people, suggested=suggested, reason=reason, named_workers=named)


def _suggest(people: list[PersonChecks]) -> tuple[str, str]:
    """A first answer for the officer, with the reason; the officer decides."""
    for p in people:
        for f in p.current_flags:
            if f.flag in OPEN_FLAGS and f.allocated_worker:
                return Known.OPEN, (
                    f"{p.person.full_name}: {f.get_flag_display().lower()}, allocated worker "
                    f"{f.allocated_worker}."
                )
    for p in people:
        for f in p.current_flags:
            if f.flag in OPEN_FLAGS:
                return Known.KNOWN, (
                    f"{p.person.full_name}: {f.get_flag_display().lower()}, no allocated "
                    f"worker recorded."
                )
    for p in people:
        for f in p.ended_flags:
            if f.flag in SOCIAL_CARE_FLAGS:
                return Known.PREVIOUSLY_KNOWN, (
                    f"{p.person.full_name}: {f.get_flag_display().lower()} ended "
                    f"{f.end_date:%d/%m/%Y}."
                )
        for c in p.earlier_contacts:
            if c.outcome in SOCIAL_CARE_OUTCOMES:
                return Known.PREVIOUSLY_KNOWN, (
                    f"{p.person.full_name}: contact {c.reference} went to "
                    f"{c.get_outcome_display().lower()}."
                )
    for p in people:
        if p.is_known:
            return Known.KNOWN, f"{p.person.full_name} is in earlier records of the front door."
    return Known.NOT_KNOWN, "Nothing found in the front door's records."


def allocated_worker_choices(organisation):
    """Who a contact may be passed to as the allocated worker: the front door's own staff
    (partner agency members are not allocated workers)."""
    return staff_with_role(organisation, *roles.FRONT_DOOR_STAFF)


def contact_screen(
    *,
    contact: Contact,
    actor,
    known: str,
    note: str,
    allocated_worker=None,
    request=None,
) -> Contact:
    """Record whether the family is known. Open to an allocated worker: the contact goes to
    that worker, who is told, and leaves the front door. Otherwise it goes to the senior
    practitioners for an initial RAG rating."""
    require(
        rules.can_screen_contacts(actor) and rules.can_view_contact(actor, contact),
        "Only a screening officer or a senior practitioner can screen contacts.",
    )
    if contact.status != Status.SCREENING:
        raise DomainError(
            f"Contact {contact.reference} has already been screened: it is "
            f"{contact.get_status_display().lower()}."
        )
    if known not in Known.values:
        raise DomainError("Say whether the family is known to children's services.")
    note = _text(note, "Write down what you checked and what you found.")
    if known == Known.OPEN:
        if allocated_worker is None:
            raise DomainError(
                "Choose the allocated worker: a contact about a family open to a worker "
                "goes to that worker."
            )
        require_same_organisation(contact.organisation_id, allocated_worker)
        if not allocated_worker.is_active or not allocated_worker.has_role(*roles.FRONT_DOOR_STAFF):
            raise DomainError(
                f"{allocated_worker.full_name} cannot take contacts: choose an active member "
                "of the front door's staff."
            )
    elif allocated_worker is not None:
        raise DomainError(
            "Only a family open to an allocated worker is passed to a worker. Clear the "
            "worker, or record the family as open."
        )
    now = clock.now()
    with transaction.atomic():
        _lock(contact, Status.SCREENING)
        contact.known = known
        contact.screening_note = note
        contact.screened_at, contact.screened_by = now, actor
        reference = contact_reference(contact)
        if known == Known.OPEN:
            contact.allocated_worker = allocated_worker
            contact_finish(
                contact=contact,
                actor=actor,
                outcome=Outcome.ALLOCATED_WORKER,
                to_status=Status.PASSED_TO_WORKER,
                detail=f"Open to {allocated_worker.full_name}. {note}",
                request=request,
            )
            notify(
                recipients=[allocated_worker],
                kind=Kind.CONTACT_FOR_YOU,
                title=f"Contact {contact.reference} is about a family open to you",
                url=contact_url(contact),
                reference=reference,
            )
        else:
            workflow.move(contact, Status.RATING, actor, note=Known(known).label)
            contact.save()
            notify(
                recipients=[
                    u
                    for u in staff_with_role(contact.organisation, roles.SENIOR_PRACTITIONER)
                    if u.pk != actor.pk
                ],
                kind=Kind.CONTACT_FOR_YOU,
                title=f"Contact {contact.reference} is screened and awaits its RAG rating",
                url=reverse("frontdoor:contact_rate", args=[contact.pk]),
                reference=reference,
            )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=contact,
            detail={"screened": known},
        )
    return contact


# --- The initial RAG rating and its route -------------------------------------------------


@dataclass(frozen=True)
class Route:
    status: str
    label: str
    why: str


def route_for(rating: str, *, known: str = "", threshold_uncertain: bool = False) -> Route:
    """Where a rating sends a contact (seed 002, section 7.1)."""
    if known == Known.PREVIOUSLY_KNOWN:
        return Route(
            Status.MASH_MANAGER,
            "the MASH manager",
            "The family was known to children's social care before: the MASH manager "
            "reviews the rating whatever it is.",
        )
    if rating in (Rag.RED, Rag.AMBER_CP):
        return Route(
            Status.MASH_MANAGER,
            "the MASH manager",
            "Child protection concerns are dealt with under MASH procedures.",
        )
    if rating == Rag.AMBER_CIN:
        if threshold_uncertain:
            return Route(
                Status.ALLOCATION,
                "the daily allocation meeting",
                "The threshold is uncertain: the daily allocation meeting decides, within "
                "3 working days.",
            )
        return Route(
            Status.ALLOCATION,
            "social work allocation",
            "A child in need: allocated to a social work team for an assessment.",
        )
    return Route(
        Status.EARLY_HELP,
        "the early help duty manager",
        "Lower-level needs: the early help duty manager decides what help to offer.",
    )


def consent_problem(contact: Contact) -> str:
    """Why a child-in-need route cannot be taken yet, or "" if it can."""
    if contact.consent == Consent.GIVEN:
        return ""
    if contact.consent == Consent.REFUSED:
        state = "the family refused consent to the referral"
    elif contact.consent == Consent.NOT_SOUGHT:
        state = "consent to the referral was not sought"
    else:
        state = "no consent to the referral is recorded"
    return (
        f"A child in need service is voluntary and needs the family's consent, and {state}. "
        "Record the family's consent on the contact first, or, if there is a risk of "
        "significant harm, rate it red or amber (child protection): a child protection "
        "route does not need consent."
    )


def contact_rate(
    *,
    contact: Contact,
    actor,
    rating: str,
    rationale: str,
    threshold_uncertain: bool = False,
    request=None,
) -> Contact:
    """Give the contact its initial RAG rating: route it, start its clock and tell whoever
    takes it next."""
    require(
        rules.can_rate_contacts(actor) and rules.can_view_contact(actor, contact),
        "Only a senior practitioner can give a contact its RAG rating.",
    )
    if contact.status != Status.RATING:
        if contact.status == Status.SCREENING:
            raise DomainError(f"Contact {contact.reference} has not been screened yet.")
        raise DomainError(
            f"Contact {contact.reference} already has its rating: it is "
            f"{contact.get_status_display().lower()}."
        )
    if rating not in Rag.values:
        raise DomainError("Choose a RAG rating.")
    rationale = _text(rationale, "Give the reasons for the rating.")
    if threshold_uncertain and rating != Rag.AMBER_CIN:
        raise DomainError(
            "Only an amber (child in need) contact goes to the daily allocation meeting "
            "because its threshold is uncertain."
        )
    route = route_for(rating, known=contact.known, threshold_uncertain=threshold_uncertain)
    if route.status == Status.ALLOCATION:
        problem = consent_problem(contact)
        if problem:
            raise DomainError(problem)
    now = clock.now()
    with transaction.atomic():
        _lock(contact, Status.RATING)
        RagRating.objects.create(
            organisation=contact.organisation,
            created_by=actor,
            contact=contact,
            stage=RagRating.Stage.INITIAL,
            rating=rating,
            rationale=rationale,
        )
        contact.initial_rag = rating
        contact.threshold_uncertain = threshold_uncertain
        workflow.move(contact, route.status, actor, note=f"{Rag(rating).label}: {route.why}")
        kind = workflow.clock_kind_for(rating, threshold_uncertain=threshold_uncertain)
        workflow.clock_start(contact, kind, at=now, rating=rating)
        contact.save()
        recipients = {
            Status.MASH_MANAGER: (roles.MASH_MANAGER,),
            Status.EARLY_HELP: (roles.EARLY_HELP_MANAGER,),
        }.get(route.status, ())
        if recipients:
            notify(
                recipients=[
                    u for u in staff_with_role(contact.organisation, *recipients) if u != actor
                ],
                kind=Kind.CONTACT_FOR_YOU,
                title=f"Contact {contact.reference} is rated {Rag(rating).label.lower()} "
                f"and passed to {route.label}",
                url=(
                    reverse("frontdoor:contact_early_help", args=[contact.pk])
                    if route.status == Status.EARLY_HELP
                    else contact_url(contact)
                ),
                reference=contact_reference(contact),
            )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=contact,
            detail={"rated": rating, "route": route.status, "clock": kind},
        )
    return contact


# --- Social work allocation ---------------------------------------------------------------


def social_work_teams(organisation):
    """The teams a child-in-need contact may be allocated to: every team of the front door
    but the MASH and early help teams."""
    settings = front_door_settings(organisation)
    return (
        Team.objects.for_org(organisation)
        .exclude(pk__in=[t for t in (settings.mash_team_id, settings.early_help_team_id) if t])
        .order_by("name")
    )


def contact_send_to_allocation_meeting(
    *, contact: Contact, actor, reason: str, request=None
) -> Contact:
    """The threshold or trajectory is uncertain: the daily allocation meeting will decide.
    The clock becomes the borderline one (3 working days from the rating)."""
    require(
        rules.can_allocate_contacts(actor) and rules.can_view_contact(actor, contact),
        "Only a senior practitioner or the MASH manager can allocate contacts.",
    )
    if contact.status != Status.ALLOCATION:
        raise DomainError(
            f"Contact {contact.reference} is not awaiting allocation: it is "
            f"{contact.get_status_display().lower()}."
        )
    if contact.threshold_uncertain:
        raise DomainError(f"Contact {contact.reference} is already for the allocation meeting.")
    reason = _text(reason, "Say why the threshold is uncertain.")
    with transaction.atomic():
        _lock(contact, Status.ALLOCATION)
        contact.threshold_uncertain = True
        running = (
            ContactClock.objects.for_org(contact.organisation)
            .filter(contact=contact, stopped_at__isnull=True)
            .first()
        )
        if running is not None and running.kind == ClockKind.AMBER:
            # The timescale changes, not the moment it started from: re-dated in place.
            running.kind = ClockKind.BORDERLINE
            running.due_at = workflow.due_after(ClockKind.BORDERLINE, running.started_at)
            running.save(update_fields=["kind", "due_at", "modified_at"])
            contact.due_at = running.due_at
        contact.save()
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=contact,
            detail={"allocation_meeting": True, "reason": reason},
        )
    return contact


def contact_allocate(
    *,
    contact: Contact,
    actor,
    team,
    note: str = "",
    feedback_to_referrer: str = "",
    request=None,
) -> Contact:
    """Pass an amber child-in-need contact to a social work team for an assessment."""
    require(
        rules.can_allocate_contacts(actor) and rules.can_view_contact(actor, contact),
        "Only a senior practitioner or the MASH manager can allocate contacts.",
    )
    if contact.status != Status.ALLOCATION:
        raise DomainError(
            f"Contact {contact.reference} is not awaiting allocation: it is "
            f"{contact.get_status_display().lower()}."
        )
    if team is None:
        raise DomainError("Choose the social work team.")
    require_same_organisation(contact.organisation_id, team)
    if not social_work_teams(contact.organisation).filter(pk=team.pk).exists():
        raise DomainError(f"{team.name} is not a social work team.")
    problem = consent_problem(contact)
    if problem:
        raise DomainError(problem)
    with transaction.atomic():
        _lock(contact, Status.ALLOCATION)
        contact_finish(
            contact=contact,
            actor=actor,
            outcome=Outcome.SOCIAL_WORK_TEAM,
            team=team,
            detail=(note or "").strip(),
            feedback_to_referrer=(feedback_to_referrer or "").strip(),
            request=request,
        )
    return contact


def contact_allocation_step_up(*, contact: Contact, actor, reason: str, request=None) -> Contact:
    """Child protection concerns came to light while allocating: the MASH manager takes it."""
    require(
        rules.can_allocate_contacts(actor) and rules.can_view_contact(actor, contact),
        "Only a senior practitioner or the MASH manager can allocate contacts.",
    )
    return _step_up(
        contact=contact, actor=actor, reason=reason, expected=Status.ALLOCATION, request=request
    )


def _step_up(*, contact: Contact, actor, reason: str, expected: str, request=None) -> Contact:
    if contact.status != expected:
        raise DomainError(
            f"Contact {contact.reference} cannot be stepped up from here: it is "
            f"{contact.get_status_display().lower()}."
        )
    reason = _text(reason, "Say what worries you: the MASH manager reads it first.")
    with transaction.atomic():
        _lock(contact, expected)
        workflow.move(contact, Status.MASH_MANAGER, actor, note=reason)
        # The MASH manager owes a decision within 24 hours of the step up.
        workflow.clock_start(contact, ClockKind.AMBER, at=clock.now())
        contact.save()
        notify(
            recipients=[
                u for u in staff_with_role(contact.organisation, roles.MASH_MANAGER) if u != actor
            ],
            kind=Kind.CONTACT_FOR_YOU,
            title=f"Contact {contact.reference} is stepped up to the MASH manager",
            url=contact_url(contact),
            reference=contact_reference(contact),
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=contact,
            detail={"stepped_up_from": expected},
        )
    return contact


# --- Early help ---------------------------------------------------------------------------


class EarlyHelpDecision:
    OFFER = "offer"
    NO_FURTHER_ACTION = "nfa"
    SIGNPOST = "signpost"
    STEP_UP = "step_up"

    CHOICES = [
        (OFFER, "Offer early help"),
        (SIGNPOST, "Signpost to another service"),
        (NO_FURTHER_ACTION, "No further action"),
        (STEP_UP, "Step up to the MASH manager: I am worried about the child's safety"),
    ]
    OUTCOMES = {
        OFFER: Outcome.EARLY_HELP,
        SIGNPOST: Outcome.SIGNPOST,
        NO_FURTHER_ACTION: Outcome.NO_FURTHER_ACTION,
    }


def is_taken_by_early_help(contact: Contact, running: ContactClock | None) -> bool:
    return (
        contact.status == Status.EARLY_HELP
        and running is not None
        and running.kind == ClockKind.EARLY_HELP_DECISION
    )


def running_clock(contact: Contact) -> ContactClock | None:
    return (
        ContactClock.objects.for_org(contact.organisation)
        .filter(contact=contact, stopped_at__isnull=True)
        .select_related("created_by")
        .first()
    )


def contact_early_help_take(*, contact: Contact, actor, request=None) -> ContactClock:
    """The early help duty manager takes a green contact: it has reached early help (that
    clock stops) and the early help decision is due within 10 working days."""
    require(
        rules.can_make_early_help_decision(actor) and rules.can_view_contact(actor, contact),
        "Only the early help duty manager or an early help coordinator can take contacts.",
    )
    if contact.status != Status.EARLY_HELP:
        raise DomainError(
            f"Contact {contact.reference} is not waiting for early help: it is "
            f"{contact.get_status_display().lower()}."
        )
    with transaction.atomic():
        _lock(contact, Status.EARLY_HELP)
        running = running_clock(contact)
        if is_taken_by_early_help(contact, running):
            raise DomainError(f"Contact {contact.reference} has already been taken by early help.")
        clock_row = workflow.clock_start(
            contact, ClockKind.EARLY_HELP_DECISION, at=clock.now(), rating=contact.initial_rag
        )
        clock_row.created_by = actor
        clock_row.save(update_fields=["created_by"])
        contact.save()
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=contact,
            detail={"early_help": "taken"},
        )
    return clock_row


def contact_early_help_decide(
    *,
    contact: Contact,
    actor,
    decision: str,
    rationale: str,
    offer: str = "",
    feedback_to_referrer: str = "",
    request=None,
) -> Contact:
    """Record the early help decision and end the contact's time at the front door, or step
    it up to the MASH manager."""
    require(
        rules.can_make_early_help_decision(actor) and rules.can_view_contact(actor, contact),
        "Only the early help duty manager or an early help coordinator can decide early help.",
    )
    if contact.status != Status.EARLY_HELP:
        raise DomainError(
            f"Contact {contact.reference} is not waiting for an early help decision: it is "
            f"{contact.get_status_display().lower()}."
        )
    valid = dict(EarlyHelpDecision.CHOICES)
    if decision not in valid:
        raise DomainError("Choose the early help decision.")
    if decision == EarlyHelpDecision.STEP_UP:
        return _step_up(
            contact=contact,
            actor=actor,
            reason=rationale,
            expected=Status.EARLY_HELP,
            request=request,
        )
    rationale = _text(rationale, "Give the reasons for the decision.")
    if decision == EarlyHelpDecision.OFFER:
        if offer not in EarlyHelpOffer.values:
            raise DomainError("Choose the early help offered.")
    elif offer:
        raise DomainError("An early help offer goes with the decision to offer early help.")
    with transaction.atomic():
        _lock(contact, Status.EARLY_HELP)
        contact_finish(
            contact=contact,
            actor=actor,
            outcome=EarlyHelpDecision.OUTCOMES[decision],
            early_help_offer=offer,
            detail=rationale,
            feedback_to_referrer=(feedback_to_referrer or "").strip(),
            request=request,
        )
    return contact
