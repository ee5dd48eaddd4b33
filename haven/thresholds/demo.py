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
    version = framework.current_version
    notes = {
        "Arguments between adults at home that the child is aware of": (
            "Tyler described shouting downstairs through the night."
        ),
        "Low mood, worries or withdrawal noticed by staff": (
            "Head down on the table at registration; quieter than usual all week."
        ),
    }
    ticked = {
        indicator.pk: notes[indicator.text]
        for indicator in version.indicators.filter(text__in=list(notes))
    }
    services.decision_record(
        actor=dsl,
        version=version,
        ticked=ticked,
        chosen_level=version.levels.get(key="early-help"),
        concern=concern,
    )
