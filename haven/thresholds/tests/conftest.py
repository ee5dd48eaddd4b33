import pytest

from haven.safeguarding.tests.records import concern_records, make_child
from haven.thresholds.services import current_framework, seed_frameworks


@pytest.fixture
def frameworks(org):
    """``org`` with the example frameworks (the four-tier matrix in use)."""
    seed_frameworks(org)
    return org


@pytest.fixture
def four_tier(frameworks):
    return current_framework(frameworks)


@pytest.fixture
def concern(dsl, staff_member, frameworks):
    child = make_child(dsl, "Wilma", "Waters")
    return concern_records(staff_member, child).concern
