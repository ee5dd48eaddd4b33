"""The screening, rating, allocation and early help pages: who gets in, what a bad form
changes (nothing), and where a good one leads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.access import roles
from haven.audit.models import Action, AuditEvent
from haven.frontdoor import workflow
from haven.frontdoor.models import Consent, Contact, Known, Outcome, Rag, Status
from haven.frontdoor.testing import make_contact, make_front_door, make_person, make_staff, team

pytestmark = pytest.mark.django_db


def _contact_at(front_door, child, actor, status, rating="", **fields):
    contact = make_contact(
        front_door, children=[child], actor=actor, status=status, initial_rag=rating, **fields
    )
    if rating:
        workflow.clock_start(contact, workflow.clock_kind_for(rating), at=contact.received_at)
        contact.save()
    return contact


def _reload(contact):
    return Contact.objects.for_org(contact.organisation).get(pk=contact.pk)


# --- Who gets in --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["contact_screen", "contact_rate", "contact_allocate"])
def test_the_pages_need_signing_in(client, contact, name):
    response = client.get(reverse(f"frontdoor:{name}", args=[contact.pk]))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize(
    ("name", "who"),
    [
        ("contact_screen", "police_member"),
        ("contact_screen", "early_help_manager"),
        ("contact_rate", "screening_officer"),
        ("contact_rate", "social_worker"),
        ("contact_allocate", "screening_officer"),
        ("contact_early_help", "senior_practitioner"),
        ("contact_early_help", "police_member"),
    ],
)
def test_each_page_refuses_other_roles(request, sign_in, contact, name, who):
    client = sign_in(request.getfixturevalue(who))
    assert client.get(reverse(f"frontdoor:{name}", args=[contact.pk])).status_code == 403
    assert client.post(reverse(f"frontdoor:{name}", args=[contact.pk]), {}).status_code == 403


def test_another_front_doors_contact_is_not_found(sign_in, contact):
    elsewhere = make_front_door("Southborough Children's Front Door")
    stranger = make_staff(elsewhere, roles.SENIOR_PRACTITIONER, "Stan Stranger")
    client = sign_in(stranger)
    for name in ("contact_screen", "contact_rate", "contact_allocate"):
        assert client.get(reverse(f"frontdoor:{name}", args=[contact.pk])).status_code == 404
    assert client.get(reverse("frontdoor:contact_screen", args=[999999])).status_code == 404


def test_a_school_dsl_is_refused(sign_in, dsl, contact):
    response = sign_in(dsl).get(reverse("frontdoor:contact_screen", args=[contact.pk]))
    assert response.status_code == 403


def test_without_the_second_factor_the_page_asks_for_it(sign_in, screening_officer, contact):
    client = sign_in(screening_officer, elevated=False)
    response = client.get(reverse("frontdoor:contact_screen", args=[contact.pk]))
    assert response.status_code == 302 and "/elevate/" in response["Location"]


# --- Screening ----------------------------------------------------------------------------


def test_the_screening_page_shows_the_checks_and_is_audited(
    sign_in, screening_officer, contact, fd_child
):
    response = sign_in(screening_officer).get(
        reverse("frontdoor:contact_screen", args=[contact.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert fd_child.full_name in page and "Nothing recorded" in page
    assert AuditEvent.objects.filter(
        action=Action.VIEW, object_id=str(contact.pk), person_id=fd_child.pk
    ).exists()


def test_screening_a_contact_sends_it_for_rating(sign_in, screening_officer, contact):
    response = sign_in(screening_officer).post(
        reverse("frontdoor:contact_screen", args=[contact.pk]),
        {"known": Known.NOT_KNOWN, "note": "Nothing on any system."},
    )
    assert response.status_code == 302 and response["Location"] == "/front-door/"
    assert _reload(contact).status == Status.RATING


def test_screening_an_open_family_passes_it_to_the_chosen_worker(
    sign_in, screening_officer, social_worker, contact
):
    response = sign_in(screening_officer).post(
        reverse("frontdoor:contact_screen", args=[contact.pk]),
        {"known": Known.OPEN, "note": "Open to Sasha.", "allocated_worker": social_worker.pk},
    )
    assert response.status_code == 302
    contact = _reload(contact)
    assert contact.status == Status.PASSED_TO_WORKER and contact.allocated_worker == social_worker


def test_an_open_family_without_a_worker_is_refused_and_nothing_changes(
    sign_in, screening_officer, contact
):
    response = sign_in(screening_officer).post(
        reverse("frontdoor:contact_screen", args=[contact.pk]),
        {"known": Known.OPEN, "note": "Open to someone."},
    )
    assert response.status_code == 400
    assert "Choose the allocated worker" in response.content.decode()
    assert "Open to someone." in response.content.decode()
    assert _reload(contact).status == Status.SCREENING


def test_a_worker_of_another_organisation_is_not_a_choice(sign_in, screening_officer, contact):
    elsewhere = make_front_door("Southborough Children's Front Door")
    stranger = make_staff(elsewhere, roles.SOCIAL_WORKER, "Stan Stranger")
    response = sign_in(screening_officer).post(
        reverse("frontdoor:contact_screen", args=[contact.pk]),
        {"known": Known.OPEN, "note": "Open.", "allocated_worker": stranger.pk},
    )
    assert response.status_code == 400
    assert _reload(contact).status == Status.SCREENING


def test_a_screened_contact_says_so_instead_of_a_form(
    sign_in, screening_officer, front_door, fd_child
):
    contact = _contact_at(front_door, fd_child, screening_officer, Status.RATING)
    client = sign_in(screening_officer)
    response = client.get(reverse("frontdoor:contact_screen", args=[contact.pk]))
    assert response.status_code == 400
    assert "awaiting rag rating: there is nothing to do here" in response.content.decode()
    response = client.post(
        reverse("frontdoor:contact_screen", args=[contact.pk]),
        {"known": Known.KNOWN, "note": "x"},
    )
    assert response.status_code == 400
    assert _reload(contact).known == ""


# --- Rating -------------------------------------------------------------------------------


def test_the_rating_page_shows_each_route_and_the_consent_problem(
    sign_in, senior_practitioner, front_door, fd_child
):
    contact = _contact_at(
        front_door, fd_child, senior_practitioner, Status.RATING, consent=Consent.REFUSED
    )
    response = sign_in(senior_practitioner).get(
        reverse("frontdoor:contact_rate", args=[contact.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The MASH manager" in page and "Social work allocation" in page
    assert "Not without consent" in page


def test_the_rating_page_warns_that_a_previously_known_family_goes_to_the_mash_manager(
    sign_in, senior_practitioner, front_door, fd_child
):
    contact = _contact_at(
        front_door, fd_child, senior_practitioner, Status.RATING, known=Known.PREVIOUSLY_KNOWN
    )
    page = (
        sign_in(senior_practitioner)
        .get(reverse("frontdoor:contact_rate", args=[contact.pk]))
        .content.decode()
    )
    assert "known to children&#x27;s social care before" in page


def test_a_red_rating_goes_to_the_mash_manager(sign_in, senior_practitioner, front_door, fd_child):
    contact = _contact_at(front_door, fd_child, senior_practitioner, Status.RATING)
    response = sign_in(senior_practitioner).post(
        reverse("frontdoor:contact_rate", args=[contact.pk]),
        {"rating": Rag.RED, "rationale": "Baby with a head injury."},
    )
    assert response.status_code == 302 and response["Location"] == "/front-door/"
    contact = _reload(contact)
    assert contact.status == Status.MASH_MANAGER and contact.due_at is not None


def test_an_amber_child_in_need_rating_leads_on_to_allocation(
    sign_in, senior_practitioner, front_door, fd_child
):
    contact = _contact_at(front_door, fd_child, senior_practitioner, Status.RATING)
    response = sign_in(senior_practitioner).post(
        reverse("frontdoor:contact_rate", args=[contact.pk]),
        {"rating": Rag.AMBER_CIN, "rationale": "Needs support."},
    )
    assert response["Location"] == f"/front-door/contacts/{contact.pk}/allocate/"


def test_a_child_in_need_rating_without_consent_is_refused_with_the_reason(
    sign_in, senior_practitioner, front_door, fd_child
):
    contact = _contact_at(
        front_door, fd_child, senior_practitioner, Status.RATING, consent=Consent.NOT_SOUGHT
    )
    response = sign_in(senior_practitioner).post(
        reverse("frontdoor:contact_rate", args=[contact.pk]),
        {"rating": Rag.AMBER_CIN, "rationale": "Needs support."},
    )
    assert response.status_code == 400
    assert "consent to the referral was not sought" in response.content.decode()
    assert _reload(contact).status == Status.RATING


def test_the_meeting_box_with_a_red_rating_is_a_form_error(
    sign_in, senior_practitioner, front_door, fd_child
):
    contact = _contact_at(front_door, fd_child, senior_practitioner, Status.RATING)
    response = sign_in(senior_practitioner).post(
        reverse("frontdoor:contact_rate", args=[contact.pk]),
        {"rating": Rag.RED, "rationale": "x", "threshold_uncertain": "on"},
    )
    assert response.status_code == 400
    assert _reload(contact).status == Status.RATING


# --- Allocation ---------------------------------------------------------------------------


def test_allocating_to_a_team(sign_in, senior_practitioner, front_door, fd_child):
    contact = _contact_at(front_door, fd_child, senior_practitioner, Status.ALLOCATION, "amber_cin")
    team_b = team(front_door, "Social work team B")
    client = sign_in(senior_practitioner)
    page = client.get(reverse("frontdoor:contact_allocate", args=[contact.pk])).content.decode()
    assert "Social work team B" in page and "Early help</label>" not in page
    response = client.post(
        reverse("frontdoor:contact_allocate", args=[contact.pk]),
        {"action": "allocate", "team": team_b.pk},
    )
    assert response.status_code == 302
    contact = _reload(contact)
    assert (contact.outcome, contact.outcome_team) == (Outcome.SOCIAL_WORK_TEAM, team_b)


def test_allocating_without_a_team_is_a_form_error(
    sign_in, senior_practitioner, front_door, fd_child
):
    contact = _contact_at(front_door, fd_child, senior_practitioner, Status.ALLOCATION, "amber_cin")
    response = sign_in(senior_practitioner).post(
        reverse("frontdoor:contact_allocate", args=[contact.pk]), {"action": "allocate"}
    )
    assert response.status_code == 400
    assert "Choose the social work team" in response.content.decode()


def test_taking_it_to_the_allocation_meeting(sign_in, senior_practitioner, front_door, fd_child):
    contact = _contact_at(front_door, fd_child, senior_practitioner, Status.ALLOCATION, "amber_cin")
    response = sign_in(senior_practitioner).post(
        reverse("frontdoor:contact_allocate", args=[contact.pk]),
        {"action": "meeting", "note": "Trajectory unclear."},
    )
    assert response.status_code == 302
    contact = _reload(contact)
    assert contact.status == Status.ALLOCATION and contact.threshold_uncertain


def test_stepping_up_from_allocation(sign_in, mash_manager, front_door, fd_child):
    contact = _contact_at(front_door, fd_child, mash_manager, Status.ALLOCATION, "amber_cin")
    response = sign_in(mash_manager).post(
        reverse("frontdoor:contact_allocate", args=[contact.pk]),
        {"action": "step_up", "note": "Disclosure."},
    )
    assert response.status_code == 302
    assert _reload(contact).status == Status.MASH_MANAGER


# --- Early help ---------------------------------------------------------------------------


def test_early_help_takes_then_decides(sign_in, early_help_manager, front_door, fd_child):
    contact = _contact_at(front_door, fd_child, early_help_manager, Status.EARLY_HELP, "green")
    url = reverse("frontdoor:contact_early_help", args=[contact.pk])
    client = sign_in(early_help_manager)
    assert "Take this contact" in client.get(url).content.decode()
    response = client.post(url, {"action": "take"})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Take this contact" not in page and "Taken by early help (Eli Early)" in page
    response = client.post(
        url, {"decision": "offer", "offer": "advice", "rationale": "Advice on routines."}
    )
    assert response.status_code == 302
    contact = _reload(contact)
    assert (contact.outcome, contact.early_help_offer) == (Outcome.EARLY_HELP, "advice")


def test_an_offer_without_what_is_offered_is_a_form_error(
    sign_in, early_help_manager, front_door, fd_child
):
    contact = _contact_at(front_door, fd_child, early_help_manager, Status.EARLY_HELP, "green")
    response = sign_in(early_help_manager).post(
        reverse("frontdoor:contact_early_help", args=[contact.pk]),
        {"decision": "offer", "rationale": "x"},
    )
    assert response.status_code == 400
    assert "Choose the early help offered" in response.content.decode()
    assert _reload(contact).status == Status.EARLY_HELP


def test_early_help_steps_a_contact_up(sign_in, early_help_manager, front_door, fd_child):
    contact = _contact_at(front_door, fd_child, early_help_manager, Status.EARLY_HELP, "green")
    response = sign_in(early_help_manager).post(
        reverse("frontdoor:contact_early_help", args=[contact.pk]),
        {"decision": "step_up", "rationale": "Bruising seen at the home visit."},
    )
    assert response.status_code == 302
    assert _reload(contact).status == Status.MASH_MANAGER


def test_the_screening_page_costs_the_same_however_many_people_and_contacts(
    sign_in, screening_officer, front_door
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(n):
        children = [make_person(screening_officer, first=f"C{n}x{i}") for i in range(n)]
        contact = make_contact(front_door, children=children, actor=screening_officer)
        for child in children:
            make_contact(front_door, children=[child], actor=screening_officer)
        client = sign_in(screening_officer)
        url = reverse("frontdoor:contact_screen", args=[contact.pk])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        # Reading is audited once per child; everything else is a fixed set of queries.
        return [
            q["sql"]
            for q in captured.captured_queries
            if "audit_" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]

    assert len(queries_for(1)) == len(queries_for(4))
