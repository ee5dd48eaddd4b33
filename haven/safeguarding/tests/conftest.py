import pytest

from haven.safeguarding.taxonomy import seed_safeguarding
from haven.safeguarding.tests.records import make_child


@pytest.fixture
def seeded(org):
    """``org`` with its safeguarding settings and the default concern taxonomy."""
    seed_safeguarding(org)
    return org


@pytest.fixture
def child(dsl, seeded):
    return make_child(dsl, "Wilma", "Waters")


@pytest.fixture
def other_children(dsl, seeded):
    return [make_child(dsl, first, "Brook") for first in ("Ada", "Ben", "Cal")]
