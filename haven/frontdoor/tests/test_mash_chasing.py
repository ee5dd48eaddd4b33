"""Late information requests are chased by ``haven send_reminders``: once when they fall due,
then once an interval (hourly for red, every four hours otherwise) until answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from haven.core import clock
from haven.frontdoor.models import AgencyKind, InformationRequest, Rag
from haven.frontdoor.services import mash
from haven.frontdoor.testing import agency
from haven.frontdoor.tests.mash_records import answer, gathering_contact
from haven.notifications.models import Kind, Notification
from haven.notifications.reminders import send_reminders

pytestmark = pytest.mark.django_db


def _chases(front_door, user):
    return Notification.objects.for_org(front_door).filter(
        recipient=user, kind=Kind.INFORMATION_REQUEST_CHASED
    )


@pytest.fixture
def red_request(front_door, fd_child, screening_officer, social_worker, police_member):
    contact = gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)
    (sent,) = mash.information_requests_send(
        contact=contact,
        actor=social_worker,
        agencies=[agency(front_door, AgencyKind.POLICE)],
        question="Anything known?",
    )
    return sent


def test_a_request_is_not_chased_before_it_is_due(front_door, red_request, police_member):
    with clock.travel(timedelta(hours=3, minutes=59)):
        send_reminders()
    assert not _chases(front_door, police_member).exists()
    red_request.refresh_from_db()
    assert red_request.chase_count == 0 and red_request.chased_at is None


def test_a_late_request_is_chased_once_an_interval_however_often_the_command_runs(
    front_door, red_request, police_member, health_member, social_worker
):
    with clock.travel(timedelta(hours=4, minutes=1)):
        send_reminders()
        send_reminders()
    chases = _chases(front_door, police_member)
    assert chases.count() == 1
    note = chases.get()
    assert note.title.startswith("Late: the MASH asked Police about Contact C000001")
    assert "Bunny" not in note.title
    red_request.refresh_from_db()
    assert red_request.chase_count == 1
    with clock.travel(timedelta(hours=4, minutes=50)):
        send_reminders()
    assert chases.count() == 1  # a red contact's requests are chased hourly
    with clock.travel(timedelta(hours=5, minutes=2)):
        send_reminders()
        send_reminders()
    assert chases.count() == 2
    red_request.refresh_from_db()
    assert red_request.chase_count == 2
    assert "reminder 2" in chases.order_by("pk").last().title
    assert not _chases(front_door, health_member).exists()
    # The social worker who asked is told of each chase too, and sent to the MASH workspace.
    told = _chases(front_door, social_worker).order_by("pk")
    assert told.count() == 2
    assert told.first().title.startswith(
        "Late: Police has not answered your MASH request about Contact C000001"
    )
    assert "reminder 2" in told.last().title and "Bunny" not in told.last().title
    assert told.first().url == reverse("frontdoor:mash", args=[red_request.contact_id])


def test_a_chase_is_not_sent_to_an_asker_who_has_left_the_mash(
    front_door, red_request, police_member, social_worker
):
    social_worker.is_active = False
    social_worker.save(update_fields=["is_active"])
    with clock.travel(timedelta(hours=4, minutes=1)):
        send_reminders()
    assert _chases(front_door, police_member).count() == 1
    assert not _chases(front_door, social_worker).exists()


def test_an_amber_contacts_requests_are_chased_every_four_hours(
    front_door, fd_child, screening_officer, social_worker, police_member
):
    contact = gathering_contact(
        front_door, fd_child, screening_officer, rating=Rag.AMBER_CP, worker=social_worker
    )
    mash.information_requests_send(
        contact=contact,
        actor=social_worker,
        agencies=[agency(front_door, AgencyKind.POLICE)],
        question="Anything known?",
    )
    with clock.travel(timedelta(hours=24, minutes=1)):
        send_reminders()
    with clock.travel(timedelta(hours=27)):
        send_reminders()
    assert _chases(front_door, police_member).count() == 1
    with clock.travel(timedelta(hours=28, minutes=2)):
        send_reminders()
    assert _chases(front_door, police_member).count() == 2


def test_answered_and_withdrawn_requests_are_not_chased(
    front_door, red_request, police_member, social_worker
):
    answer(red_request, police_member, "Nothing known.")
    with clock.travel(timedelta(hours=5)):
        send_reminders()
    assert not _chases(front_door, police_member).exists()
    assert not _chases(front_door, social_worker).exists()
    assert InformationRequest.objects.for_org(front_door).get().chase_count == 0
