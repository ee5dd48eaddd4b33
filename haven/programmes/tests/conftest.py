import datetime

import pytest

from haven.configuration.models import Option
from haven.configuration.services import seed_organisation
from haven.people import services as people_services
from haven.programmes import services


@pytest.fixture
def seeded(org):
    seed_organisation(org)
    return org


@pytest.fixture
def option(seeded):
    def _option(list_key, label=None):
        rows = Option.objects.for_org(seeded).filter(list_key=list_key)
        return rows.get(label=label) if label else rows.first()

    return _option


@pytest.fixture
def st_francis(seeded, admin):
    programme = services.programme_save(
        actor=admin,
        data={
            "name": "St Francis Family Centre",
            "code": "sf",
            "status": "active",
            "start_date": datetime.date(2020, 1, 1),
        },
    )
    for name in ("Nursery", "Trip", "Stay and Play"):
        services.service_save(actor=admin, programme=programme, data={"name": name})
    return programme


@pytest.fixture
def service(st_francis):
    return lambda name: st_francis.services.get(name=name)


@pytest.fixture
def child(dsl, seeded):
    def _child(first="Bugs", last="Bunny", born=datetime.date(2021, 6, 25)):
        return people_services.person_create(
            actor=dsl,
            data={"kind": "child", "first_name": first, "last_name": last, "date_of_birth": born},
            address={"address_line_1": "1 Warren Lane"},
            duplicate_reason="test data",
        )

    return _child


@pytest.fixture
def engage(key_person, st_francis):
    def _engage(child, *, actor=None, referral=None, **data):
        return services.engagement_create(
            actor=actor or key_person,
            child=child,
            programme=st_francis,
            data={
                "referral_date": referral or datetime.date.today() - datetime.timedelta(days=60),
                "key_person": key_person,
                **data,
            },
        )

    return _engage
