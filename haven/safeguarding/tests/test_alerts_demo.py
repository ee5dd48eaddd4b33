"""The demo gives newcomers alerts to read, concerns to triage and a cumulative alert."""

import pytest
from django.core.management import call_command

from haven.accounts.models import Organisation, User
from haven.safeguarding import alerts, triage
from haven.safeguarding.models import CumulativeAlert, TriageDecision

pytestmark = pytest.mark.django_db


def test_the_demo_has_alerts_triage_and_a_cumulative_alert():
    call_command("load_demo")
    riverside = Organisation.objects.get(name="Riverside Primary School")
    dsl = User.objects.for_org(riverside).get(email="dsl@riverside.example")
    teacher = User.objects.for_org(riverside).get(email="teacher@riverside.example")
    assert alerts.unread_count(dsl) >= 1
    assert alerts.unread_count(teacher) >= 1
    assert triage.awaiting_triage(dsl).count() >= 2
    # The referral demo adds concerns of its own, which may raise another.
    assert CumulativeAlert.objects.for_org(riverside).filter(acknowledged_at=None).count() >= 1
    outcomes = set(TriageDecision.objects.for_org(riverside).values_list("outcome", flat=True))
    assert {"monitor", "nfa"} <= outcomes
