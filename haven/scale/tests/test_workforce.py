"""The generated workforce: staff at every level, their training in every state, made once."""

import pytest
from django.db import transaction

from haven.core import clock
from haven.scale.workforce import make_workforce
from haven.workforce import queries
from haven.workforce.models import StaffMember, TrainingRecord
from haven.workforce.queries import Status

pytestmark = pytest.mark.django_db


def _make(org, dsl) -> int:
    return make_workforce(org, dsl, people=60_000, seed=1, today=clock.today())


def test_staff_and_training_come_in_every_state(org, dsl):
    rows = _make(org, dsl)
    staff = StaffMember.objects.for_org(org)
    records = TrainingRecord.objects.for_org(org)
    assert staff.count() == 200 and rows == 200 + records.count()
    assert {1, 2, 3} == set(staff.values_list("level", flat=True))
    assert staff.filter(left_on__isnull=False).exists()
    matrix = queries.compliance(org, queries.current_staff(org))
    states = {row.cells[queries.LEVEL_KEY].status for row in matrix.rows}
    assert {Status.OVERDUE, Status.MISSING, Status.DUE, Status.DONE} <= states
    lines, people = queries.expired_training(org)
    assert people == sum(1 for row in matrix.rows if row.expired) > 0 and lines


def test_an_organisation_with_staff_gets_no_more(org, dsl):
    _make(org, dsl)
    assert _make(org, dsl) == 0
    assert StaffMember.objects.for_org(org).count() == 200


def test_the_same_seed_gives_the_same_workforce(org, dsl):
    def made():
        _make(org, dsl)
        staff = StaffMember.objects.for_org(org).order_by("full_name")
        return list(staff.values_list("full_name", "level", "started_on", "left_on"))

    with transaction.atomic():
        first = made()
        transaction.set_rollback(True)
    assert first == made()
