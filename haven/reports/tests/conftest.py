import pytest

from haven.safeguarding.taxonomy import seed_safeguarding
from haven.safeguarding.tests.records import make_child


@pytest.fixture
def seeded(org):
    seed_safeguarding(org)
    return org


@pytest.fixture
def children(dsl, seeded):
    """Three children: Year 3, Year 3 and one with no year group recorded."""
    return [
        make_child(dsl, "Ada", "Brook", year_group="3", class_group="3B"),
        make_child(dsl, "Ben", "Brook", year_group="3", class_group="3B"),
        make_child(dsl, "Cal", "Brook"),
    ]
