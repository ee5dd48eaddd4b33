"""The MASH pages: who may open them, the forms, and query counts that do not grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.access import roles
from haven.audit.models import Action, AuditEvent
from haven.frontdoor.models import (
    AgencyKind,
    InformationRequest,
    OnwardRecord,
    Outcome,
    Rag,
    Status,
)
from haven.frontdoor.services import mash
from haven.frontdoor.testing import agency, make_contact, make_front_door, make_staff, team
from haven.frontdoor.tests.mash_records import (
    POLICE_SECRET,
    complete_record,
    education_member,
    gathering_contact,
    three_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gathering(front_door, fd_child, screening_officer, social_worker):
    return gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)


def _url(name, contact):
    return reverse(f"frontdoor:{name}", args=[contact.pk])


def test_the_mash_workspace_is_for_the_mash_team_only(
    sign_in, gathering, social_worker, mash_manager, screening_officer, senior_practitioner
):
    url = _url("mash", gathering)
    for member in (social_worker, mash_manager):
        assert sign_in(member).get(url).status_code == 200
    for outsider in (screening_officer, senior_practitioner):
        assert sign_in(outsider).get(url).status_code == 403


def test_partner_members_and_school_staff_are_refused_the_workspace(
    sign_in, gathering, police_member, dsl, staff_member
):
    for someone in (police_member, dsl, staff_member):
        assert sign_in(someone).get(_url("mash", gathering)).status_code == 403


def test_another_front_doors_mash_team_gets_not_found(sign_in, gathering):
    elsewhere = make_front_door("Southvale Children's Front Door")
    worker = make_staff(elsewhere, roles.SOCIAL_WORKER, "Sol Elsewhere", teams=["MASH"])
    assert sign_in(worker).get(_url("mash", gathering)).status_code == 404


def test_opening_the_workspace_is_audited(sign_in, gathering, social_worker, fd_child):
    sign_in(social_worker).get(_url("mash", gathering))
    event = AuditEvent.objects.filter(action=Action.VIEW, actor_id=social_worker.pk).last()
    assert event.object_id == str(gathering.pk)
    assert event.person_id == fd_child.pk
    assert event.detail["what"] == "MASH workspace"


def test_requests_are_refused_on_the_page_until_the_family_told_question_is_answered(
    sign_in, front_door, fd_child, screening_officer, social_worker
):
    contact = gathering_contact(front_door, fd_child, screening_officer, told=None)
    client = sign_in(social_worker)
    page = client.get(_url("mash", contact))
    assert b"No information request can be sent until it is" in page.content
    assert b"Send the requests" not in page.content
    police = agency(front_door, AgencyKind.POLICE)
    refused = client.post(
        _url("mash_request_new", contact), {"agencies": [police.pk], "question": "Known?"}
    )
    assert refused.status_code == 400
    assert not InformationRequest.objects.for_org(front_door).exists()
    told = client.post(_url("mash_family_told", contact), {"told": "no", "reason": ""})
    assert told.status_code == 400
    client.post(_url("mash_family_told", contact), {"told": "yes"})
    sent = client.post(
        _url("mash_request_new", contact), {"agencies": [police.pk], "question": "Known?"}
    )
    assert sent.status_code == 302
    assert InformationRequest.objects.for_org(front_door).get().agency == police


def test_the_review_page_routes_a_previously_known_familys_contact(
    sign_in, front_door, fd_child, screening_officer, mash_manager, social_worker
):
    contact = make_contact(
        front_door,
        children=[fd_child],
        actor=screening_officer,
        status=Status.MASH_MANAGER,
        initial_rag=Rag.AMBER_CIN,
        known="previously_known",
    )
    assert sign_in(social_worker).get(_url("mash_review", contact)).status_code == 403
    client = sign_in(mash_manager)
    assert client.get(_url("mash_review", contact)).status_code == 200
    assert client.post(_url("mash_review", contact), {"rating": "red"}).status_code == 400
    done = client.post(_url("mash_review", contact), {"rating": "red", "rationale": "Escalate."})
    assert done.status_code == 302 and done["Location"] == _url("mash", contact)
    contact.refresh_from_db()
    assert contact.status == Status.INFORMATION_GATHERING


def test_the_record_and_decision_pages_take_a_contact_through_to_its_onward_record(
    sign_in,
    front_door,
    gathering,
    social_worker,
    mash_manager,
    police_member,
    health_member,
):
    three_answers(
        gathering, social_worker, police_member, health_member, education_member(front_door)
    )
    worker = sign_in(social_worker)
    form = worker.get(_url("mash_record", gathering))
    assert form.status_code == 200 and b"The MASH record" in form.content
    assert worker.get(_url("mash_decide", gathering)).status_code == 403
    done = worker.post(
        _url("mash_record", gathering),
        {
            "agency_summary": "All three answered.",
            "analysis": "Risk of significant harm.",
            "recommended_rag": "red",
            "recommended_action": "Strategy discussion.",
        },
    )
    assert done.status_code == 302
    manager = sign_in(mash_manager)
    page = manager.get(_url("mash_decide", gathering))
    assert page.status_code == 200 and POLICE_SECRET.encode() in page.content
    refused = manager.post(
        _url("mash_decide", gathering),
        {"final_rag": "red", "rationale": "Harm.", "outcome": Outcome.SOCIAL_WORK_TEAM},
    )
    assert refused.status_code == 400
    decided = manager.post(
        _url("mash_decide", gathering),
        {
            "final_rag": "red",
            "rationale": "Harm.",
            "outcome": Outcome.SOCIAL_WORK_TEAM,
            "team": team(front_door, "Social work team A").pk,
            "feedback_to_referrer": "A social work team will be in touch.",
        },
    )
    assert decided.status_code == 302
    gathering.refresh_from_db()
    assert gathering.status == Status.DECIDED
    workspace = manager.get(_url("mash", gathering))
    assert b"The onward record" in workspace.content
    onward = OnwardRecord.objects.for_org(front_door).get(contact=gathering)
    assert onward.body.splitlines()[0].encode() in workspace.content


def test_a_feedback_leak_is_refused_with_a_message_and_nothing_saved(
    sign_in, front_door, gathering, social_worker, mash_manager, police_member, health_member
):
    three_answers(
        gathering, social_worker, police_member, health_member, education_member(front_door)
    )
    complete_record(gathering, social_worker)
    page = sign_in(mash_manager).post(
        _url("mash_decide", gathering),
        {
            "final_rag": "red",
            "rationale": "Harm.",
            "outcome": Outcome.NO_FURTHER_ACTION,
            "feedback_to_referrer": POLICE_SECRET,
        },
    )
    assert page.status_code == 400
    assert b"repeats what Police said" in page.content
    gathering.refresh_from_db()
    assert gathering.status == Status.MASH_DECISION


def test_the_send_back_page_returns_the_contact_to_information_gathering(
    sign_in, gathering, social_worker, mash_manager
):
    complete_record(gathering, social_worker)
    client = sign_in(mash_manager)
    assert client.post(_url("mash_send_back", gathering), {"reason": ""}).status_code == 400
    assert client.post(_url("mash_send_back", gathering), {"reason": "More."}).status_code == 302
    gathering.refresh_from_db()
    assert gathering.status == Status.INFORMATION_GATHERING


def test_withdrawing_a_request_from_the_workspace(
    sign_in, front_door, gathering, social_worker, police_member
):
    (sent,) = mash.information_requests_send(
        contact=gathering,
        actor=social_worker,
        agencies=[agency(front_door, AgencyKind.POLICE)],
        question="Known?",
    )
    url = reverse("frontdoor:mash_request_withdraw", args=[sent.pk])
    assert sign_in(police_member).post(url, {"reason": "x"}).status_code == 403
    assert sign_in(social_worker).post(url, {"reason": "Wrong agency."}).status_code == 302
    sent.refresh_from_db()
    assert sent.status == InformationRequest.Status.WITHDRAWN


def _count(client, url) -> int:
    client.get(url)  # warm caches (settings rows, sessions)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_workspace_costs_the_same_with_one_request_or_many(
    sign_in, front_door, gathering, social_worker, police_member, health_member
):
    client = sign_in(social_worker)
    mash.information_requests_send(
        contact=gathering,
        actor=social_worker,
        agencies=[agency(front_door, AgencyKind.POLICE)],
        question="Known?",
    )
    one = _count(client, _url("mash", gathering))
    mash.information_requests_send(
        contact=gathering,
        actor=social_worker,
        agencies=[
            agency(front_door, AgencyKind.HEALTH),
            agency(front_door, AgencyKind.EDUCATION),
            agency(front_door, AgencyKind.PROBATION),
        ],
        question="Known?",
    )
    mash.information_request_answer(
        info_request=InformationRequest.objects.for_org(front_door).get(agency__kind="health"),
        actor=health_member,
        summary="Nothing known.",
        may_pass_on=True,
        may_share_with_family=True,
    )
    assert _count(client, _url("mash", gathering)) == one


def test_the_decision_page_costs_the_same_with_one_answer_or_three(
    sign_in,
    front_door,
    fd_child,
    screening_officer,
    social_worker,
    mash_manager,
    police_member,
    health_member,
):
    first = gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)
    (sent,) = mash.information_requests_send(
        contact=first,
        actor=social_worker,
        agencies=[agency(front_door, AgencyKind.POLICE)],
        question="Known?",
    )
    mash.information_request_answer(
        info_request=sent,
        actor=police_member,
        summary="Nothing.",
        may_pass_on=True,
        may_share_with_family=True,
    )
    complete_record(first, social_worker)
    second = gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)
    three_answers(second, social_worker, police_member, health_member, education_member(front_door))
    complete_record(second, social_worker)
    client = sign_in(mash_manager)
    assert _count(client, _url("mash_decide", first)) == _count(client, _url("mash_decide", second))
