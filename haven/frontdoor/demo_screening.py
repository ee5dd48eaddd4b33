"""Demo contacts before the MASH, worked through the services as the front door would.

* A family open to a social worker: screened and passed straight to that worker.
* A family known to children's social care before, screened and awaiting its RAG rating
  (the rating page says it goes to the MASH manager whatever the rating).
* A red contact rated an hour ago, with the MASH manager: 3 hours left.
* An amber child-in-need contact awaiting social work allocation.
* An amber child-protection contact rated yesterday morning and not yet decided: its
  24 hours have run out (``haven send_reminders`` tells the MASH manager).
* A green contact taken by the early help duty manager, the decision due in 10 working days.
* A green contact decided: signposted to the family hub.

Every name is invented.
"""

from __future__ import annotations

from datetime import date, timedelta

from haven.core import clock
from haven.frontdoor.models import Consent, Known, Rag, Source
from haven.frontdoor.services.intake import ContactData, contact_create
from haven.frontdoor.services.screening import (
    EarlyHelpDecision,
    contact_early_help_decide,
    contact_early_help_take,
    contact_rate,
    contact_screen,
)
from haven.people import services as people_services
from haven.people.models import Flag

SCREENING = "screening@frontdoor.example"
SENIOR = "senior@frontdoor.example"
SOCIAL_WORKER = "social.worker@frontdoor.example"
EARLY_HELP = "early.help@frontdoor.example"

NOTHING_FOUND = "No record on the case management system, the early help system or the "
NOTHING_FOUND += "residents index."


def _born(years: int, days: int = 0) -> date:
    today = clock.today()
    return today.replace(year=today.year - years) - timedelta(days=days)


def _child(actor, first, last, years, line, postcode="NB4 1QT"):
    return people_services.person_create(
        actor=actor,
        data={
            "kind": "child",
            "first_name": first,
            "last_name": last,
            "date_of_birth": _born(years),
        },
        address={"address_line_1": line, "postcode": postcode},
        duplicate_reason="Demo data",
    )


def _log(staff, child, concerns, *, minutes_ago=30, consent=Consent.GIVEN, **extra):
    values = {
        "source": Source.INTER_AGENCY,
        "received_at": clock.now() - timedelta(minutes=minutes_ago),
        "referrer_name": "Rosa Quint",
        "referrer_role": "Designated safeguarding lead",
        "referrer_agency": "Brookfield Primary School",
        "referrer_email": "rosa.quint@brookfield.example",
        "concerns": concerns,
        "parents_informed": True,
        "consent": consent,
        "children": [child],
        **extra,
    }
    return contact_create(actor=staff[SCREENING], data=ContactData(**values))


def _screened(staff, contact, known=Known.NOT_KNOWN, note=NOTHING_FOUND):
    return contact_screen(contact=contact, actor=staff[SCREENING], known=known, note=note)


