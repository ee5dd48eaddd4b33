"""Reads for the threshold pages, scoped to the user's organisation."""

from __future__ import annotations

from django.http import Http404

from haven.thresholds.models import Framework, FrameworkVersion, ThresholdDecision


def frameworks(organisation):
    return (
        Framework.objects.for_org(organisation)
        .select_related("current_version")
        .order_by("-in_use", "name")
    )


def get_framework(user, pk: int) -> Framework:
    framework = frameworks(user.organisation).filter(pk=pk).first()
    if framework is None or framework.current_version is None:
        raise Http404
    return framework


def versions(framework):
    return (
        FrameworkVersion.objects.for_org(framework.organisation)
        .filter(framework=framework)
        .select_related("created_by")
        .order_by("-number")
    )


def version_contents(version):
    """Levels, and domains each with its indicators grouped by level: four queries."""
    levels = list(version.levels.all())
    domains = list(version.domains.all())
    rows = list(version.indicators.order_by("domain__position", "level__position", "position"))
    by_level = {level.pk: level for level in levels}
    for domain in domains:
        domain.rows = [i for i in rows if i.domain_id == domain.pk]
        for indicator in domain.rows:
            indicator.level_row = by_level[indicator.level_id]
    return levels, domains, rows


def decisions_for_concern(concern):
    return decisions_for(concern.organisation, concern=concern)


def decisions_for_case(case):
    return decisions_for(case.organisation, case=case)


def decisions_for_contact(contact):
    return decisions_for(contact.organisation, contact=contact)


def decisions_for(organisation, **subject):
    """The threshold decisions on one subject (``concern=``, ``case=`` or ``contact=``),
    oldest first, with their ticked indicators: two queries however many there are."""
    decisions = list(
        ThresholdDecision.objects.for_org(organisation)
        .filter(**subject)
        .select_related("chosen_level", "suggested_level", "version", "decided_by")
        .order_by("created_at", "pk")
    )
    if decisions:
        from haven.thresholds.models import TickedIndicator

        ticked = (
            TickedIndicator.objects.for_org(organisation)
            .filter(decision__in=decisions)
            .select_related("indicator__domain", "indicator__level")
            .order_by("decision", "indicator__domain__position", "indicator__position")
        )
        by_decision = {}
        for row in ticked:
            by_decision.setdefault(row.decision_id, []).append(row)
        for decision in decisions:
            decision.ticked_rows = by_decision.get(decision.pk, [])
    return decisions
