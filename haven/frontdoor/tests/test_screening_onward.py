"""After the rating: social work allocation (or the daily allocation meeting) and the early
help duty manager's decision, each ending the contact's time at the front door."""

from __future__ import annotations

import pytest
from django.core import mail

from haven.core.errors import DomainError, NotAllowed
from haven.frontdoor import workflow
from haven.frontdoor.models import (
    ClockKind,
    Consent,
    EarlyHelpOffer,
    Outcome,
    Rag,
    RetentionClass,
    Status,
)
from haven.frontdoor.services.screening import (
    EarlyHelpDecision,
    contact_allocate,
    contact_allocation_step_up,
    contact_early_help_decide,
    contact_early_help_take,
    contact_send_to_allocation_meeting,
)
from haven.frontdoor.testing import make_contact, team
from haven.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_stage(front_door, fd_child, screening_officer):
    def _make(status, rating, *, consent=Consent.GIVEN):
        contact = make_contact(
            front_door,
            children=[fd_child],
            actor=screening_officer,
            status=status,
            initial_rag=rating,
            consent=consent,
        )
        workflow.clock_start(
            contact, workflow.clock_kind_for(rating), at=contact.received_at, rating=rating
        )
        contact.save()
        return contact

    return _make


@pytest.fixture
def awaiting_allocation(at_stage):
    return at_stage(Status.ALLOCATION, Rag.AMBER_CIN)


@pytest.fixture
def green(at_stage):
    return at_stage(Status.EARLY_HELP, Rag.GREEN)


# --- Social work allocation ---------------------------------------------------------------


def test_a_child_in_need_contact_is_allocated_to_a_social_work_team(
    awaiting_allocation, senior_practitioner, django_capture_on_commit_callbacks
):
    contact = awaiting_allocation
    team_a = team(contact.organisation, "Social work team A")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        contact_allocate(
            contact=contact,
            actor=senior_practitioner,
            team=team_a,
            note="Start with a visit this week.",
            feedback_to_referrer="A social work team will assess the family's needs.",
        )
    contact.refresh_from_db()
    assert contact.status == Status.DECIDED
    assert (contact.outcome, contact.outcome_team) == (Outcome.SOCIAL_WORK_TEAM, team_a)
    assert contact.retention_class == RetentionClass.STATUTORY
    assert contact.due_at is None
    [email] = mail.outbox
    assert contact.reference in email.subject
    assert "A social work team will assess" in email.body


def test_the_mash_and_early_help_teams_are_not_social_work_teams(
    awaiting_allocation, senior_practitioner
):
    for name in ("MASH", "Early help"):
        with pytest.raises(DomainError, match="is not a social work team"):
            contact_allocate(
                contact=awaiting_allocation,
                actor=senior_practitioner,
                team=team(awaiting_allocation.organisation, name),
            )


def test_allocation_still_needs_consent(at_stage, senior_practitioner):
    contact = at_stage(Status.ALLOCATION, Rag.AMBER_CIN, consent=Consent.REFUSED)
    with pytest.raises(DomainError, match="needs the family's consent"):
        contact_allocate(
            contact=contact,
            actor=senior_practitioner,
            team=team(contact.organisation, "Social work team A"),
        )
    contact.refresh_from_db()
    assert contact.status == Status.ALLOCATION


def test_a_team_must_be_chosen(awaiting_allocation, senior_practitioner):
    with pytest.raises(DomainError, match="Choose the social work team"):
        contact_allocate(contact=awaiting_allocation, actor=senior_practitioner, team=None)


@pytest.mark.parametrize("who", ["screening_officer", "social_worker", "early_help_manager"])
def test_only_senior_practitioners_and_mash_managers_allocate(request, awaiting_allocation, who):
    with pytest.raises(NotAllowed):
        contact_allocate(
            contact=awaiting_allocation,
            actor=request.getfixturevalue(who),
            team=team(awaiting_allocation.organisation, "Social work team A"),
        )


def test_the_mash_manager_may_allocate(awaiting_allocation, mash_manager):
    contact_allocate(
        contact=awaiting_allocation,
        actor=mash_manager,
        team=team(awaiting_allocation.organisation, "Social work team B"),
    )
    assert awaiting_allocation.status == Status.DECIDED


def test_a_contact_not_awaiting_allocation_is_refused(green, senior_practitioner):
    with pytest.raises(DomainError, match="is not awaiting allocation"):
        contact_allocate(
            contact=green,
            actor=senior_practitioner,
            team=team(green.organisation, "Social work team A"),
        )


def test_the_allocation_meeting_is_marked_once_with_a_reason(
    awaiting_allocation, senior_practitioner
):
    with pytest.raises(DomainError, match="why the threshold"):
        contact_send_to_allocation_meeting(
            contact=awaiting_allocation, actor=senior_practitioner, reason=""
        )
    contact_send_to_allocation_meeting(
        contact=awaiting_allocation, actor=senior_practitioner, reason="Unclear."
    )
    assert awaiting_allocation.threshold_uncertain
    with pytest.raises(DomainError, match="already for the allocation meeting"):
        contact_send_to_allocation_meeting(
            contact=awaiting_allocation, actor=senior_practitioner, reason="Again."
        )


