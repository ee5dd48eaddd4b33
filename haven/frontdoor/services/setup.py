"""Setting up a front-door organisation: its teams, partner agencies and settings."""

from __future__ import annotations

from haven.accounts.models import Team
from haven.frontdoor.models import AgencyKind, FrontDoorSettings, PartnerAgency

# The agencies a MASH usually asks, in the order they are listed. Administrators rename,
# add and retire them; adult social care is where contacts about adults only are passed.
DEFAULT_AGENCIES = [
    ("Police", AgencyKind.POLICE, True),
    ("Health", AgencyKind.HEALTH, True),
    ("Probation", AgencyKind.PROBATION, True),
    ("Education", AgencyKind.EDUCATION, True),
    ("Substance misuse service", AgencyKind.SUBSTANCE_MISUSE, True),
    ("Domestic abuse service", AgencyKind.DOMESTIC_ABUSE, True),
    ("CAMHS", AgencyKind.CAMHS, True),
    ("Youth early help", AgencyKind.YOUTH_EARLY_HELP, True),
    ("Adult social care", AgencyKind.ADULT_SERVICES, False),
]
DEFAULT_TEAMS = [
    ("MASH", "The multi-agency safeguarding hub: social workers and the MASH manager."),
    ("Early help", "The early help duty manager and coordinators."),
    ("Social work team A", "Child and family assessments."),
    ("Social work team B", "Child and family assessments."),
]


def seed_front_door(organisation) -> FrontDoorSettings:
    """Give a new front-door organisation its default teams, agencies and settings.
    Safe to run again: it adds only what is missing."""
    teams = {}
    for name, description in DEFAULT_TEAMS:
        teams[name], _ = Team.objects.for_org(organisation).get_or_create(
            organisation=organisation, name=name, defaults={"description": description}
        )
    agencies = {}
    for position, (name, kind, answers) in enumerate(DEFAULT_AGENCIES):
        agencies[kind], _ = PartnerAgency.objects.for_org(organisation).get_or_create(
            organisation=organisation,
            name=name,
            defaults={"kind": kind, "answers_information_requests": answers, "position": position},
        )
    settings, _ = FrontDoorSettings.objects.for_org(organisation).get_or_create(
        organisation=organisation,
        defaults={
            "mash_team": teams["MASH"],
            "early_help_team": teams["Early help"],
            "domestic_abuse_service": agencies[AgencyKind.DOMESTIC_ABUSE],
            "adult_services": agencies[AgencyKind.ADULT_SERVICES],
        },
    )
    return settings


def front_door_settings(organisation) -> FrontDoorSettings:
    """The organisation's settings, made on first use if an older organisation lacks them."""
    found = FrontDoorSettings.objects.for_org(organisation).select_related("mash_team").first()
    return found or seed_front_door(organisation)
