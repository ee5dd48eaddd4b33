"""Fictional organisations and staff so a newcomer can try Haven at once.

Everything here is invented. The password and the TOTP secret are published in README on
purpose: they exist only in demo databases.
"""

from __future__ import annotations

from base64 import b32decode

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access import roles
from haven.accounts.models import Organisation, Team, User
from haven.accounts.services import organisation_create, team_save, user_create
from haven.frontdoor.demo import FRONT_DOOR_STAFF
from haven.frontdoor.demo import NAME as FRONT_DOOR_NAME
from haven.notifications.models import Kind
from haven.notifications.services import notify

DEMO_PASSWORD = "haven-demo-password"
DEMO_TOTP_SECRET = "HAVENDEMOTOTPKEYFORTESTING234567"

# (email, name, job title, roles, second factor?, line manager's email)
RIVERSIDE_STAFF = [
    (
        "admin@riverside.example",
        "Ada Okafor",
        "School business manager",
        [roles.ADMINISTRATOR],
        True,
        None,
    ),
    (
        "dsl@riverside.example",
        "Dee Lawson",
        "Deputy head and designated safeguarding lead",
        [roles.DSL],
        True,
        None,
    ),
    (
        "deputy@riverside.example",
        "Dan Mistry",
        "Deputy designated safeguarding lead",
        [roles.DEPUTY_DSL],
        True,
        "dsl@riverside.example",
    ),
    (
        "manager@riverside.example",
        "Morgan Reid",
        "Assistant head (pastoral)",
        [roles.LINE_MANAGER],
        True,
        "dsl@riverside.example",
    ),
    (
        "keyperson@riverside.example",
        "Priya Shah",
        "Learning mentor",
        [roles.PRACTITIONER],
        True,
        "manager@riverside.example",
    ),
    (
        "teacher@riverside.example",
        "Sam Carter",
        "Year 3 class teacher",
        [roles.STAFF],
        False,
        "manager@riverside.example",
    ),
    (
        "governor@riverside.example",
        "Gill Hughes",
        "Safeguarding governor",
        [roles.LEADER],
        False,
        None,
    ),
]
ST_FRANCIS_STAFF = [
    (
        "admin@stfrancis.example",
        "Tomasz Nowak",
        "Centre administrator",
        [roles.ADMINISTRATOR],
        True,
        None,
    ),
    (
        "dsl@stfrancis.example",
        "Grace Adeyemi",
        "Centre manager and DSL",
        [roles.DSL, roles.LINE_MANAGER],
        True,
        None,
    ),
    (
        "keyperson@stfrancis.example",
        "Jess Patel",
        "Family support worker",
        [roles.PRACTITIONER],
        True,
        "dsl@stfrancis.example",
    ),
    (
        "staff@stfrancis.example",
        "Ali Hassan",
        "Nursery practitioner",
        [roles.STAFF],
        False,
        "dsl@stfrancis.example",
    ),
]
GUIDANCE = {
    "Riverside Primary School": (
        "If you are worried about a child, tell Dee Lawson (designated safeguarding lead) or "
        "Dan Mistry (deputy) today, in person, and record the concern in Haven.\n\n"
        "If a child is in immediate danger, call 999 first."
    ),
    "St Francis Family Centre": (
        "Speak to Grace Adeyemi, centre manager and DSL, the same day, and record the concern "
        "in Haven. If a child is in immediate danger, call 999."
    ),
}


def demo_totp_key_hex() -> str:
    return b32decode(DEMO_TOTP_SECRET).hex()


def _add_staff(organisation, staff) -> dict[str, User]:
    people: dict[str, User] = {}
    for email, name, title, codes, second_factor, manager in staff:
        user = user_create(
            organisation=organisation,
            email=email,
            full_name=name,
            job_title=title,
            role_codes=codes,
            password=DEMO_PASSWORD,
            line_manager=people.get(manager) if manager else None,
        )
        if second_factor:
            TOTPDevice.objects.create(
                user=user, name="Authenticator app", key=demo_totp_key_hex(), confirmed=True
            )
        people[email] = user
    return people


def _teams(organisation, people, admin, teams) -> None:
    for name, description, emails in teams:
        existing = Team.objects.for_org(organisation).filter(name=name).first()
        team_save(
            actor=admin,
            organisation=organisation,
            team=existing,
            name=name,
            description=description,
            members=[people[e] for e in emails],
        )


