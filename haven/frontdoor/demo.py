"""The demo front door: Northborough's children's contact service and MASH.

One member of staff per front-door role, partner members for the police and health, and the
two demo Haven organisations pointed at it, so a DSL's referral arrives here. Each stage of
the work adds its own demo contacts from its own module (``demo_*.py``).
"""

from __future__ import annotations

from haven.access import roles
from haven.accounts.models import Organisation, Team
from haven.frontdoor.models import AgencyKind, PartnerAgency

NAME = "Northborough Children's Front Door"

# (email, name, job title, roles, second factor?, line manager's email)
FRONT_DOOR_STAFF = [
    (
        "admin@frontdoor.example",
        "Femi Adeyemi",
        "Systems administrator",
        [roles.ADMINISTRATOR],
        True,
        None,
    ),
    (
        "mash.manager@frontdoor.example",
        "Morgan Hale",
        "MASH manager",
        [roles.MASH_MANAGER],
        True,
        None,
    ),
    (
        "screening@frontdoor.example",
        "Sam Patel",
        "Screening officer",
        [roles.SCREENING_OFFICER],
        True,
        "mash.manager@frontdoor.example",
    ),
    (
        "senior@frontdoor.example",
        "Priya Senior",
        "Senior practitioner",
        [roles.SENIOR_PRACTITIONER],
        True,
        "mash.manager@frontdoor.example",
    ),
    (
        "social.worker@frontdoor.example",
        "Sasha Reid",
        "MASH social worker",
        [roles.SOCIAL_WORKER],
        True,
        "mash.manager@frontdoor.example",
    ),
    (
        "early.help@frontdoor.example",
        "Eli Brooks",
        "Early help duty manager",
        [roles.EARLY_HELP_MANAGER],
        True,
        None,
    ),
    (
        "eh.coordinator@frontdoor.example",
        "Cora Lind",
        "Early help coordinator",
        [roles.EARLY_HELP_COORDINATOR],
        True,
        "early.help@frontdoor.example",
    ),
    (
        "police@frontdoor.example",
        "DC Percy Marsh",
        "Police public protection desk",
        [roles.PARTNER_AGENCY_MEMBER],
        True,
        None,
    ),
    (
        "health@frontdoor.example",
        "Hana Okoro",
        "MASH health practitioner",
        [roles.PARTNER_AGENCY_MEMBER],
        True,
        None,
    ),
    (
        "education@frontdoor.example",
        "Ed Walsh",
        "Education safeguarding officer",
        [roles.PARTNER_AGENCY_MEMBER],
        True,
        None,
    ),
]
TEAM_MEMBERS = {
    "MASH": ["mash.manager@frontdoor.example", "social.worker@frontdoor.example"],
    "Early help": ["early.help@frontdoor.example", "eh.coordinator@frontdoor.example"],
}
AGENCY_MEMBERS = {
    AgencyKind.POLICE: "police@frontdoor.example",
    AgencyKind.HEALTH: "health@frontdoor.example",
    AgencyKind.EDUCATION: "education@frontdoor.example",
}


def load_front_door(*, referring: list[Organisation]) -> dict:
    """Create the front door and its staff; point ``referring`` organisations at it."""
    from haven.accounts.demo import _add_staff
    from haven.accounts.services import organisation_create

    front_door = organisation_create(name=NAME, kind=Organisation.Kind.FRONT_DOOR)
    staff = _add_staff(front_door, FRONT_DOOR_STAFF)
    for team_name, emails in TEAM_MEMBERS.items():
        Team.objects.for_org(front_door).get(name=team_name).members.add(
            *[staff[e] for e in emails]
        )
    for kind, email in AGENCY_MEMBERS.items():
        PartnerAgency.objects.for_org(front_door).get(kind=kind).members.add(staff[email])
    for organisation in referring:
        organisation.front_door = front_door
        organisation.save(update_fields=["front_door"])
    world = {"organisation": front_door, "staff": staff}
    _load_stages(world)
    return world


def _load_stages(world: dict) -> None:
    """Each stage's demo contacts, in the order the work happens."""
    from haven.frontdoor import demo_intake

    demo_intake.load(world)

    from haven.frontdoor import demo_screening

    demo_screening.load(world)

    from haven.frontdoor import demo_mash

    demo_mash.load(world)

    from haven.frontdoor import demo_referrals

    demo_referrals.load(world)
