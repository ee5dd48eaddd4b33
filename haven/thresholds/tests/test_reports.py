"""Reports on threshold decisions: by level, by domain, differences, most-ticked indicators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.reports import queries as report_queries
from haven.thresholds import services
from haven.thresholds.tests.records import indicators, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(dsl, concern, four_tier):
    """Three decisions: one as suggested (child in need by a cluster), one lower than the
    suggestion (early help), one on an always-escalate indicator (child protection)."""
    version = four_tier.current_version
    cluster = indicators(version, "Early help", domains=3)
    urgent = version.indicators.filter(always_escalate=True).first()

    def record(ticks, chosen, rationale=""):
        services.decision_record(
            actor=dsl,
            version=version,
            ticked={i.pk: "" for i in ticks},
            chosen_level=level(version, chosen),
            rationale=rationale,
            concern=concern,
        )

    record(cluster, "Child in need")
    record(cluster, "Early help", rationale="Already engaging with the family hub")
    record([urgent], "Child protection")
    return {"cluster": cluster, "urgent": urgent}


def _build(slug, user):
    filters = report_queries.default_filters()
    return report_queries.REPORTS[slug].build(user, user.organisation, filters)


def test_decisions_by_level_count_chosen_and_suggested(dsl, decided):
    figures = _build("threshold-decisions-by-level", dsl)
    assert figures.rows == [
        ("Early help", [1, 0]),
        ("Child in need", [1, 2]),
        ("Child protection", [1, 1]),
    ]


def test_decisions_by_domain(dsl, decided):
    rows = dict(_build("threshold-decisions-by-domain", dsl).rows)
    assert rows["Parenting capacity"] == [2, 2]
    urgent_domain = decided["urgent"].domain.name
    assert rows[urgent_domain][0] >= 1


def test_differences_by_level_say_which_way_practitioners_went(dsl, decided):
    rows = dict(_build("threshold-differences-by-level", dsl).rows)
    assert rows == {"Child in need": [2, 1, 0], "Child protection": [1, 0, 0]}


def test_differences_by_indicator_list_the_indicators_of_differing_decisions(dsl, decided):
    rows = dict(_build("threshold-differences-by-indicator", dsl).rows)
    assert rows == {i.text: [2, 1] for i in decided["cluster"]}


def test_most_ticked_indicators_by_month(dsl, decided):
    figures = _build("most-ticked-indicators", dsl)
    rows = dict(figures.rows)
    for indicator in decided["cluster"]:
        assert sum(rows[indicator.text]) == 2
        assert rows[indicator.text][-1] == 2  # this month is the last column
    assert figures.rows[-1][0] == decided["urgent"].text


@pytest.mark.parametrize(
    "slug",
    [
        "threshold-decisions-by-level",
        "threshold-decisions-by-domain",
        "threshold-differences-by-level",
        "threshold-differences-by-indicator",
        "most-ticked-indicators",
    ],
)
def test_each_report_page_opens_for_the_dsl_and_costs_the_same_with_more_decisions(
    slug, dsl, concern, four_tier, decided, sign_in, django_assert_num_queries
):
    client = sign_in(dsl)
    url = reverse("reports:report", args=[slug])
    assert client.get(url).status_code == 200
    with django_assert_num_queries(20, exact=False) as first:
        client.get(url)
    version = four_tier.current_version
    for _ in range(3):
        services.decision_record(
            actor=dsl,
            version=version,
            ticked={i.pk: "" for i in indicators(version, "Early help", domains=2)},
            chosen_level=level(version, "Early help"),
            concern=concern,
        )
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200
    assert client.get(reverse("reports:report_csv", args=[slug])).status_code in (200, 302)


def test_a_governor_sees_small_numbers_hidden(leader, decided, sign_in):
    body = (
        sign_in(leader)
        .get(reverse("reports:report", args=["threshold-decisions-by-level"]))
        .content.decode()
    )
    assert "&lt;5" in body or "fewer than 5" in body
