import datetime

import pytest

from haven.cases import services
from haven.cases.models import CaseThreshold
from haven.configuration.models import Option
from haven.configuration.services import seed_organisation
from haven.core import clock
from haven.people import services as people_services


@pytest.fixture
def seeded(org):
    seed_organisation(org)
    services.thresholds_seed(org)
    return org


@pytest.fixture
def high(seeded):
    return CaseThreshold.objects.for_org(seeded).get(name="High")


@pytest.fixture
def low(seeded):
    return CaseThreshold.objects.for_org(seeded).get(name="Low")


@pytest.fixture
def option(seeded):
    def _option(list_key, label=None):
        rows = Option.objects.for_org(seeded).filter(list_key=list_key)
        return rows.get(label=label) if label else rows.first()

    return _option


@pytest.fixture
def make_child(dsl, seeded):
    def _child(first="Bugs", last="Bunny", born=datetime.date(2019, 6, 25)):
        return people_services.person_create(
            actor=dsl,
            data={"kind": "child", "first_name": first, "last_name": last, "date_of_birth": born},
            address={"address_line_1": "1 Warren Lane"},
            duplicate_reason="test data",
        )

    return _child


@pytest.fixture
def child(make_child):
    return make_child()


@pytest.fixture
def case_data(option, low, key_person, manager):
    def _data(**changes):
        return {
            "case_type": option("case_type", "Safeguarding"),
            "category": option("case_category", "Emotional abuse"),
            "incident_at": clock.now() - datetime.timedelta(hours=2),
            "threshold": low,
            "description": "Said at drop-off that there was shouting at home all weekend.",
            "raised_with_name": "Max Manager",
            "raised_with_job_title": "Centre manager",
            "raised_with_role": "Deputy DSL",
            "actions_agreed": "Speak with mum at pick-up; DSL to check for earlier concerns.",
            "owner": key_person,
            "manager": manager,
            **changes,
        }

    return _data


@pytest.fixture
def open_case(key_person, child, case_data):
    def _open(*, actor=None, child=child, engagement=None, **changes):
        return services.case_open(
            actor=actor or key_person,
            child=child,
            data=case_data(**changes),
            engagement=engagement,
        )

    return _open
