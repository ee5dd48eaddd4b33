"""A guided threshold decision on a front-door contact, alongside its RAG rating."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.access import roles
from haven.chronology.models import Entry
from haven.frontdoor.testing import make_contact, make_front_door, make_person, make_staff
from haven.thresholds.models import ThresholdDecision
from haven.thresholds.services import current_framework
from haven.thresholds.tests.records import level

pytestmark = pytest.mark.django_db


@pytest.fixture
def front_door(db):
    return make_front_door()


@pytest.fixture
def senior(front_door):
    return make_staff(front_door, roles.SENIOR_PRACTITIONER, "Sian Senior")


@pytest.fixture
def contact(front_door, senior):
    child = make_person(senior, first="Milo", last="Hart")
    return make_contact(front_door, children=[child], actor=senior)


def test_a_senior_practitioner_records_a_decision_that_maps_to_a_rag_rating(
    senior, contact, sign_in
):
    version = current_framework(contact.organisation).current_version
    urgent = version.indicators.filter(always_escalate=True).first()
    client = sign_in(senior)
    url = reverse("thresholds:contact_decide", args=[contact.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Milo" in page.content.decode()
    response = client.post(
        url,
        {
            "indicator": [str(urgent.pk)],
            f"note-{urgent.pk}": "Police report: missing overnight",
            "chosen_level": level(version, "Child protection").pk,
            "action": "save",
        },
    )
    assert response["Location"] == reverse("frontdoor:contact", args=[contact.pk])
    decision = ThresholdDecision.objects.for_org(contact.organisation).get()
    assert decision.contact == contact and decision.child.first_name == "Milo"
    assert decision.chosen_level.get_rag_rating_display() == "Red"
    body = client.get(reverse("frontdoor:contact", args=[contact.pk])).content.decode()
    assert "Police report: missing overnight" in body and "RAG Red" in body
    entry = Entry.objects.for_org(contact.organisation).get(
        source_type="thresholds.thresholddecision"
    )
    assert entry.scope == f"contact:{contact.pk}"


def test_a_screening_officer_sees_decisions_but_may_not_make_one(front_door, contact, sign_in):
    officer = make_staff(front_door, roles.SCREENING_OFFICER, "Sam Screener")
    client = sign_in(officer)
    assert client.get(reverse("thresholds:contact_decide", args=[contact.pk])).status_code == 403
    body = client.get(reverse("frontdoor:contact", args=[contact.pk])).content.decode()
    assert "Threshold decisions" in body
    assert "Decide the level of need" not in body


def test_a_school_dsl_may_not_use_the_front_doors_decision(dsl, contact, sign_in):
    response = sign_in(dsl).get(reverse("thresholds:contact_decide", args=[contact.pk]))
    assert response.status_code == 403
