"""Clocks: the timescale each rating starts (seed 002, section 7.2), working days over bank
holidays, early help taking a contact, and a breach told to the MASH managers once."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from haven.access import roles
from haven.core import clock
from haven.frontdoor import workflow
from haven.frontdoor.models import ClockKind, Consent, Contact, ContactClock, Known, Rag, Status
from haven.frontdoor.reminders_clocks import ContactClockBreaches
from haven.frontdoor.services.screening import (
    contact_allocate,
    contact_early_help_take,
    contact_rate,
    contact_send_to_allocation_meeting,
)
from haven.frontdoor.testing import make_contact, make_staff, team
from haven.notifications.models import Kind, Notification
from haven.notifications.reminders import send_reminders

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@contextmanager
def at(year, month, day, hour=10, minute=0):
    """Run the block with the clock at this London time."""
    with clock.travel(datetime(year, month, day, hour, minute, tzinfo=LONDON) - timezone.now()):
        yield


def _local(moment):
    local = moment.astimezone(LONDON)
    return local.date().isoformat(), f"{local:%H:%M}"


@pytest.fixture
def rated(front_door, fd_child, screening_officer, senior_practitioner):
    def _rate(rating, *, uncertain=False, known=Known.NOT_KNOWN):
        contact = make_contact(
            front_door,
            children=[fd_child],
            actor=screening_officer,
            status=Status.RATING,
            known=known,
            consent=Consent.GIVEN,
        )
        contact_rate(
            contact=contact,
            actor=senior_practitioner,
            rating=rating,
            rationale="Reasons.",
            threshold_uncertain=uncertain,
        )
        contact.refresh_from_db()
        return contact

    return _rate


@pytest.mark.parametrize(
    ("rating", "uncertain", "kind"),
    [
        (Rag.RED, False, ClockKind.RED),
        (Rag.AMBER_CP, False, ClockKind.AMBER),
        (Rag.AMBER_CIN, False, ClockKind.AMBER),
        (Rag.AMBER_CIN, True, ClockKind.BORDERLINE),
        (Rag.GREEN, False, ClockKind.GREEN),
    ],
)
def test_each_rating_starts_its_clock(rating, uncertain, kind):
    assert workflow.clock_kind_for(rating, threshold_uncertain=uncertain) == kind


def test_a_red_contact_wants_partner_information_within_four_hours(rated):
    with at(2026, 11, 23, 15, 30):
        contact = rated(Rag.RED)
    running = contact.clocks.get()
    assert running.kind == ClockKind.RED and running.rating == Rag.RED
    assert _local(running.due_at) == ("2026-11-23", "19:30")
    assert contact.due_at == running.due_at


def test_an_amber_contact_wants_a_decision_within_twenty_four_hours(rated):
    # Calendar hours, not working hours: Friday afternoon's amber is due on Saturday.
    with at(2026, 11, 20, 16, 0):
        contact = rated(Rag.AMBER_CP)
    assert _local(contact.due_at) == ("2026-11-21", "16:00")


def test_a_borderline_contact_gets_three_working_days_over_easter(rated):
    with at(2026, 4, 2, 11, 0):  # Thursday before Good Friday
        contact = rated(Rag.AMBER_CIN, uncertain=True)
    assert _local(contact.due_at) == ("2026-04-09", "11:00")


def test_a_green_contact_reaches_early_help_within_three_working_days_over_christmas(rated):
    with at(2026, 12, 23, 9, 15):  # Wednesday
        contact = rated(Rag.GREEN)
    # Christmas Day, the weekend and substitute Boxing Day do not count.
    assert _local(contact.due_at) == ("2026-12-30", "09:15")


def test_taking_a_green_contact_starts_the_ten_working_day_decision(rated, early_help_manager):
    with at(2026, 12, 21, 14, 0):
        contact = rated(Rag.GREEN)
    with at(2026, 12, 22, 9, 0):
        contact_early_help_take(contact=contact, actor=early_help_manager)
    green, decision = contact.clocks.order_by("started_at")
    assert green.kind == ClockKind.GREEN and green.met is True
    assert decision.kind == ClockKind.EARLY_HELP_DECISION and decision.stopped_at is None
    assert decision.created_by == early_help_manager
    # 10 working days from Tuesday 22 December: not 25, 28 December or 1 January.
    assert _local(decision.due_at) == ("2027-01-08", "09:00")
    contact.refresh_from_db()
    assert contact.due_at == decision.due_at


def test_taking_a_contact_late_records_the_green_clock_as_missed(rated, early_help_manager):
    with at(2026, 11, 2, 9, 0):
        contact = rated(Rag.GREEN)
    with at(2026, 11, 9, 9, 0):
        contact_early_help_take(contact=contact, actor=early_help_manager)
    green = contact.clocks.get(kind=ClockKind.GREEN)
    assert green.met is False


def test_the_allocation_meeting_makes_the_amber_clock_three_working_days_from_the_rating(
    rated, senior_practitioner
):
    with at(2026, 8, 27, 10, 0):  # Thursday before the summer bank holiday
        contact = rated(Rag.AMBER_CIN)
    assert _local(contact.due_at) == ("2026-08-28", "10:00")
    with at(2026, 8, 27, 15, 0):
        contact_send_to_allocation_meeting(
            contact=contact, actor=senior_practitioner, reason="Trajectory unclear."
        )
    running = contact.clocks.get()
    assert running.kind == ClockKind.BORDERLINE
    assert _local(running.started_at) == ("2026-08-27", "10:00")
    assert _local(running.due_at) == ("2026-09-02", "10:00")
    contact.refresh_from_db()
    assert contact.due_at == running.due_at and contact.threshold_uncertain


def test_allocation_stops_the_clock(rated, senior_practitioner):
    contact = rated(Rag.AMBER_CIN)
    contact_allocate(
        contact=contact,
        actor=senior_practitioner,
        team=team(contact.organisation, "Social work team A"),
    )
    contact.refresh_from_db()
    assert contact.due_at is None
    assert contact.clocks.get().stopped_at is not None


# --- Breaches -----------------------------------------------------------------------------


def _breach_notes(org):
    return Notification.objects.for_org(org).filter(kind=Kind.CONTACT_CLOCK_BREACHED)


def test_a_breached_clock_is_told_to_every_mash_manager_once(
    front_door, rated, mash_manager, social_worker
):
    second_manager = make_staff(front_door, roles.MASH_MANAGER, "Mo Deputy", teams=["MASH"])
    contact = rated(Rag.RED)
    running = contact.clocks.get()
    with clock.travel(timedelta(hours=3, minutes=59)):
        assert send_reminders()["frontdoor_clock_breaches"] == 0
    with clock.travel(timedelta(hours=4, minutes=5)):
        assert send_reminders()["frontdoor_clock_breaches"] == 1
    notes = _breach_notes(front_door)
    assert sorted(n.recipient.full_name for n in notes) == ["Mo Deputy", "Morgan Manager"]
    assert contact.reference in notes[0].title and "Bunny" not in notes[0].title
    assert notes[0].url == f"/front-door/contacts/{contact.pk}/"
    # The email's subject names the child by the contact's identifiers, never by name.
    assert notes[0].reference.startswith(f"Contact {contact.reference}")
    assert not _breach_notes(front_door).filter(recipient=social_worker).exists()
    # Later runs send nothing more, and record when the breach was told.
    with clock.travel(timedelta(hours=4, minutes=10)):
        assert send_reminders()["frontdoor_clock_breaches"] == 0
    with clock.travel(timedelta(hours=9)):
        assert send_reminders()["frontdoor_clock_breaches"] == 0
    assert _breach_notes(front_door).count() == 2
    running.refresh_from_db()
    assert running.breach_notified_at is not None
    assert not ContactClock.unscoped.filter(
        stopped_at__isnull=True, breach_notified_at__isnull=True, due_at__lte=clock.now()
    ).exists()
    assert second_manager.is_active


def test_a_clock_stopped_in_time_is_never_told(rated, mash_manager, early_help_manager):
    contact = rated(Rag.GREEN)
    with clock.travel(timedelta(hours=1)):
        contact_early_help_take(contact=contact, actor=early_help_manager)
    contact.refresh_from_db()
    workflow.clock_stop(contact, at=clock.now())
    contact.save()
    with clock.travel(timedelta(days=30)):
        assert send_reminders()["frontdoor_clock_breaches"] == 0
    assert not _breach_notes(contact.organisation).exists()


def test_a_new_clock_after_a_breach_is_told_of_its_own_breach(
    rated, mash_manager, early_help_manager
):
    with at(2026, 11, 2, 9, 0):
        contact = rated(Rag.GREEN)
    with at(2026, 11, 9, 9, 0):  # the green clock ran out on Thursday 5 November
        assert send_reminders()["frontdoor_clock_breaches"] == 1
        contact_early_help_take(contact=contact, actor=early_help_manager)
    green = contact.clocks.get(kind=ClockKind.GREEN)
    assert green.breach_notified_at is not None  # kept when the clock stopped
    with at(2026, 11, 24, 9, 0):  # the decision was due on Monday 23 November
        assert send_reminders()["frontdoor_clock_breaches"] == 1
    assert _breach_notes(contact.organisation).count() == 2


def test_breaches_of_two_front_doors_go_to_their_own_managers(rated, mash_manager):
    from haven.frontdoor.testing import make_contact as contact_in
    from haven.frontdoor.testing import make_front_door, make_person

    elsewhere = make_front_door("Southborough Children's Front Door")
    their_manager = make_staff(elsewhere, roles.MASH_MANAGER, "Sol South", teams=["MASH"])
    officer = make_staff(elsewhere, roles.SCREENING_OFFICER, "Sal South")
    theirs = contact_in(elsewhere, children=[make_person(officer)], actor=officer)
    workflow.clock_start(theirs, ClockKind.RED, at=clock.now())
    theirs.status = Status.MASH_MANAGER
    theirs.save()
    rated(Rag.RED)
    with clock.travel(timedelta(hours=5)):
        assert send_reminders()["frontdoor_clock_breaches"] == 2
    assert _breach_notes(elsewhere).get().recipient == their_manager
    assert _breach_notes(mash_manager.organisation).get().recipient == mash_manager


def test_the_provider_yields_nothing_when_no_clock_has_run_out(rated):
    rated(Rag.AMBER_CP)
    assert list(ContactClockBreaches().due(clock.today())) == []
    assert Contact.objects.for_org(rated(Rag.RED).organisation).count() == 2
