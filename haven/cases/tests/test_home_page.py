"""The DSL's home page costs a fixed number of queries, with every panel full: their cases and
tasks, closure requests to decide, every open case by owner, concerns awaiting triage, unread
alerts, a cumulative concern alert and notifications. 3 open cases or 30, the same count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.cases import services
from haven.cases.models import SafeguardingCase
from haven.core import clock
from haven.safeguarding.tests.records import concern_records

pytestmark = pytest.mark.django_db


def _fill(dsl, key_person, manager, child, case_data, count: int) -> None:
    """``count`` more open cases (every other one overdue), a closure request to the DSL for
    every third, and ``count`` concerns alerting the DSL, recorded by two people about the
    same child (so a cumulative concern alert is raised too)."""
    owners = [key_person, manager, dsl]
    for index in range(count):
        owner = owners[index % len(owners)]
        case = services.case_open(actor=dsl, child=child, data=case_data(owner=owner))
        if index % 2:
            SafeguardingCase.unscoped.filter(pk=case.pk).update(
                next_update_due=clock.today() - timedelta(days=3)
            )
        if index % 3 == 0:
            services.case_request_closure(
                case=case, actor=owner, approver=dsl, comments="Actions done; family settled."
            )
        recorder = key_person if index % 2 else manager
        concern_records(recorder, child, alert_people=[dsl])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_dsl_home_page_costs_the_same_with_every_panel_full(
    sign_in, dsl, key_person, manager, child, case_data, django_assert_num_queries
):
    _fill(dsl, key_person, manager, child, case_data, 3)
    client = sign_in(dsl)
    home = reverse("core:home")
    client.get(home)
    at_three = _queries(client, home)
    _fill(dsl, key_person, manager, child, case_data, 27)
    with django_assert_num_queries(at_three):
        response = client.get(home)
    context = response.context
    # Every panel has rows in it, so the count above covers each one's queries.
    assert context["summary"]["total"] == 30 and context["summary"]["overdue"] == 10
    assert len(context["summary"]["by_owner"]) == 3
    assert context["mine"]["total"] == 10 and context["mine"]["overdue"] >= 1
    assert len(context["awaiting"]) == 10
    assert context["waiting"] == 30 and len(context["oldest"]) == 5
    assert context["cumulative_count"] >= 1
    assert context["total"] >= 1 and context["tasks"]
    assert context["recent_notifications"]
    page = response.content.decode()
    assert "Bugs Bunny" in page
