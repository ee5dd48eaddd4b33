"""A partner agency member's pages: their agency's requests and nothing else in Haven."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.audit.models import Action, AuditEvent
from haven.frontdoor.models import AgencyKind, InformationRequest
from haven.frontdoor.services import mash
from haven.frontdoor.testing import agency, make_person
from haven.frontdoor.tests.mash_records import (
    POLICE_SECRET,
    answer,
    education_member,
    gathering_contact,
)
from haven.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def gathering(front_door, fd_child, screening_officer, social_worker):
    return gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)


def _ask(contact, worker, *kinds):
    front_door = contact.organisation
    return mash.information_requests_send(
        contact=contact,
        actor=worker,
        agencies=[agency(front_door, kind) for kind in kinds],
        question="What do you hold on this family?",
    )


def _page(pk):
    return reverse("frontdoor:request", args=[pk])


def test_a_partner_sees_only_their_own_agencys_requests(
    sign_in, gathering, social_worker, police_member, health_member
):
    police, health = _ask(gathering, social_worker, AgencyKind.POLICE, AgencyKind.HEALTH)
    client = sign_in(police_member)
    queue = client.get(reverse("frontdoor:requests"))
    assert queue.status_code == 200
    assert _page(police.pk).encode() in queue.content
    assert _page(health.pk).encode() not in queue.content
    assert client.get(_page(police.pk)).status_code == 200
    assert client.get(_page(health.pk)).status_code == 404


def test_the_queue_lists_open_requests_by_due_time_then_answered_ones(
    sign_in, front_door, fd_child, screening_officer, social_worker, police_member
):
    from haven.frontdoor.models import Rag

    amber = gathering_contact(
        front_door, fd_child, screening_officer, rating=Rag.AMBER_CP, worker=social_worker
    )
    red = gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)
    done = gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)
    (later,) = _ask(amber, social_worker, AgencyKind.POLICE)
    (sooner,) = _ask(red, social_worker, AgencyKind.POLICE)
    (answered,) = _ask(done, social_worker, AgencyKind.POLICE)
    answer(answered, police_member, "Nothing known.")
    content = sign_in(police_member).get(reverse("frontdoor:requests")).content.decode()
    positions = [content.index(_page(r.pk)) for r in (sooner, later, answered)]
    assert positions == sorted(positions)
    assert content.index("Answered") < positions[2]


def test_the_request_page_shows_what_to_search_for_and_nothing_of_the_mash(
    sign_in, front_door, gathering, social_worker, police_member, health_member
):
    parent = make_person(social_worker, first="Daffy", last="Duck", kind="adult", born=None)
    from haven.frontdoor.models import ContactPerson

    ContactPerson.objects.create(
        organisation=front_door, contact=gathering, person=parent, role="adult"
    )
    police, health = _ask(gathering, social_worker, AgencyKind.POLICE, AgencyKind.HEALTH)
    answer(health, health_member, "HEALTH-ONLY: seen in A&E twice.")
    page = sign_in(police_member).get(_page(police.pk))
    content = page.content.decode()
    assert "What do you hold on this family?" in content
    assert "Bugs Bunny" in content and "25/06/2019" in content and "1 Warren Lane" in content
    assert "Daffy Duck" in content
    assert "HEALTH-ONLY" not in content
    assert gathering.concerns not in content
    assert "MASH workspace" not in content


def test_viewing_a_request_is_audited(sign_in, gathering, social_worker, police_member, fd_child):
    (police,) = _ask(gathering, social_worker, AgencyKind.POLICE)
    sign_in(police_member).get(_page(police.pk))
    event = AuditEvent.objects.filter(action=Action.VIEW, actor_id=police_member.pk).last()
    assert event.object_id == str(police.pk) and event.person_id == fd_child.pk


def test_answering_from_the_page_records_the_choices_and_tells_the_social_worker(
    sign_in, front_door, gathering, social_worker, police_member
):
    (police,) = _ask(gathering, social_worker, AgencyKind.POLICE)
    client = sign_in(police_member)
    refused = client.post(_page(police.pk), {"summary": "Known.", "may_pass_on": "no"})
    assert refused.status_code == 400
    police.refresh_from_db()
    assert police.status == InformationRequest.Status.OPEN
    done = client.post(
        _page(police.pk),
        {"summary": POLICE_SECRET, "may_pass_on": "no", "may_share_with_family": "no"},
    )
    assert done.status_code == 302
    police.refresh_from_db()
    assert police.status == InformationRequest.Status.ANSWERED
    assert police.may_pass_on is False and police.may_share_with_family is False
    assert Notification.objects.for_org(front_door).filter(
        recipient=social_worker, kind=Kind.INFORMATION_ANSWERED
    )
    again = client.post(
        _page(police.pk),
        {"summary": "Changed.", "may_pass_on": "yes", "may_share_with_family": "yes"},
    )
    assert again.status_code == 400
    police.refresh_from_db()
    assert police.summary == POLICE_SECRET


def test_a_withdrawn_request_says_so_and_shows_nobody(
    sign_in, gathering, social_worker, police_member
):
    (police,) = _ask(gathering, social_worker, AgencyKind.POLICE)
    mash.information_request_withdraw(info_request=police, actor=social_worker, reason="x")
    content = sign_in(police_member).get(_page(police.pk)).content.decode()
    assert "withdrew this request" in content and "Bugs Bunny" not in content


def test_partners_are_offered_nothing_but_their_requests(sign_in, police_member, fd_child):
    client = sign_in(police_member)
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("frontdoor:requests") in home
    assert reverse("people:search") not in home
    assert reverse("safeguarding:concern_new") not in home
    assert client.get(reverse("people:search"), {"q": "Bunny"}).status_code == 403
    assert client.get(reverse("people:detail", args=[fd_child.pk])).status_code in (403, 404)
    assert client.get(reverse("safeguarding:concern_new")).status_code == 403


def test_front_door_and_school_staff_cannot_open_the_partner_pages(
    sign_in, gathering, social_worker, police_member, dsl
):
    (police,) = _ask(gathering, social_worker, AgencyKind.POLICE)
    for someone in (social_worker, dsl):
        client = sign_in(someone)
        assert client.get(reverse("frontdoor:requests")).status_code == 403
        assert client.get(_page(police.pk)).status_code == 403


def test_the_queue_costs_the_same_with_one_request_or_many(
    sign_in, front_door, fd_child, screening_officer, social_worker, police_member
):
    client = sign_in(police_member)
    first = gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)
    _ask(first, social_worker, AgencyKind.POLICE)

    def count():
        url = reverse("frontdoor:requests")
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries.captured_queries)

    one = count()
    for _ in range(3):
        more = gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)
        (sent,) = _ask(more, social_worker, AgencyKind.POLICE)
    answer(sent, police_member, "Nothing known.")
    assert count() == one


def test_a_member_of_two_agencies_sees_both_queues(
    sign_in, front_door, gathering, social_worker, police_member
):
    member = education_member(front_door)
    agency(front_door, AgencyKind.HEALTH).members.add(member)
    health, education = _ask(gathering, social_worker, AgencyKind.HEALTH, AgencyKind.EDUCATION)
    content = sign_in(member).get(reverse("frontdoor:requests")).content.decode()
    assert _page(health.pk) in content and _page(education.pk) in content
