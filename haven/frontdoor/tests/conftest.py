"""The front door's personas: one of each role, the social worker and MASH manager in the
MASH team, partner members of the police and of health, and the front door's administrator."""

import pytest

from haven.access import roles
from haven.frontdoor.models import AgencyKind
from haven.frontdoor.testing import agency, make_contact, make_front_door, make_person, make_staff


@pytest.fixture
def front_door(db):
    return make_front_door()


@pytest.fixture
def screening_officer(front_door):
    return make_staff(front_door, roles.SCREENING_OFFICER, "Sam Screener")


@pytest.fixture
def senior_practitioner(front_door):
    return make_staff(front_door, roles.SENIOR_PRACTITIONER, "Priya Senior")


@pytest.fixture
def social_worker(front_door):
    return make_staff(front_door, roles.SOCIAL_WORKER, "Sasha Worker", teams=["MASH"])


@pytest.fixture
def mash_manager(front_door):
    return make_staff(front_door, roles.MASH_MANAGER, "Morgan Manager", teams=["MASH"])


@pytest.fixture
def early_help_manager(front_door):
    return make_staff(front_door, roles.EARLY_HELP_MANAGER, "Eli Early", teams=["Early help"])


@pytest.fixture
def early_help_coordinator(front_door):
    return make_staff(
        front_door, roles.EARLY_HELP_COORDINATOR, "Cora Coordinator", teams=["Early help"]
    )


@pytest.fixture
def police_member(front_door):
    return make_staff(
        front_door,
        roles.PARTNER_AGENCY_MEMBER,
        "Percy Police",
        agencies=[agency(front_door, AgencyKind.POLICE)],
    )


@pytest.fixture
def health_member(front_door):
    return make_staff(
        front_door,
        roles.PARTNER_AGENCY_MEMBER,
        "Hana Health",
        agencies=[agency(front_door, AgencyKind.HEALTH)],
    )


@pytest.fixture
def front_door_admin(front_door):
    return make_staff(front_door, roles.ADMINISTRATOR, "Ada Admin")


@pytest.fixture
def fd_child(screening_officer):
    return make_person(screening_officer)


@pytest.fixture
def contact(front_door, fd_child, screening_officer):
    return make_contact(front_door, children=[fd_child], actor=screening_officer)
