"""The initial RAG rating: the route each rating takes (seed 002, section 7.1), consent for a
child-in-need route, who may rate, and who is told."""

from __future__ import annotations

import pytest

from haven.core.errors import DomainError, NotAllowed
from haven.frontdoor.models import (
    ClockKind,
    Consent,
    ContactClock,
    Known,
    Rag,
    RagRating,
    Status,
)
from haven.frontdoor.services.screening import contact_rate, route_for
from haven.frontdoor.testing import make_contact
from haven.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def screened(front_door, fd_child, screening_officer):
    def _make(known=Known.NOT_KNOWN, consent=Consent.GIVEN):
        return make_contact(
            front_door,
            children=[fd_child],
            actor=screening_officer,
            status=Status.RATING,
            known=known,
            consent=consent,
        )

    return _make


def _notes(user):
    return list(Notification.objects.for_org(user.organisation).filter(recipient=user))


@pytest.mark.parametrize(
    ("rating", "known", "uncertain", "status"),
    [
        (Rag.RED, Known.NOT_KNOWN, False, Status.MASH_MANAGER),
        (Rag.AMBER_CP, Known.KNOWN, False, Status.MASH_MANAGER),
        (Rag.AMBER_CIN, Known.NOT_KNOWN, False, Status.ALLOCATION),
        (Rag.AMBER_CIN, Known.KNOWN, True, Status.ALLOCATION),
        (Rag.GREEN, Known.NOT_KNOWN, False, Status.EARLY_HELP),
        (Rag.GREEN, Known.KNOWN, False, Status.EARLY_HELP),
        # A family known to children's social care before goes to the MASH manager whatever
        # its rating.
        (Rag.GREEN, Known.PREVIOUSLY_KNOWN, False, Status.MASH_MANAGER),
        (Rag.AMBER_CIN, Known.PREVIOUSLY_KNOWN, False, Status.MASH_MANAGER),
        (Rag.AMBER_CIN, Known.PREVIOUSLY_KNOWN, True, Status.MASH_MANAGER),
        (Rag.RED, Known.PREVIOUSLY_KNOWN, False, Status.MASH_MANAGER),
    ],
)
def test_the_routing_table(rating, known, uncertain, status):
    assert route_for(rating, known=known, threshold_uncertain=uncertain).status == status


def test_a_red_rating_goes_to_the_mash_manager_who_is_told(
    screened, senior_practitioner, mash_manager, early_help_manager
):
    contact = screened()
    contact_rate(
        contact=contact,
        actor=senior_practitioner,
        rating=Rag.RED,
        rationale="Injury to a baby; risk of significant harm.",
    )
    contact.refresh_from_db()
    assert contact.status == Status.MASH_MANAGER
    assert contact.initial_rag == Rag.RED
    rating = RagRating.objects.for_org(contact.organisation).get(contact=contact)
    assert (rating.stage, rating.rating, rating.created_by) == (
        RagRating.Stage.INITIAL,
        Rag.RED,
        senior_practitioner,
    )
    [note] = _notes(mash_manager)
    assert note.kind == Kind.CONTACT_FOR_YOU and "rated red" in note.title
    assert _notes(early_help_manager) == []


def test_a_previously_known_family_rated_green_goes_to_the_mash_manager(
    screened, senior_practitioner, mash_manager, early_help_manager
):
    contact = screened(known=Known.PREVIOUSLY_KNOWN)
    contact_rate(
        contact=contact, actor=senior_practitioner, rating=Rag.GREEN, rationale="Low need."
    )
    contact.refresh_from_db()
    assert contact.status == Status.MASH_MANAGER
    assert _notes(mash_manager) and not _notes(early_help_manager)
    # Its clock is still the green one: the MASH manager reviews within it.
    assert contact.clocks.get().kind == ClockKind.GREEN


def test_a_green_rating_goes_to_the_early_help_duty_manager(
    screened, senior_practitioner, early_help_manager, mash_manager
):
    contact = screened()
    contact_rate(
        contact=contact, actor=senior_practitioner, rating=Rag.GREEN, rationale="Low need."
    )
    contact.refresh_from_db()
    assert contact.status == Status.EARLY_HELP
    [note] = _notes(early_help_manager)
    assert note.url == f"/front-door/contacts/{contact.pk}/early-help/"
    assert _notes(mash_manager) == []


