"""Workforce fixtures: an organisation with its picklists, courses and a few people."""

from __future__ import annotations

from datetime import date

import pytest

from haven.configuration.models import Option
from haven.configuration.services import seed_organisation
from haven.core import clock
from haven.workforce import services
from haven.workforce.models import INDUCTION_ITEMS, RESPONSIBILITIES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def seeded(org):
    seed_organisation(org)
    return org


@pytest.fixture
def option(seeded):
    def _option(list_key: str, label: str) -> Option:
        return Option.objects.for_org(seeded).get(list_key=list_key, label=label)

    return _option


@pytest.fixture
def induction_items(seeded):
    return list(Option.objects.for_org(seeded).filter(list_key=INDUCTION_ITEMS, is_active=True))


@pytest.fixture
def level_2_course(admin, seeded):
    return services.course_save(
        actor=admin,
        data={"name": "Safeguarding children (level 2)", "levels": [1, 2], "validity_months": 36},
    )


@pytest.fixture
def dsl_course(admin, option):
    return services.course_save(
        actor=admin,
        data={
            "name": "Designated safeguarding lead training",
            "levels": [1, 2, 3],
            "validity_months": 24,
            "required_for_responsibilities": [
                option(RESPONSIBILITIES, "Designated safeguarding lead")
            ],
        },
    )


@pytest.fixture
def add_staff(admin, seeded, manager):
    """Add a staff record through the service, as the administrator."""

    def _add(name="Vera Volunteer", **extra):
        data = {
            "full_name": name,
            "post_title": "Play worker",
            "kind": "volunteer",
            "level": 2,
            "started_on": clock.today(),
            "line_manager": manager,
            **extra,
        }
        return services.staff_create(actor=admin, data=data)

    return _add


def years_ago(n: int) -> date:
    today = clock.today()
    try:
        return today.replace(year=today.year - n)
    except ValueError:  # 29 February
        return today.replace(year=today.year - n, day=28)
