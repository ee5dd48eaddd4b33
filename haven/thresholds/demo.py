"""A demo threshold decision at Riverside Primary: the DSL's view of the level of need in
the concern about Tyler's broken night. Fictional."""

from __future__ import annotations

from haven.safeguarding.models import Concern
from haven.thresholds import services


def load_riverside_thresholds(*, staff: dict, children: dict) -> None:
    dsl = staff["dsl@riverside.example"]
    org = dsl.organisation
    framework = services.current_framework(org)
    concern = (
        Concern.objects.for_org(org)
        .filter(child=children["tyler"], category__name="Wellbeing")
        .order_by("created_at")
        .first()
    )
    if framework is None or concern is None:
        return
    notes = {
        "Arguments between adults at home that the child is aware of": (
            "Tyler described shouting downstairs through the night."
        ),
        "Low mood, worries or withdrawal noticed by staff": (
            "Head down on the table at registration; quieter than usual all week."
        ),
    }
    _decide(dsl, framework, notes, "early-help", concern=concern)


def load_front_door_thresholds(world: dict) -> None:
    """The senior practitioner's threshold decision on the newest contact waiting for its RAG
    rating: child in need, so the rating page starts at amber (child in need)."""
    from haven.frontdoor.models import Contact, Status

    org = world["organisation"]
    senior = world["staff"]["senior@frontdoor.example"]
    framework = services.current_framework(org)
    contacts = Contact.objects.for_org(org).filter(status=Status.RATING).order_by("-received_at")
    contact = next((c for c in contacts if services.contact_child(c) is not None), None)
    if framework is None or contact is None:
        return
    notes = {
        "Parenting is persistently affected by a parent's mental health, drug or alcohol use, "
        "or learning needs": "The referrer says mum has not left the house for weeks.",
        "Domestic abuse at home that affects the child": (
            "Two police call-outs to the address this month."
        ),
    }
    _decide(senior, framework, notes, "child-in-need", contact=contact)


def _decide(actor, framework, notes: dict[str, str], level: str, **about) -> None:
    """Record a decision ticking the indicators named in ``notes`` (text → note)."""
    version = framework.current_version
    ticked = {
        indicator.pk: notes[indicator.text]
        for indicator in version.indicators.filter(text__in=list(notes))
    }
    services.decision_record(
        actor=actor,
        version=version,
        ticked=ticked,
        chosen_level=version.levels.get(key=level),
        **about,
    )