@transaction.atomic
def load_demo() -> bool:
    """Create the demo organisations once. Returns False if they were already there."""
    if Organisation.objects.filter(name="Riverside Primary School").exists():
        return False
    riverside = organisation_create(
        name="Riverside Primary School",
        kind=Organisation.Kind.SCHOOL,
        safeguarding_guidance=GUIDANCE["Riverside Primary School"],
    )
    people = _add_staff(riverside, RIVERSIDE_STAFF)
    _teams(
        riverside,
        people,
        people["admin@riverside.example"],
        [
            (
                "Safeguarding team",
                "Designated safeguarding leads and deputies.",
                ["dsl@riverside.example", "deputy@riverside.example"],
            ),
            ("Year 3", "Year 3 teachers and teaching assistants.", ["teacher@riverside.example"]),
            (
                "Pastoral team",
                "Learning mentors and the pastoral lead.",
                ["manager@riverside.example", "keyperson@riverside.example"],
            ),
        ],
    )

    st_francis = organisation_create(
        name="St Francis Family Centre",
        kind=Organisation.Kind.EARLY_YEARS,
        safeguarding_guidance=GUIDANCE["St Francis Family Centre"],
    )
    centre = _add_staff(st_francis, ST_FRANCIS_STAFF)
    _teams(
        st_francis,
        centre,
        centre["admin@stfrancis.example"],
        [
            (
                "Safeguarding team",
                "Designated safeguarding leads and deputies.",
                ["dsl@stfrancis.example"],
            ),
            (
                "St Francis staff",
                "Everyone working at the centre.",
                ["dsl@stfrancis.example", "keyperson@stfrancis.example", "staff@stfrancis.example"],
            ),
        ],
    )
    from haven.people.demo import load_riverside, load_st_francis

    riverside_children = load_riverside(people["dsl@riverside.example"])
    from haven.workforce.demo import load_workforce

    load_workforce(people)
    st_francis_children = load_st_francis(centre["dsl@stfrancis.example"])
    from haven.programmes.demo import load_riverside_programmes, load_st_francis_programmes

    load_st_francis_programmes(
        admin=centre["admin@stfrancis.example"],
        keyperson=centre["keyperson@stfrancis.example"],
        manager=centre["dsl@stfrancis.example"],
        children=st_francis_children,
    )
    load_riverside_programmes(
        admin=people["admin@riverside.example"],
        keyperson=people["keyperson@riverside.example"],
        child=riverside_children["tyler"],
    )
    from haven.safeguarding.demo import load_riverside_concerns, load_st_francis_concerns

    load_riverside_concerns(staff=people, children=riverside_children)
    load_st_francis_concerns(staff=centre, children=st_francis_children)
    from haven.safeguarding.alerts_demo import load_riverside_alerts

    load_riverside_alerts(staff=people, children=riverside_children)
    from haven.thresholds.demo import load_riverside_thresholds

    load_riverside_thresholds(staff=people, children=riverside_children)
    from haven.documents.demo import load_documents

    load_documents(
        dsl=people["dsl@riverside.example"],
        keyperson=people["keyperson@riverside.example"],
        child=riverside_children["tyler"],
    )
    from haven.cases.demo import load_riverside_cases, load_st_francis_cases

    load_riverside_cases(staff=people, children=riverside_children)
    load_st_francis_cases(staff=centre, children=st_francis_children)
    from haven.chronology.demo import load_riverside_transfers

    load_riverside_transfers(staff=people, children=riverside_children)
    from haven.reports.demo import load_riverside_report_history

    load_riverside_report_history(staff=people)
    from haven.frontdoor.demo import load_front_door

    front_door = load_front_door(referring=[riverside, st_francis])
    from haven.thresholds.demo import load_front_door_thresholds

    load_front_door_thresholds(front_door)
    notify(
        recipients=[*people.values(), *centre.values(), *front_door["staff"].values()],
        kind=Kind.ACCOUNT_CHANGED,
        title="Welcome to Haven. Your account is ready.",
        url="/account/",
        email=False,
    )
    return True


def sign_in_table() -> list[tuple[str, str, str, str]]:
    rows = []
    for organisation, staff in (
        ("Riverside Primary School", RIVERSIDE_STAFF),
        ("St Francis Family Centre", ST_FRANCIS_STAFF),
        (FRONT_DOOR_NAME, FRONT_DOOR_STAFF),
    ):
        for email, _name, _title, codes, second_factor, _manager in staff:
            rows.append(
                (
                    organisation,
                    email,
                    ", ".join(roles.label(c) for c in codes),
                    "yes" if second_factor else "no",
                )
            )
    return rows