def load(world: dict) -> dict:
    staff = world["staff"]
    officer, senior = staff[SCREENING], staff[SENIOR]
    made = {}

    # Open to an allocated worker: straight to them.
    leo = _child(officer, "Leo", "Marsh", 9, "4 Quarry Lane")
    people_services.flag_start(
        person=leo,
        actor=senior,
        flag=Flag.CHILD_IN_NEED_PLAN,
        start_date=clock.today() - timedelta(days=120),
        allocated_worker="Sasha Reid",
    )
    contact = _log(
        staff, leo, "Leo told his teacher there is no food at home again this week.", minutes_ago=90
    )
    made["passed_to_worker"] = contact_screen(
        contact=contact,
        actor=officer,
        known=Known.OPEN,
        note="Open to Sasha Reid on a child in need plan since the summer.",
        allocated_worker=staff[SOCIAL_WORKER],
    )

    # Known before: awaiting its rating, bound for the MASH manager.
    ivy = _child(officer, "Ivy", "Dorrell", 12, "21 Canal Street", "NB3 6RA")
    plan = people_services.flag_start(
        person=ivy,
        actor=senior,
        flag=Flag.CHILD_PROTECTION_PLAN,
        start_date=clock.today() - timedelta(days=900),
    )
    people_services.flag_end(
        status=plan, actor=senior, end_date=clock.today() - timedelta(days=400)
    )
    contact = _log(
        staff,
        ivy,
        "Ivy has missed eleven days this half term; she says she looks after her mother, who "
        "is drinking again.",
        minutes_ago=50,
    )
    made["awaiting_rating"] = _screened(
        staff,
        contact,
        Known.PREVIOUSLY_KNOWN,
        "Child protection plan for neglect, ended last year. No current involvement.",
    )

    # Red, with the MASH manager.
    with clock.travel(-timedelta(hours=1)):
        ezra = _child(officer, "Ezra", "Lund", 1, "7 Foundry Court", "NB2 4HE")
        contact = _log(
            staff,
            ezra,
            "Health visitor found bruising to Ezra's ear and cheek; his mother could not "
            "explain it.",
            minutes_ago=25,
            source=Source.TELEPHONE,
            referrer_role="Health visitor",
            referrer_agency="Northborough Community Health",
        )
        made["red"] = contact_rate(
            contact=_screened(staff, contact),
            actor=senior,
            rating=Rag.RED,
            rationale="Unexplained bruising to a non-mobile baby: risk of significant harm.",
        )

    # Amber, child in need: awaiting allocation.
    with clock.travel(-timedelta(hours=3)):
        mina = _child(officer, "Mina", "Farrow", 7, "33 Orchard Rise")
        contact = _log(
            staff,
            mina,
            "Mina's father has been admitted to hospital; her mother has a disability and is "
            "struggling to get her to school.",
        )
        made["amber_cin"] = contact_rate(
            contact=_screened(staff, contact),
            actor=senior,
            rating=Rag.AMBER_CIN,
            rationale="A child in need of support while her father is in hospital; no "
            "indication of harm. The family agrees to an assessment.",
        )

    # Amber, child protection: its 24 hours have run out.
    with clock.travel(-timedelta(hours=27)):
        theo = _child(officer, "Theo", "Brannigan", 14, "2 Weir Cottages", "NB5 9PD")
        contact = _log(
            staff,
            theo,
            "Theo has been seen getting into cars with older men near the station after "
            "school; he has new trainers and a phone his family cannot account for.",
            source=Source.POLICE,
            police_rag="amber",
            referrer_name="PC Ade Holt",
            referrer_role="Police officer",
            referrer_agency="Northborough Police",
            referrer_email="",
        )
        made["breached"] = contact_rate(
            contact=_screened(staff, contact),
            actor=senior,
            rating=Rag.AMBER_CP,
            rationale="Signs of criminal exploitation: risk of significant harm.",
        )

    # Green: taken by early help two days ago.
    with clock.travel(-timedelta(days=2, hours=2)):
        ruby = _child(officer, "Rubie", "Okafor", 5, "16 Linden Walk")
        contact = _log(
            staff,
            ruby,
            "Rubie's mother asked the school for help with sleep and routines since the baby "
            "arrived.",
        )
        made["early_help"] = contact_rate(
            contact=_screened(staff, contact),
            actor=senior,
            rating=Rag.GREEN,
            rationale="Parenting support; no safeguarding concerns.",
        )
    with clock.travel(-timedelta(days=2)):
        contact_early_help_take(contact=made["early_help"], actor=staff[EARLY_HELP])

    # Green: decided.
    with clock.travel(-timedelta(days=6)):
        sam = _child(officer, "Sami", "Iqbal", 10, "48 Elm Parade", "NB1 2XW")
        contact = _log(
            staff,
            sam,
            "Sami is anxious about moving to secondary school; his father asked for advice.",
        )
        contact = contact_rate(
            contact=_screened(staff, contact),
            actor=senior,
            rating=Rag.GREEN,
            rationale="Low-level worry, met by universal services.",
        )
    with clock.travel(-timedelta(days=5)):
        made["decided"] = contact_early_help_decide(
            contact=contact,
            actor=staff[EARLY_HELP],
            decision=EarlyHelpDecision.SIGNPOST,
            rationale="Signposted to the family hub's transition group, which Sami's father "
            "will book.",
            feedback_to_referrer="Thank you. The family has been given details of the family "
            "hub's transition group.",
        )
    return made
