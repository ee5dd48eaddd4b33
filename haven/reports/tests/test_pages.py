"""The report pages and downloads: who may open them, what leaders see, the chart, the CSV
and the audit trail."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.audit.models import AuditEvent
from haven.core import clock
from haven.reports.tests.records import at, concern
from haven.safeguarding.models import ConcernCategory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _recent(days: int):
    return clock.now() - timedelta(days=days)


def _this_month(hour: int):
    """A time early this month (UK time), so the test reads the same on any day."""
    first = clock.today().replace(day=1)
    return at(first.year, first.month, 1, hour)


@pytest.fixture
def recorded(dsl, staff_member, children):
    """Six concerns this month by the member of staff about Ada, one by the DSL about Ben,
    and one entered in error."""
    for n in range(6):
        concern(staff_member, children[0], _this_month(9 + n))
    concern(dsl, children[1], _this_month(10), category="Bullying")
    concern(dsl, children[1], _this_month(11), category="Bullying", in_error=True)


def _page(client, slug, **query):
    return client.get(f"/reports/{slug}/", query)


def _chart(response):
    found = re.search(rb"<svg.*?</svg>", response.content, re.S)
    assert found, "the page has no chart"
    return ET.fromstring(found.group(0))  # noqa: S314 - our own page's markup


def test_the_dsl_sees_full_figures_and_who_recorded_them(sign_in, dsl, recorded):
    client = sign_in(dsl)
    response = _page(client, "concerns-by-recorder")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Sol Staff" in text and "Dana Lead" in text
    rows = dict((r[0], r[1]) for r in response.context["shown"].rows)
    assert rows == {"Sol Staff": 6, "Dana Lead": 1}


def test_the_chart_is_well_formed_svg_with_a_text_alternative_of_its_figures(
    sign_in, dsl, recorded
):
    svg = _chart(_page(sign_in(dsl), "concerns-by-recorder"))
    assert svg.get("role") == "img"
    labelled_by = svg.get("aria-labelledby").split()
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert [title.get("id"), desc.get("id")] == labelled_by
    assert title.text == "Concerns by recorder"
    assert "Sol Staff: 6" in desc.text and "Dana Lead: 1" in desc.text
    # Each figure is written beside its bar, not told by colour alone.
    assert {t.text for t in svg.iter(f"{SVG}text")} >= {"Sol Staff", "6", "Dana Lead", "1"}


def test_leaders_see_counts_with_small_numbers_and_revealing_totals_hidden(
    sign_in, leader, recorded
):
    response = _page(sign_in(leader), "concerns-by-year-group")
    assert response.status_code == 200
    shown = response.context["shown"]
    # Year 3: six concerns about Ada, one about Ben: 7. No year group: none.
    assert [row[:2] for row in shown.rows] == [["Year 3", 7]]
    response = _page(sign_in(leader), "concerns-by-category")
    shown = response.context["shown"]
    rows = {row[0]: row for row in shown.rows}
    month = shown.header.index(f"{clock.today():%b %Y}")
    assert rows["Bullying"][month] == "<5"
    assert rows["Wellbeing"][month] == 6
    # The other months are empty, and so hidden too: every total would give one away.
    assert rows["Wellbeing"][-1] == "<5"
    assert shown.total_row[-1] == "<5"
    assert "fewer than 5" in _chart(response).find(f"{SVG}desc").text


def test_leaders_see_no_names_of_staff_or_children(sign_in, leader, recorded, children):
    client = sign_in(leader)
    index = client.get("/reports/")
    assert b"Concerns by recorder" not in index.content
    assert _page(client, "concerns-by-recorder").status_code == 403
    assert client.get("/reports/concerns-by-recorder/csv/").status_code == 403
    for slug in ("rising-concerns", "overdue-reviews", "concerns-by-category"):
        text = _page(client, slug).content.decode()
        for name in ("Ada", "Ben", "Brook", "Sol Staff", "Dana Lead"):
            assert name not in text, (slug, name)
    rising = _page(client, "rising-concerns").context["shown"]
    assert [row[0] for row in rising.rows] == ["Children with rising concern counts"]


def test_the_dsl_sees_the_children_with_rising_concerns(sign_in, dsl, recorded):
    rows = _page(sign_in(dsl), "rising-concerns").context["shown"].rows
    assert [row[:3] for row in rows] == [["Ada Brook", 6, 0], ["Ben Brook", 1, 0]]


@pytest.mark.parametrize("persona", ["staff_member", "key_person", "admin"])
def test_staff_without_a_reporting_role_are_refused(sign_in, persona, request):
    client = sign_in(request.getfixturevalue(persona))
    assert client.get("/reports/").status_code == 403
    assert _page(client, "concerns-by-category").status_code == 403


def test_an_unknown_report_is_not_found(sign_in, dsl):
    assert _page(sign_in(dsl), "no-such-report").status_code == 404


def test_a_period_that_ends_before_it_starts_is_explained_not_an_error(sign_in, dsl, recorded):
    response = _page(
        sign_in(dsl), "concerns-by-category", date_from="01/06/2026", date_to="01/05/2026"
    )
    assert response.status_code == 400
    assert b"The end of the period is before its start." in response.content


def test_viewing_and_downloading_are_audited_with_the_filters(sign_in, dsl, recorded):
    client = sign_in(dsl)
    query = {"date_from": "01/01/2026", "date_to": "30/06/2026", "year_group": "3"}
    _page(client, "concerns-by-category", **query)
    client.get("/reports/concerns-by-category/csv/", query)
    events = AuditEvent.objects.filter(actor=dsl, action__in=["view", "export"]).order_by("seq")
    assert [(e.action, e.detail["report"]) for e in events] == [
        ("view", "concerns-by-category"),
        ("export", "concerns-by-category"),
    ]
    assert events[0].detail["filters"] == {
        "from": "2026-01-01",
        "to": "2026-06-30",
        "year_group": "3",
        "team": None,
    }


def test_the_csv_neutralises_spreadsheet_formulas(sign_in, dsl, children):
    evil = ConcernCategory.objects.create(organisation=dsl.organisation, name="=HYPERLINK(1)")
    for start in ("+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        ConcernCategory.objects.create(organisation=dsl.organisation, name=start)
    made = concern(dsl, children[0], _recent(1))
    made.category = evil
    made.save(update_fields=["category"])
    for start in ("+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        other = concern(dsl, children[0], _recent(1))
        other.category = ConcernCategory.objects.for_org(dsl.organisation).get(name=start)
        other.save(update_fields=["category"])
    response = sign_in(dsl).get("/reports/concerns-by-category/csv/")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    body = "\n".join(lines)
    assert "'=HYPERLINK(1)" in body
    assert "'+1" in body and "'-1" in body and "'@SUM(A1)" in body
    assert not any(line.startswith(("=", "+", "-", "@")) for line in lines)


def _queries_for(client, slug) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert _page(client, slug).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "slug",
    ["concerns-by-category", "concerns-by-recorder", "time-to-action", "rising-concerns"],
)
def test_a_report_costs_the_same_queries_with_ten_times_the_concerns(
    sign_in, dsl, staff_member, children, slug
):
    client = sign_in(dsl)
    concern(staff_member, children[0], _recent(1))
    _page(client, slug)  # warm the session
    few = _queries_for(client, slug)
    for n in range(20):
        concern(staff_member if n % 2 else dsl, children[n % 3], _recent(n % 20 + 1))
    assert _queries_for(client, slug) == few


def test_a_year_group_and_a_team_narrow_the_page_and_say_so(sign_in, dsl, staff_member, recorded):
    from haven.accounts.models import Team

    team = Team.objects.create(organisation=dsl.organisation, name="Year 3 team")
    team.members.add(staff_member)
    response = _page(sign_in(dsl), "concerns-by-category", year_group="3", team=team.pk)
    assert response.status_code == 200
    assert b"Year 3." in response.content and b"Team: Year 3 team." in response.content
    rows = {row[0]: row[-1] for row in response.context["shown"].rows}
    assert rows == {"Wellbeing": 6}


def test_another_organisations_team_is_refused_with_a_message(sign_in, dsl, stranger, recorded):
    from haven.accounts.models import Team

    theirs = Team.objects.create(organisation=stranger.organisation, name="Elsewhere team")
    response = _page(sign_in(dsl), "concerns-by-category", team=theirs.pk)
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
