"""Reports in a real browser: the DSL reads a chart and its table and narrows it to a year
group; a governor sees counts only, with small numbers hidden."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from haven.core import clock
from haven.reports.tests.records import at, concern
from haven.safeguarding.taxonomy import seed_safeguarding
from haven.safeguarding.tests.records import make_child

pytestmark = pytest.mark.browser


def _early_this_month(hour: int):
    first = clock.today().replace(day=1)
    return at(first.year, first.month, 1, hour)


def test_the_dsl_reads_reports_and_a_governor_sees_counts_only(
    page, new_context, dsl, staff_member, leader, sign_in_browser, accessibility
):
    seed_safeguarding(dsl.organisation)
    ada = make_child(dsl, "Ada", "Brook", year_group="3")
    ben = make_child(dsl, "Ben", "Brook", year_group="5")
    for n in range(6):
        concern(staff_member, ada, _early_this_month(9 + n))
    concern(dsl, ben, _early_this_month(10), category="Bullying")

    sign_in_browser(page, dsl)
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    accessibility.check(page, "reports index")

    page.get_by_role("link", name="Concerns by category and month").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concerns by category and month")
    chart = page.get_by_role("img", name="Concerns by category and month")
    expect(chart).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name="Wellbeing")).to_contain_text("6")
    accessibility.check(page, "concerns by category and month")

    page.get_by_label("Year group").select_option("5")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("table").get_by_role("row", name="Bullying")).to_contain_text("1")
    expect(page.get_by_role("table").get_by_role("row", name="Wellbeing")).to_have_count(0)

    page.get_by_role("link", name="All reports").click()
    page.get_by_role("link", name="Concerns by recorder").click()
    expect(page.get_by_role("table")).to_contain_text("Sol Staff")
    accessibility.check(page, "concerns by recorder")

    governor = new_context().new_page()
    sign_in_browser(governor, leader, second_factor=None)
    governor.get_by_role("link", name="Reports", exact=True).click()
    expect(governor.get_by_role("link", name="Concerns by recorder")).to_have_count(0)
    governor.get_by_role("link", name="Concerns by year group").click()
    table = governor.get_by_role("table")
    expect(table.get_by_role("row", name="Year 3")).to_contain_text("6")
    expect(table.get_by_role("row", name="Year 5")).to_contain_text("<5")
    expect(governor.get_by_text("Figures below 5 are shown")).to_be_visible()
    accessibility.check(governor, "concerns by year group, for a governor")
    governor.get_by_role("link", name="All reports").click()
    governor.get_by_role("link", name="Children with rising concern counts").click()
    expect(governor.get_by_role("table")).to_contain_text("Children with rising concern counts")
    expect(governor.locator("main")).not_to_contain_text("Ada")
    accessibility.assert_clean()