def test_child_protection_concerns_while_allocating_go_to_the_mash_manager(
    awaiting_allocation, senior_practitioner, mash_manager
):
    contact_allocation_step_up(
        contact=awaiting_allocation,
        actor=senior_practitioner,
        reason="Disclosure of a slap at home.",
    )
    contact = awaiting_allocation
    contact.refresh_from_db()
    assert contact.status == Status.MASH_MANAGER
    assert contact.clocks.get(stopped_at__isnull=True).kind == ClockKind.AMBER
    assert Notification.objects.for_org(contact.organisation).filter(
        recipient=mash_manager, kind=Kind.CONTACT_FOR_YOU
    )


# --- Early help ---------------------------------------------------------------------------


def test_a_contact_is_taken_by_early_help_once(green, early_help_manager):
    contact_early_help_take(contact=green, actor=early_help_manager)
    with pytest.raises(DomainError, match="already been taken"):
        contact_early_help_take(contact=green, actor=early_help_manager)


def test_an_early_help_offer_ends_the_contact(green, early_help_manager):
    contact_early_help_take(contact=green, actor=early_help_manager)
    contact_early_help_decide(
        contact=green,
        actor=early_help_manager,
        decision=EarlyHelpDecision.OFFER,
        offer=EarlyHelpOffer.ASSESSMENT,
        rationale="Parenting support and school attendance.",
    )
    green.refresh_from_db()
    assert green.status == Status.DECIDED
    assert (green.outcome, green.early_help_offer) == (Outcome.EARLY_HELP, "assessment")
    assert green.retention_class == RetentionClass.EARLY_HELP
    assert green.outcome_detail == "Parenting support and school attendance."
    assert green.due_at is None
    decision_clock = green.clocks.get(kind=ClockKind.EARLY_HELP_DECISION)
    assert decision_clock.met is True


@pytest.mark.parametrize(
    ("decision", "outcome"),
    [
        (EarlyHelpDecision.NO_FURTHER_ACTION, Outcome.NO_FURTHER_ACTION),
        (EarlyHelpDecision.SIGNPOST, Outcome.SIGNPOST),
    ],
)
def test_no_further_action_or_a_signpost_ends_the_contact(
    green, early_help_coordinator, decision, outcome
):
    # Deciding straight away, without taking it first, is allowed: it reached early help now.
    contact_early_help_decide(
        contact=green, actor=early_help_coordinator, decision=decision, rationale="Reasons."
    )
    green.refresh_from_db()
    assert (green.status, green.outcome, green.early_help_offer) == (Status.DECIDED, outcome, "")
    assert green.clocks.get().kind == ClockKind.GREEN


def test_an_offer_needs_what_is_offered_and_only_an_offer_has_one(green, early_help_manager):
    with pytest.raises(DomainError, match="Choose the early help offered"):
        contact_early_help_decide(
            contact=green, actor=early_help_manager, decision="offer", rationale="x"
        )
    with pytest.raises(DomainError, match="goes with the decision to offer"):
        contact_early_help_decide(
            contact=green,
            actor=early_help_manager,
            decision="nfa",
            offer=EarlyHelpOffer.PANEL,
            rationale="x",
        )
    with pytest.raises(DomainError, match="reasons for the decision"):
        contact_early_help_decide(
            contact=green, actor=early_help_manager, decision="nfa", rationale=""
        )
    with pytest.raises(DomainError, match="Choose the early help decision"):
        contact_early_help_decide(
            contact=green, actor=early_help_manager, decision="later", rationale="x"
        )
    green.refresh_from_db()
    assert green.status == Status.EARLY_HELP


def test_a_worried_duty_manager_steps_the_contact_up_to_the_mash_manager(
    green, early_help_manager, mash_manager
):
    contact_early_help_take(contact=green, actor=early_help_manager)
    contact_early_help_decide(
        contact=green,
        actor=early_help_manager,
        decision=EarlyHelpDecision.STEP_UP,
        rationale="Mother disclosed her partner hits her in front of the children.",
    )
    green.refresh_from_db()
    assert green.status == Status.MASH_MANAGER and green.outcome == ""
    assert green.clocks.get(stopped_at__isnull=True).kind == ClockKind.AMBER
    [note] = Notification.objects.for_org(green.organisation).filter(recipient=mash_manager)
    assert "stepped up" in note.title


@pytest.mark.parametrize("who", ["screening_officer", "senior_practitioner", "police_member"])
def test_only_early_help_decides_early_help(request, green, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        contact_early_help_take(contact=green, actor=actor)
    with pytest.raises(NotAllowed):
        contact_early_help_decide(contact=green, actor=actor, decision="nfa", rationale="x")


def test_early_help_cannot_decide_a_contact_in_the_mash(at_stage, early_help_manager):
    contact = at_stage(Status.MASH_MANAGER, Rag.RED)
    with pytest.raises(DomainError, match="not waiting for an early help decision"):
        contact_early_help_decide(
            contact=contact, actor=early_help_manager, decision="nfa", rationale="x"
        )
