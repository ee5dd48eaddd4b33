"""The demo lets a newcomer try every part of programmes."""

from __future__ import annotations

import pytest

from haven.accounts.demo import load_demo
from haven.programmes import queries
from haven.programmes.models import (
    Correction,
    Engagement,
    FollowUpAction,
    OpenAccessSession,
    ServiceDelivery,
)

pytestmark = pytest.mark.django_db


def test_the_st_francis_demo_has_corrections_follow_ups_and_open_access_counts():
    load_demo()
    st_francis = Engagement.unscoped.get(programme__code="SF", child__first_name="Poppy")
    org = st_francis.organisation
    assert (
        Engagement.objects.for_org(org).filter(child=st_francis.child, stage="in_progress").count()
        == 2
    )
    assert (
        ServiceDelivery.objects.for_org(org).filter(entered_in_error_at__isnull=False).count() == 1
    )
    assert Correction.objects.for_org(org).filter(kind="edited").exists()
    overdue = (
        FollowUpAction.objects.for_org(org).filter(done_on__isnull=True).order_by("due_on").first()
    )
    assert overdue.assignee.email.startswith("keyperson@")
    assert queries.my_follow_ups(overdue.assignee)["overdue"] == 1
    sessions = OpenAccessSession.objects.for_org(org)
    assert sessions.filter(entered_in_error_at__isnull=True).count() == 2
    assert sessions.filter(entered_in_error_at__isnull=False).count() == 1
