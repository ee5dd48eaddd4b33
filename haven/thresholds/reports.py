"""Reports on threshold decisions, in the style of haven.reports: each is one or two GROUP BY
queries over the organisation's decisions in the period; Python only lays out the grouped
rows. They join the list of reports (``register``), so the reports pages, their access rules,
small-number suppression for leaders and CSV downloads apply to them unchanged.

Levels and domains are grouped by name, so a framework edited into a new version counts as
one framework as long as its names stay the same.
"""

from __future__ import annotations

from django.db.models import Count, F, Q

from haven.reports.figures import COLUMN_TOTALS, Figures
from haven.thresholds.models import ThresholdDecision, TickedIndicator

MOST_TICKED_LIMIT = 20


def decisions(organisation, filters):
    rows = ThresholdDecision.objects.for_org(organisation).filter(
        created_at__gte=filters.since, created_at__lt=filters.before
    )
    if filters.year_group:
        value = "" if filters.year_group == "none" else filters.year_group
        rows = rows.filter(child__year_group=value)
    if filters.team is not None:
        rows = rows.filter(decided_by__teams=filters.team)
    return rows


def ticked(organisation, filters):
    return TickedIndicator.objects.for_org(organisation).filter(
        decision__in=decisions(organisation, filters)
    )


def _ordered(grouped, name: str, position: str) -> list[str]:
    """Names in the order of their levels (lowest first), then by name."""
    seen: dict[str, int] = {}
    for row in grouped:
        seen[row[name]] = min(seen.get(row[name], row[position]), row[position])
    return sorted(seen, key=lambda n: (seen[n], n))


def decisions_by_level(user, organisation, filters) -> Figures:
    chosen = list(
        decisions(organisation, filters)
        .values(name=F("chosen_level__name"), position=F("chosen_level__position"))
        .annotate(n=Count("id"))
        .order_by()
    )
    suggested = list(
        decisions(organisation, filters)
        .values(name=F("suggested_level__name"), position=F("suggested_level__position"))
        .annotate(n=Count("id"))
        .order_by()
    )
    totals: dict[str, list[int]] = {}
    for index, grouped in enumerate((chosen, suggested)):
        for row in grouped:
            totals.setdefault(row["name"], [0, 0])[index] += row["n"]
    names = _ordered(chosen + suggested, "name", "position")
    return Figures(
        row_heading="Level",
        columns=["Chosen", "Suggested"],
        rows=[(name, totals[name]) for name in names],
        chart_unit="decisions",
        with_totals=False,
        note="Each decision counts once as chosen and once as suggested.",
    )


def decisions_by_domain(user, organisation, filters) -> Figures:
    grouped = (
        ticked(organisation, filters)
        .values(name=F("indicator__domain__name"))
        .annotate(decisions=Count("decision", distinct=True), indicators=Count("id"))
        .order_by("name")
    )
    return Figures(
        row_heading="Domain",
        columns=["Decisions", "Indicators ticked"],
        rows=[(row["name"], [row["decisions"], row["indicators"]]) for row in grouped],
        chart_unit="decisions",
        with_totals=False,
        note="A decision with indicators in several domains counts in each of them.",
    )


def _lower_higher():
    return {
        "total": Count("id"),
        "lower": Count("id", filter=Q(chosen_level__position__lt=F("suggested_level__position"))),
        "higher": Count("id", filter=Q(chosen_level__position__gt=F("suggested_level__position"))),
    }


def differences_by_level(user, organisation, filters) -> Figures:
    grouped = list(
        decisions(organisation, filters)
        .values(name=F("suggested_level__name"), position=F("suggested_level__position"))
        .annotate(**_lower_higher())
        .order_by()
    )
    by_name: dict[str, list[int]] = {}
    for row in grouped:
        cells = by_name.setdefault(row["name"], [0, 0, 0])
        cells[0] += row["total"]
        cells[1] += row["lower"]
        cells[2] += row["higher"]
    names = _ordered(grouped, "name", "position")
    return Figures(
        row_heading="Suggested level",
        columns=["Decisions", "Chose a lower level", "Chose a higher level"],
        rows=[(name, by_name[name]) for name in names],
        chart=COLUMN_TOTALS,
        chart_unit="decisions",
        note="How often practitioners chose differently from the framework's suggestion: "
        "a prompt for training, or for revising the framework.",
    )


def differences_by_indicator(user, organisation, filters) -> Figures:
    differs = ~Q(decision__chosen_level=F("decision__suggested_level"))
    grouped = (
        ticked(organisation, filters)
        .values(name=F("indicator__text"))
        .annotate(total=Count("id"), differed=Count("id", filter=differs))
        .filter(differed__gt=0)
        .order_by("-differed", "name")[:MOST_TICKED_LIMIT]
    )
    return Figures(
        row_heading="Indicator",
        columns=["Ticked", "In decisions that differed from the suggestion"],
        rows=[(row["name"], [row["total"], row["differed"]]) for row in grouped],
        chart_unit="decisions",
        with_totals=False,
        note=f"The {MOST_TICKED_LIMIT} indicators most often ticked in such decisions.",
    )


def most_ticked_by_month(user, organisation, filters) -> Figures:
    from haven.reports.queries import _month_label, counts_by_month, months_between

    months = months_between(filters.start, filters.end)
    grouped = (
        ticked(organisation, filters)
        .values(name=F("indicator__text"))
        .annotate(**counts_by_month("decision__created_at", months, filters))
        .order_by()
    )
    counts = {row["name"]: [row[f"m{i}"] for i in range(len(months))] for row in grouped}
    top = sorted(counts, key=lambda name: (-sum(counts[name]), name))
    return Figures(
        row_heading="Indicator",
        columns=[_month_label(m) for m in months],
        rows=[(name, counts[name]) for name in top[:MOST_TICKED_LIMIT]],
        chart_unit="ticks",
        note=f"The {MOST_TICKED_LIMIT} indicators ticked most often in the period.",
    )


def register() -> None:
    """Add the threshold reports to the list of reports."""
    from haven.reports.queries import REPORTS, ReportKind

    for kind in (
        ReportKind(
            "threshold-decisions-by-level",
            "Threshold decisions by level",
            "How many threshold decisions chose, and were suggested, each level.",
            decisions_by_level,
        ),
        ReportKind(
            "threshold-decisions-by-domain",
            "Threshold decisions by domain",
            "Which domains of need the indicators in threshold decisions came from.",
            decisions_by_domain,
        ),
        ReportKind(
            "threshold-differences-by-level",
            "Threshold decisions that differed from the suggestion, by level",
            "How often practitioners chose a level other than the framework suggested.",
            differences_by_level,
        ),
        ReportKind(
            "threshold-differences-by-indicator",
            "Threshold decisions that differed from the suggestion, by indicator",
            "The indicators most often ticked when practitioners chose differently.",
            differences_by_indicator,
        ),
        ReportKind(
            "most-ticked-indicators",
            "Most-ticked threshold indicators by month",
            "The indicators ticked most often in threshold decisions, month by month.",
            most_ticked_by_month,
        ),
    ):
        REPORTS.setdefault(kind.slug, kind)