def test_an_amber_child_in_need_rating_awaits_allocation(screened, senior_practitioner):
    contact = screened()
    contact_rate(
        contact=contact, actor=senior_practitioner, rating=Rag.AMBER_CIN, rationale="Needs."
    )
    contact.refresh_from_db()
    assert contact.status == Status.ALLOCATION
    assert not contact.threshold_uncertain


def test_an_uncertain_threshold_goes_to_the_daily_allocation_meeting(screened, senior_practitioner):
    contact = screened()
    contact_rate(
        contact=contact,
        actor=senior_practitioner,
        rating=Rag.AMBER_CIN,
        rationale="Unclear whether the threshold is met.",
        threshold_uncertain=True,
    )
    contact.refresh_from_db()
    assert contact.status == Status.ALLOCATION and contact.threshold_uncertain
    assert contact.clocks.get().kind == ClockKind.BORDERLINE


@pytest.mark.parametrize("consent", [Consent.REFUSED, Consent.NOT_SOUGHT, ""])
def test_a_child_in_need_route_needs_consent_and_says_why(screened, senior_practitioner, consent):
    contact = screened(consent=consent)
    with pytest.raises(DomainError) as refused:
        contact_rate(
            contact=contact, actor=senior_practitioner, rating=Rag.AMBER_CIN, rationale="Needs."
        )
    message = str(refused.value)
    assert "needs the family's consent" in message
    assert "child protection route does not need consent" in message
    contact.refresh_from_db()
    assert contact.status == Status.RATING and contact.initial_rag == ""
    assert not RagRating.objects.for_org(contact.organisation).exists()
    assert not ContactClock.objects.for_org(contact.organisation).exists()


def test_consent_refused_is_named_in_the_message(screened, senior_practitioner):
    contact = screened(consent=Consent.REFUSED)
    with pytest.raises(DomainError, match="the family refused consent"):
        contact_rate(
            contact=contact, actor=senior_practitioner, rating=Rag.AMBER_CIN, rationale="Needs."
        )


@pytest.mark.parametrize("rating", [Rag.RED, Rag.AMBER_CP])
def test_a_child_protection_route_does_not_need_consent(screened, senior_practitioner, rating):
    contact = screened(consent=Consent.REFUSED)
    contact_rate(contact=contact, actor=senior_practitioner, rating=rating, rationale="Harm.")
    contact.refresh_from_db()
    assert contact.status == Status.MASH_MANAGER


def test_a_previously_known_child_in_need_contact_goes_to_the_mash_manager_without_consent(
    screened, senior_practitioner
):
    contact = screened(known=Known.PREVIOUSLY_KNOWN, consent=Consent.REFUSED)
    contact_rate(
        contact=contact, actor=senior_practitioner, rating=Rag.AMBER_CIN, rationale="Needs."
    )
    contact.refresh_from_db()
    assert contact.status == Status.MASH_MANAGER


def test_the_allocation_meeting_is_only_for_amber_child_in_need(screened, senior_practitioner):
    contact = screened()
    with pytest.raises(DomainError, match="Only an amber"):
        contact_rate(
            contact=contact,
            actor=senior_practitioner,
            rating=Rag.RED,
            rationale="Harm.",
            threshold_uncertain=True,
        )


def test_a_rating_needs_its_rationale(screened, senior_practitioner):
    contact = screened()
    with pytest.raises(DomainError, match="reasons for the rating"):
        contact_rate(contact=contact, actor=senior_practitioner, rating=Rag.RED, rationale=" ")
    with pytest.raises(DomainError, match="Choose a RAG rating"):
        contact_rate(contact=contact, actor=senior_practitioner, rating="purple", rationale="x")


@pytest.mark.parametrize("who", ["screening_officer", "mash_manager", "police_member"])
def test_only_a_senior_practitioner_rates(request, screened, who):
    contact = screened()
    with pytest.raises(NotAllowed, match="senior practitioner"):
        contact_rate(
            contact=contact, actor=request.getfixturevalue(who), rating=Rag.RED, rationale="x"
        )


def test_a_contact_not_yet_screened_cannot_be_rated(contact, senior_practitioner):
    with pytest.raises(DomainError, match="has not been screened yet"):
        contact_rate(contact=contact, actor=senior_practitioner, rating=Rag.RED, rationale="x")


def test_a_contact_is_rated_once(screened, senior_practitioner):
    contact = screened()
    contact_rate(contact=contact, actor=senior_practitioner, rating=Rag.RED, rationale="Harm.")
    with pytest.raises(DomainError, match="already has its rating"):
        contact_rate(contact=contact, actor=senior_practitioner, rating=Rag.GREEN, rationale="x")
