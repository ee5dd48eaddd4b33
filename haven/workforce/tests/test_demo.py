"""The demo shows every state the compliance matrix can show."""

from __future__ import annotations

import pytest

from haven.accounts.demo import load_demo
from haven.accounts.models import Organisation
from haven.workforce import queries
from haven.workforce.models import LearningNeedsAnalysis, StaffMember, TrainingSession
from haven.workforce.queries import Status

pytestmark = pytest.mark.django_db


def test_the_riverside_demo_has_training_in_every_state():
    load_demo()
    riverside = Organisation.objects.get(name="Riverside Primary School")
    matrix = queries.compliance(riverside, queries.current_staff(riverside))
    statuses = {cell.status for row in matrix.rows for cell in row.cells.values()}
    assert {Status.DONE, Status.DUE, Status.OVERDUE, Status.MISSING} <= statuses
    assert {row.dbs.status for row in matrix.rows} >= {Status.DONE, Status.DUE}
    assert Status.DUE in {row.induction.status for row in matrix.rows}  # one in progress
    volunteers = StaffMember.objects.for_org(riverside).filter(kind="volunteer", user=None)
    assert volunteers.count() >= 1
    assert LearningNeedsAnalysis.objects.for_org(riverside).count() == 1
    assert TrainingSession.objects.for_org(riverside).count() == 1
    lines, people = queries.expired_training(riverside)
    assert people >= 1 and lines
