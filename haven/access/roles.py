"""The roles a member of staff can hold, as data.

A role is a code plus a few facts the rules module reads. Adding a role (the front door's
screening officer, say) means adding an entry here and teaching ``access.rules`` what it
may do — no schema change, no rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    description: str
    # Roles that read children's histories must sign in with a second factor.
    needs_second_factor: bool


STAFF = "staff"
PRACTITIONER = "practitioner"
DSL = "dsl"
DEPUTY_DSL = "deputy_dsl"
LINE_MANAGER = "line_manager"
ADMINISTRATOR = "administrator"
LEADER = "leader"
# The local authority's children's front door (contact service and MASH).
SCREENING_OFFICER = "screening_officer"
SENIOR_PRACTITIONER = "senior_practitioner"
SOCIAL_WORKER = "social_worker"
MASH_MANAGER = "mash_manager"
EARLY_HELP_COORDINATOR = "early_help_coordinator"
EARLY_HELP_MANAGER = "early_help_manager"
PARTNER_AGENCY_MEMBER = "partner_agency_member"

ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        Role(
            STAFF,
            "Member of staff",
            "Records concerns; sees what they recorded and what they were alerted to.",
            needs_second_factor=False,
        ),
        Role(
            PRACTITIONER,
            "Practitioner / key person",
            "Works programme engagements and the cases they are given.",
            needs_second_factor=True,
        ),
        Role(
            DSL,
            "Designated safeguarding lead",
            "Sees every concern and case in the organisation, triages and refers on.",
            needs_second_factor=True,
        ),
        Role(
            DEPUTY_DSL,
            "Deputy designated safeguarding lead",
            "Stands in for the DSL with the same access.",
            needs_second_factor=True,
        ),
        Role(
            LINE_MANAGER,
            "Line manager",
            "Oversees the work of the people they manage and approves case closures.",
            needs_second_factor=True,
        ),
        Role(
            ADMINISTRATOR,
            "Administrator",
            "Manages staff, teams and configuration. Sees no case content by default.",
            needs_second_factor=True,
        ),
        Role(
            LEADER,
            "Leader / governor",
            "Sees anonymised counts in reports; never individual records.",
            needs_second_factor=False,
        ),
        Role(
            SCREENING_OFFICER,
            "Screening officer",
            "Logs contacts into the front door and checks whether the family is known.",
            needs_second_factor=True,
        ),
        Role(
            SENIOR_PRACTITIONER,
            "Senior practitioner",
            "Gives contacts their initial RAG rating and routes them.",
            needs_second_factor=True,
        ),
        Role(
            SOCIAL_WORKER,
            "Social worker",
            "Gathers partner information in the MASH and writes the MASH record.",
            needs_second_factor=True,
        ),
        Role(
            MASH_MANAGER,
            "MASH manager",
            "Reviews MASH records, sets the final RAG rating and decides where a contact goes.",
            needs_second_factor=True,
        ),
        Role(
            EARLY_HELP_COORDINATOR,
            "Early help coordinator",
            "Works the early help contacts passed on by the front door.",
            needs_second_factor=True,
        ),
        Role(
            EARLY_HELP_MANAGER,
            "Early help duty manager",
            "Makes the early help decision on contacts rated green.",
            needs_second_factor=True,
        ),
        Role(
            PARTNER_AGENCY_MEMBER,
            "Partner agency member",
            "Answers MASH information requests addressed to their own agency, and nothing else.",
            needs_second_factor=True,
        ),
    ]
}

ROLE_CHOICES = [(role.code, role.label) for role in ROLES.values()]

# Roles whose holders read children's histories, and so must elevate to do so.
SAFEGUARDING_LEADS = frozenset({DSL, DEPUTY_DSL})
# Front-door staff who work contacts (partner agency members see only their requests).
FRONT_DOOR_STAFF = frozenset(
    {
        SCREENING_OFFICER,
        SENIOR_PRACTITIONER,
        SOCIAL_WORKER,
        MASH_MANAGER,
        EARLY_HELP_COORDINATOR,
        EARLY_HELP_MANAGER,
    }
)
FRONT_DOOR_ROLES = FRONT_DOOR_STAFF | {PARTNER_AGENCY_MEMBER}


def label(code: str) -> str:
    role = ROLES.get(code)
    return role.label if role else code
