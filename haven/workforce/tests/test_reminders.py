"""Reminders: 60 days and 7 days before expiry and on the day, each sent once, to the person
(if they sign in) and their line manager; ``haven send_reminders`` is safe to run often."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from haven.core import clock
from haven.notifications import reminders
from haven.notifications.models import Kind, Notification, ReminderSent
from haven.workforce import services
from haven.workforce.reminders import threshold_for
from haven.workforce.tests.conftest import years_ago

pytestmark = pytest.mark.django_db


def _notes(user) -> list[str]:
    return list(
        Notification.objects.for_org(user.organisation)
        .filter(recipient=user, kind=Kind.TRAINING_DUE)
        .order_by("pk")
        .values_list("title", flat=True)
    )


def _send(on):
    return reminders.send_reminders(today=on)["workforce"]


@pytest.fixture
def kim_record(admin, manager, key_person, seeded, level_2_course):
    """Kim (who signs in) did level 2 training three years ago less 100 days."""
    kim = services.staff_create(
        actor=admin,
        data={
            "full_name": key_person.full_name,
            "user": key_person,
            "post_title": "Key person",
            "kind": "paid",
            "level": 2,
            "started_on": years_ago(4),
            "line_manager": manager,
        },
    )
    return services.training_record_add(
        staff=kim,
        course=level_2_course,
        actor=admin,
        completed_on=clock.today() - timedelta(days=3 * 365 - 100),
    )


def test_thresholds_are_sixty_days_seven_days_and_the_day_itself():
    today = clock.today()
    assert threshold_for(today + timedelta(days=61), today) is None
    assert threshold_for(today + timedelta(days=60), today)[0] == "60d"
    assert threshold_for(today + timedelta(days=8), today)[0] == "60d"
    assert threshold_for(today + timedelta(days=7), today)[0] == "7d"
    assert threshold_for(today + timedelta(days=1), today)[0] == "7d"
    assert threshold_for(today, today)[0] == "expired"
    assert threshold_for(today - timedelta(days=400), today)[0] == "expired"


def test_each_threshold_is_sent_once_to_the_person_and_their_line_manager(
    kim_record, manager, key_person
):
    expires = kim_record.expires_on
    assert _send(expires - timedelta(days=61)) == 0
    assert _send(expires - timedelta(days=60)) == 2
    assert _send(expires - timedelta(days=59)) == 0
    assert _send(expires - timedelta(days=30)) == 0
    assert _send(expires - timedelta(days=7)) == 2
    assert _send(expires - timedelta(days=3)) == 0
    assert _send(expires) == 2
    assert _send(expires + timedelta(days=30)) == 0
    course = kim_record.course.name
    assert _notes(manager) == [
        f"Kim Keyperson: “{course}” expires on {expires:%d/%m/%Y}",
        f"Kim Keyperson: “{course}” expires within 7 days",
        f"Kim Keyperson: “{course}” has expired",
    ]
    assert _notes(key_person) == [
        f"Your “{course}” expires on {expires:%d/%m/%Y}",
        f"Your “{course}” expires within 7 days",
        f"Your “{course}” has expired",
    ]
    keys = sorted(ReminderSent.objects.for_org(manager.organisation).values_list("key", flat=True))
    assert len(keys) == 6 and all(
        k.startswith(f"workforce.training:{kim_record.pk}:") for k in keys
    )


def test_a_record_entered_late_gets_only_the_current_threshold(kim_record, manager):
    assert _send(kim_record.expires_on - timedelta(days=2)) == 2
    assert _send(kim_record.expires_on - timedelta(days=1)) == 0
    assert [t.split("” ")[1] for t in _notes(manager)] == ["expires within 7 days"]


def test_renewing_the_training_stops_the_reminders_for_the_old_record(kim_record, admin, manager):
    services.training_record_add(
        staff=kim_record.staff,
        course=kim_record.course,
        actor=admin,
        completed_on=clock.today(),
    )
    assert _send(kim_record.expires_on) == 0
    assert _notes(manager) == []


def test_leavers_are_not_reminded(kim_record, admin, manager):
    staff = kim_record.staff
    data = {f: getattr(staff, f) for f in ("full_name", "post_title", "kind", "level")}
    services.staff_update(
        staff=staff,
        actor=admin,
        data={**data, "started_on": staff.started_on, "left_on": clock.today()},
    )
    assert _send(kim_record.expires_on) == 0


def test_a_volunteer_without_a_sign_in_is_reminded_through_their_line_manager_only(
    add_staff, admin, manager, level_2_course
):
    vera = add_staff(started_on=years_ago(4))
    record = services.training_record_add(
        staff=vera, course=level_2_course, actor=admin, completed_on=years_ago(3)
    )
    assert _send(record.expires_on) == 1
    assert _notes(manager) == [f"Vera Volunteer: “{level_2_course.name}” has expired"]


def test_dbs_renewals_are_reminded_too(add_staff, admin, manager):
    vera = add_staff(started_on=years_ago(4))
    check = services.dbs_check_add(
        staff=vera,
        actor=admin,
        check_type="enhanced",
        certificate_number="001234567890",
        issued_on=years_ago(3) + timedelta(days=5),
    )
    assert _send(clock.today()) == 1
    assert _notes(manager) == ["Vera Volunteer: DBS check: renewal is due within 7 days"]
    assert _send(check.renewal_due_on) == 1
    assert _notes(manager)[-1] == "Vera Volunteer: DBS check: renewal is overdue"


def test_the_command_is_idempotent_and_emails_say_nothing_about_the_training(kim_record, manager):
    out = StringIO()
    with clock.travel(kim_record.expires_on - clock.today()):
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("send_reminders", stdout=out)
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("send_reminders", stdout=out)
    assert "workforce: 2 reminder(s) sent." in out.getvalue()
    assert "workforce: 0 reminder(s) sent." in out.getvalue()
    assert len(_notes(manager)) == 1
    emails = [m for m in mail.outbox if manager.email in m.to]
    assert len(emails) == 1
    assert kim_record.course.name not in emails[0].body
    assert "Kim" not in emails[0].body and "Kim" not in emails[0].subject


def test_a_reminder_another_run_has_just_sent_is_skipped(kim_record, manager):
    # Another run recorded the key between this run's check and its insert.
    key = f"workforce.training:{kim_record.pk}:expired:manager"
    ReminderSent.objects.create(organisation=manager.organisation, key=key, sent_at=clock.now())
    assert _send(kim_record.expires_on) == 1  # only the one to Kim herself
    assert _notes(manager) == []


def test_other_capabilities_can_register_their_own_reminders(manager, seeded):
    class Reviews:
        name = "case reviews"

        def due(self, today):
            yield reminders.Reminder(
                key="reviews:1:due",
                organisation=manager.organisation,
                recipients=[manager],
                kind=Kind.TRAINING_DUE,
                title="A review is due",
            )

    previous = dict(reminders._PROVIDERS)
    try:
        reminders.register(Reviews())
        assert reminders.send_reminders()["case reviews"] == 1
        assert reminders.send_reminders()["case reviews"] == 0
    finally:
        reminders._PROVIDERS.clear()
        reminders._PROVIDERS.update(previous)
