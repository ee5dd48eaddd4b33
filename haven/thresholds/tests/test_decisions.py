"""Recording a threshold decision: the suggestion is the server's, the rationale required
when the practitioner chooses otherwise."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from haven.chronology.models import Entry
from haven.core.errors import DomainError, NotAllowed
from haven.thresholds import services
from haven.thresholds.models import ThresholdDecision
from haven.thresholds.tests.records import indicators, level

pytestmark = pytest.mark.django_db


def _record(actor, concern, version, ticks, chosen, rationale=""):
    return services.decision_record(
        actor=actor,
        version=version,
        ticked={i.pk: f"note on {i.text}" for i in ticks},
        chosen_level=level(version, chosen),
        rationale=rationale,
        concern=concern,
    )


def test_three_early_help_indicators_in_three_domains_suggest_child_in_need(
    dsl, concern, four_tier
):
    version = four_tier.current_version
    ticks = indicators(version, "Early help", domains=3)
    decision = _record(dsl, concern, version, ticks, "Child in need")
    assert decision.suggested_level.name == "Child in need"
    assert decision.rationale == ""
    assert decision.child == concern.child
    assert [t.note for t in decision.ticked.all()] == [f"note on {i.text}" for i in ticks]


def test_choosing_a_level_other_than_the_suggestion_needs_a_rationale(dsl, concern, four_tier):
    version = four_tier.current_version
    ticks = indicators(version, "Early help", domains=3)
    with pytest.raises(DomainError, match="the framework suggests Child in need: say why"):
        _record(dsl, concern, version, ticks, "Early help")
    assert not ThresholdDecision.objects.for_org(concern.organisation).exists()
    decision = _record(
        dsl, concern, version, ticks, "Early help", rationale="Family already engaging"
    )
    assert decision.differs


def test_the_database_also_refuses_a_different_level_without_a_rationale(dsl, concern, four_tier):
    version = four_tier.current_version
    decision = _record(dsl, concern, version, [], "Universal")
    with pytest.raises(IntegrityError), transaction.atomic():
        ThresholdDecision.objects.for_org(concern.organisation).filter(pk=decision.pk).update(
            chosen_level=level(version, "Child protection")
        )


def test_an_always_escalate_indicator_suggests_child_protection(dsl, concern, four_tier):
    version = four_tier.current_version
    urgent = version.indicators.filter(always_escalate=True).first()
    decision = _record(dsl, concern, version, [urgent], "Child protection")
    assert decision.suggested_level.name == "Child protection"


def test_the_decision_is_in_the_childs_chronology_in_the_concerns_scope(dsl, concern, four_tier):
    version = four_tier.current_version
    ticks = indicators(version, "Early help", domains=3)
    decision = _record(dsl, concern, version, ticks, "Early help", rationale="Already engaging")
    entry = Entry.objects.for_org(concern.organisation).get(
        source_type="thresholds.thresholddecision", source_id=decision.pk
    )
    assert entry.child == concern.child
    assert entry.scope == f"concern:{concern.pk}"
    assert entry.summary.startswith("Threshold decision: Early help (Four-tier needs matrix)")
    assert "suggested Child in need: Already engaging" in entry.summary


def test_only_the_safeguarding_leads_record_one_on_a_concern(
    staff_member, manager, concern, four_tier
):
    version = four_tier.current_version
    for actor in (staff_member, manager):
        with pytest.raises(NotAllowed):
            _record(actor, concern, version, [], "Universal")


def test_an_indicator_of_another_version_is_refused(admin, dsl, concern, four_tier, frameworks):
    from haven.thresholds.models import Framework

    other = Framework.objects.for_org(frameworks).exclude(pk=four_tier.pk).first()
    stray = other.current_version.indicators.first()
    version = four_tier.current_version
    with pytest.raises(DomainError, match="not in this framework"):
        services.decision_record(
            actor=dsl,
            version=version,
            ticked={stray.pk: ""},
            chosen_level=level(version, "Universal"),
            concern=concern,
        )
    with pytest.raises(DomainError, match="this framework's levels"):
        services.decision_record(
            actor=dsl,
            version=version,
            ticked={},
            chosen_level=other.current_version.levels.first(),
            concern=concern,
        )
