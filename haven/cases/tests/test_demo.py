"""The demo lets a newcomer try every part of safeguarding cases."""

import pytest

from haven.accounts.demo import load_demo
from haven.accounts.models import User
from haven.cases import queries
from haven.cases.models import ClosureRequest, SafeguardingCase, Status

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_overdue_case_and_a_closure_request_for_the_line_manager():
    load_demo()
    manager = User.unscoped.get(email="manager@riverside.example")
    riverside = manager.organisation
    overdue = list(queries.overdue_cases(riverside))
    assert [c.child.first_name for c in overdue] == ["Tyler"]
    assert overdue[0].threshold.name == "High"
    assert "child in need plan" in overdue[0].threshold_reason
    assert [e.field_labels for e in overdue[0].edits.all()] == [["Other notifications"]]
    waiting = ClosureRequest.objects.for_org(riverside).get(decision="pending")
    assert waiting.approver == manager
    assert [c.pk for c in queries.closures_awaiting(manager)] == [waiting.pk]
    st_francis = User.unscoped.get(email="dsl@stfrancis.example").organisation
    cases = SafeguardingCase.objects.for_org(st_francis)
    closed = cases.get(status=Status.CLOSED)
    assert closed.engagement.is_open
    assert cases.filter(status=Status.MONITORING, engagement__isnull=False).exists()
