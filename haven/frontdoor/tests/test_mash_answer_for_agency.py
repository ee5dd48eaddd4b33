"""A MASH social worker records a partner agency's answer given outside Haven (on the
telephone, by email) on the agency's behalf: recorded as such, with who gave it, who
recorded it and when, the agency's two choices kept as strictly as its own answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.audit.models import Action, AuditEvent
from haven.core.errors import DomainError, NotAllowed
from haven.frontdoor.models import AgencyKind, InformationRequest
from haven.frontdoor.services import mash
from haven.frontdoor.testing import agency
from haven.frontdoor.tests.mash_records import gathering_contact
from haven.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(front_door, fd_child, screening_officer, social_worker, police_member):
    contact = gathering_contact(front_door, fd_child, screening_officer, worker=social_worker)
    (sent,) = mash.information_requests_send(
        contact=contact,
        actor=social_worker,
        agencies=[agency(front_door, AgencyKind.POLICE)],
        question="Anything known?",
    )
    return sent


def _record(info_request, actor, **extra):
    values = {
        "method": "telephone",
        "given_by": "PC Jo Hart, public protection unit",
        "summary": "Two call-outs to the address this year.",
        "may_pass_on": False,
        "may_share_with_family": False,
        **extra,
    }
    return mash.information_request_answer_for_agency(
        info_request=info_request, actor=actor, **values
    )


def test_the_answer_is_recorded_as_given_on_the_agencys_behalf(
    front_door, asked, social_worker, police_member
):
    answered = _record(asked, social_worker)
    answered.refresh_from_db()
    assert answered.status == InformationRequest.Status.ANSWERED
    assert answered.answered_on_behalf and answered.answer_method == "telephone"
    assert answered.answer_given_by == "PC Jo Hart, public protection unit"
    assert answered.answered_by == social_worker and answered.answered_at is not None
    assert answered.may_pass_on is False  # "do not pass on" holds as for the agency's own
    event = AuditEvent.objects.get(
        action=Action.UPDATE,
        object_id=str(asked.pk),
        detail__what="MASH information request answered",
    )
    assert event.detail["on_behalf_of_agency"] is True and event.detail["method"] == "telephone"
    # The agency's members are told it was answered for them.
    (note,) = Notification.objects.for_org(front_door).filter(
        recipient=police_member, kind=Kind.INFORMATION_ANSWERED
    )
    assert "on the telephone, from PC Jo Hart" in note.title and "Bunny" not in note.title
    # It cannot be answered again, by the agency or the MASH.
    with pytest.raises(DomainError, match="cannot be answered again"):
        _record(asked, social_worker)


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"method": "carrier pigeon"}, "how the agency gave"),
        ({"given_by": "   "}, "who at the agency"),
        ({"summary": ""}, "summary"),
        ({"may_pass_on": None}, "passed on"),
    ],
)
def test_an_incomplete_answer_records_nothing(asked, social_worker, bad, message):
    with pytest.raises(DomainError, match=message):
        _record(asked, social_worker, **bad)
    asked.refresh_from_db()
    assert asked.status == InformationRequest.Status.OPEN


@pytest.mark.parametrize("who", ["police_member", "screening_officer", "early_help_manager"])
def test_only_the_mash_team_records_for_an_agency(request, asked, who):
    with pytest.raises(NotAllowed):
        _record(asked, request.getfixturevalue(who))


def test_the_page_records_it_and_the_workspace_and_partner_show_it_as_such(
    sign_in, asked, social_worker, police_member
):
    client = sign_in(social_worker)
    workspace = reverse("frontdoor:mash", args=[asked.contact_id])
    url = reverse("frontdoor:mash_request_answer_for_agency", args=[asked.pk])
    assert url in client.get(workspace).content.decode()
    assert client.get(url).status_code == 200
    refused = client.post(url, {"method": "telephone", "summary": "Nothing."})
    assert refused.status_code == 400
    response = client.post(
        url,
        {
            "method": "email",
            "given_by": "Dr Amir Khan, GP",
            "summary": "Registered; no concerns on file.",
            "may_pass_on": "yes",
            "may_share_with_family": "no",
        },
    )
    assert response.status_code == 302 and response["Location"] == workspace
    page = client.get(workspace).content.decode()
    assert "From Dr Amir Khan, GP, by email; recorded on the agency's behalf by" in page
    assert url not in page
    # Once answered, the form is not offered again.
    assert client.get(url).status_code == 400
    partner_page = sign_in(police_member).get(reverse("frontdoor:request", args=[asked.pk]))
    assert "Dr Amir Khan, GP, by email, recorded on your agency's behalf by the MASH" in (
        partner_page.content.decode()
    )


def test_the_page_is_the_mash_teams(sign_in, asked, police_member, screening_officer):
    url = reverse("frontdoor:mash_request_answer_for_agency", args=[asked.pk])
    assert sign_in(police_member).get(url).status_code == 403
    assert sign_in(screening_officer).get(url).status_code == 403
