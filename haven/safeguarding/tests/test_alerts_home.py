"""Home page panels and the cumulative concern alert pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.core import clock, paging
from haven.core.templatetags.haven import tally
from haven.core.testing.factories import UserFactory
from haven.people import services as people_services
from haven.safeguarding.models import Concern, CumulativeAlert
from haven.safeguarding.tests.records import concern_records, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(org):
    return UserFactory(organisation=org, full_name="Tess Teacher", roles=["staff"])


def recorded(recorder, child, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return concern_records(recorder, child, **kwargs).concern


def on_plan(dsl, first: str):
    child = make_child(dsl, first, "Planned")
    people_services.flag_start(person=child, actor=dsl, flag="cp_plan", start_date=clock.today())
    return child


def test_a_dsls_home_shows_alerts_triage_and_cumulative_alerts(teacher, dsl, child, sign_in):
    concern = recorded(teacher, child, alert_people=[dsl])
    recorded(teacher, on_plan(dsl, "Pip"))
    body = sign_in(dsl).get(reverse("core:home")).content.decode()
    assert "My unread alerts" in body and f"Concern {concern.number}" in body
    assert "2 concerns waiting for a decision" in body
    assert "Cumulative concern alerts" in body and "1 to acknowledge" in body


def test_a_member_of_staff_sees_their_alerts_but_no_triage(teacher, staff_member, child, sign_in):
    recorded(teacher, child, alert_people=[staff_member])
    body = sign_in(staff_member).get(reverse("core:home")).content.decode()
    assert "You have 1 unread alert." in body
    assert "awaiting triage" not in body and "Cumulative concern alerts" not in body


def test_the_dsls_home_costs_the_same_however_much_there_is(
    teacher, dsl, child, sign_in, django_assert_num_queries
):
    client = sign_in(dsl)
    recorded(teacher, child, alert_people=[dsl])
    recorded(teacher, on_plan(dsl, "Pip"))
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("core:home"))
    for name in ("Quin", "Rue", "Sol"):
        recorded(teacher, child, alert_people=[dsl])
        recorded(teacher, on_plan(dsl, name))
    with django_assert_num_queries(len(before.captured_queries)):
        body = client.get(reverse("core:home")).content.decode()
    assert "8 concerns waiting for a decision" in body and "4 to acknowledge" in body


def test_the_home_page_counts_a_backlog_no_further_than_the_limit(teacher, dsl, child, sign_in):
    for _ in range(3):
        recorded(teacher, child, alert_people=[dsl])
    client = sign_in(dsl)
    assert "3 concerns waiting" in client.get(reverse("core:home")).content.decode()

    rows = Concern.objects.for_org(dsl.organisation).filter(decided_at__isnull=True)
    assert paging.capped_count(rows, limit=2) == 3
    assert paging.capped_count(rows, limit=3) == 3
    assert paging.capped_count(rows, limit=5) == 3


@pytest.mark.parametrize(
    ("count", "words"), [(0, "0"), (7, "7"), (1000, "1,000"), (1001, "more than 1,000")]
)
def test_a_capped_count_in_words(count, words):
    assert tally(count) == words


def test_the_cumulative_list_shows_open_alerts_and_a_dsl_acknowledges_one(teacher, dsl, sign_in):
    recorded(teacher, on_plan(dsl, "Pip"))
    cumulative = CumulativeAlert.objects.for_org(dsl.organisation).get()
    client = sign_in(dsl)
    page = client.get(reverse("safeguarding:cumulative_alerts"))
    assert page.context["cumulative_alerts"] == [cumulative]
    response = client.post(reverse("safeguarding:cumulative_acknowledge", args=[cumulative.pk]))
    assert response.headers["Location"] == reverse("safeguarding:cumulative_alerts")
    cumulative.refresh_from_db()
    assert cumulative.acknowledged_by == dsl and cumulative.acknowledged_at is not None
    assert client.get(reverse("safeguarding:cumulative_alerts")).context["cumulative_alerts"] == []
    shown = client.get(reverse("safeguarding:cumulative_alerts"), {"show": "acknowledged"})
    assert shown.context["cumulative_alerts"] == [cumulative]
    # Twice is once: the second says so and changes nothing.
    again = client.post(
        reverse("safeguarding:cumulative_acknowledge", args=[cumulative.pk]), follow=True
    )
    assert b"already been acknowledged" in again.content


def test_only_leads_see_or_acknowledge_cumulative_alerts(
    teacher, dsl, key_person, stranger, sign_in
):
    recorded(teacher, on_plan(dsl, "Pip"))
    cumulative = CumulativeAlert.objects.for_org(dsl.organisation).get()
    url = reverse("safeguarding:cumulative_acknowledge", args=[cumulative.pk])
    assert sign_in(key_person).get(reverse("safeguarding:cumulative_alerts")).status_code == 403
    assert sign_in(key_person).post(url).status_code == 403
    assert sign_in(stranger).post(url).status_code == 404
    assert (
        sign_in(stranger)
        .get(reverse("safeguarding:cumulative_alerts"))
        .context["cumulative_alerts"]
        == []
    )
    cumulative.refresh_from_db()
    assert cumulative.acknowledged_at is None
