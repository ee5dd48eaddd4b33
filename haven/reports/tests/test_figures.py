"""Each report's figures, checked against data counted by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from haven.accounts.models import Team
from haven.cases.tests.records import case_records
from haven.core import clock
from haven.programmes.tests.records import programme_records
from haven.reports import queries
from haven.reports.tests.records import action_after, at, concern, decision_after

pytestmark = pytest.mark.django_db

SPRING = queries.Filters(start=date(2026, 1, 1), end=date(2026, 3, 31))


def figures(report, user, filters=SPRING):
    built = queries.REPORTS[report].build(user, user.organisation, filters)
    return dict(built.rows), built


def test_concerns_are_counted_by_category_and_month_leaving_out_mistakes_and_other_dates(
    dsl, children
):
    ada, ben, _ = children
    concern(dsl, ada, at(2026, 1, 5), category="Bullying")
    concern(dsl, ben, at(2026, 1, 20), category="Bullying")
    concern(dsl, ada, at(2026, 3, 2), category="Attendance")
    concern(dsl, ada, at(2026, 2, 2), category="Bullying", in_error=True)
    concern(dsl, ada, at(2025, 12, 31, 23, 30), category="Bullying")  # before the period
    concern(dsl, ada, at(2026, 4, 1, 0, 5), category="Bullying")  # after it
    rows, built = figures("concerns-by-category", dsl)
    assert built.columns == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert rows == {"Attendance": [0, 0, 1], "Bullying": [2, 0, 0]}


def test_a_concern_late_on_the_last_day_of_a_month_counts_in_that_month_uk_time(dsl, children):
    # 23:30 on 31 May in London is 22:30 UTC: still May.
    concern(dsl, children[0], at(2026, 5, 31, 23, 30))
    rows, _ = figures(
        "concerns-by-category",
        dsl,
        queries.Filters(start=date(2026, 5, 1), end=date(2026, 6, 30)),
    )
    assert rows == {"Wellbeing": [1, 0]}


def test_concerns_by_year_group_use_the_main_childs_year_and_can_be_narrowed(dsl, children):
    ada, ben, cal = children
    concern(dsl, ada, at(2026, 1, 5))
    concern(dsl, ben, at(2026, 2, 5), others=[cal])
    concern(dsl, cal, at(2026, 2, 6))
    concern(dsl, cal, at(2026, 2, 7), in_error=True)
    rows, _ = figures("concerns-by-year-group", dsl)
    assert rows == {"Year 3": [2], "No year group": [1]}
    year_3 = queries.Filters(start=SPRING.start, end=SPRING.end, year_group="3")
    rows, _ = figures("concerns-by-category", dsl, year_3)
    assert rows == {"Wellbeing": [1, 1, 0]}
    nobody = queries.Filters(start=SPRING.start, end=SPRING.end, year_group="none")
    rows, _ = figures("concerns-by-category", dsl, nobody)
    assert rows == {"Wellbeing": [0, 1, 0]}


def test_a_concern_stays_under_the_year_group_the_child_was_in_when_it_was_recorded(dsl, children):
    ada = children[0]
    concern(dsl, ada, at(2026, 1, 5))
    ada.year_group = "4"  # moved up (or corrected) after the concern was recorded
    ada.save(update_fields=["year_group"])
    concern(dsl, ada, at(2026, 2, 5))
    rows, _ = figures("concerns-by-year-group", dsl)
    assert rows == {"Year 3": [1], "Year 4": [1]}


def test_concerns_by_recorder_and_narrowed_to_a_team(dsl, staff_member, children):
    team = Team.objects.create(organisation=dsl.organisation, name="Year 3 team")
    team.members.add(staff_member)
    concern(staff_member, children[0], at(2026, 1, 5))
    concern(staff_member, children[1], at(2026, 1, 6))
    concern(dsl, children[1], at(2026, 1, 7))
    rows, _ = figures("concerns-by-recorder", dsl)
    assert rows == {"Sol Staff": [2], "Dana Lead": [1]}
    in_team = queries.Filters(start=SPRING.start, end=SPRING.end, team=team)
    rows, _ = figures("concerns-by-recorder", dsl, in_team)
    assert rows == {"Sol Staff": [2]}


def test_concerns_by_day_of_week_and_time_of_day(dsl, children):
    concern(dsl, children[0], at(2026, 1, 5, 10, 15))  # Monday morning
    concern(dsl, children[0], at(2026, 1, 12, 12, 30))  # Monday lunchtime
    concern(dsl, children[1], at(2026, 1, 10, 19, 0))  # Saturday evening
    concern(dsl, children[1], at(2026, 1, 9, 7, 45))  # Friday, before school
    rows, _ = figures("concerns-by-day-and-time", dsl)
    assert rows["Monday"] == [0, 1, 1, 0, 0]
    assert rows["Friday"] == [1, 0, 0, 0, 0]
    assert rows["Saturday"] == [0, 0, 0, 0, 1]
    assert rows["Tuesday"] == [0, 0, 0, 0, 0]


def test_median_hours_to_first_action_and_to_dsl_decision(dsl, children):
    made = [concern(dsl, children[0], at(2026, 1, day)) for day in (5, 6, 7, 8)]
    action_after(made[0], dsl, 1)
    action_after(made[0], dsl, 30)  # a later action does not count
    action_after(made[1], dsl, 2)
    action_after(made[2], dsl, 10)
    decision_after(made[0], dsl, 4)
    decision_after(made[1], dsl, 8)
    decision_after(made[1], dsl, 20, first=False)  # a later decision does not count
    wrong = concern(dsl, children[0], at(2026, 1, 9), in_error=True)
    action_after(wrong, dsl, 100)
    decision_after(wrong, dsl, 100)
    built = queries.REPORTS["time-to-action"].build(dsl, dsl.organisation, SPRING)
    assert dict(built.rows) == {"Recorded to first action": [3], "Recorded to DSL decision": [2]}
    assert built.measure_values == [[2.0], [6.0]]


def test_children_with_rising_concern_counts(dsl, deputy_dsl, manager, children):
    ada, ben, cal = children
    end = queries.Filters(start=date(2026, 1, 1), end=date(2026, 6, 20))
    # Ada: three in June against one in the three months before (average a third).
    for day in (2, 3, 4):
        concern(dsl, ada, at(2026, 6, day))
    concern(dsl, ada, at(2026, 4, 10))
    # Ben: two in June against six before (average two): not rising.
    for day in (2, 3):
        concern(dsl, ben, at(2026, 6, day))
    for month in (3, 4, 5):
        concern(dsl, ben, at(2026, month, 1))
        concern(dsl, ben, at(2026, month, 2))
    # Cal: one in June, nothing before, but that one is restricted to the lead DSL.
    concern(manager, cal, at(2026, 6, 5), restricted=True)
    concern(dsl, cal, at(2026, 6, 6), in_error=True)
    rows, built = figures("rising-concerns", dsl, end)
    assert rows == {"Ada Brook": [3, 1], "Cal Brook": [1, 0]}
    rows, _ = figures("rising-concerns", deputy_dsl, end)
    assert rows == {"Ada Brook": [3, 1]}
    rows, _ = figures("rising-concerns", manager, end)
    assert rows == {"Children with rising concern counts": [2]}


def test_case_reports_count_open_overdue_opened_and_closed_cases(
    dsl, key_person, manager, children
):
    records = case_records(dsl, key_person, manager, children[0])
    today = clock.today()
    this_year = queries.Filters(start=today - timedelta(days=30), end=today)
    rows, _ = figures("open-cases", dsl, this_year)
    assert rows == {records.threshold.name: [1, 0, 1]}
    rows, _ = figures("cases-opened-and-closed", dsl, this_year)
    assert sum(v[0] for v in rows.values()) == 3
    assert sum(v[1] for v in rows.values()) == 1
    rows, _ = figures("overdue-reviews", dsl, this_year)
    assert rows == {}
    with clock.travel(timedelta(days=400)):
        # The case waiting for its closure decision owes no update, so only one is overdue.
        rows, _ = figures("overdue-reviews", dsl, this_year)
        assert rows == {"Kim Keyperson": [1]}
        rows, _ = figures("overdue-reviews", _leader_of(dsl), this_year)
        assert rows == {records.threshold.name: [1]}


def _leader_of(user):
    from haven.core.testing.factories import UserFactory

    return UserFactory(organisation=user.organisation, full_name="Lee Governor", roles=["leader"])


def test_programme_reports_count_engagements_by_stage_and_deliveries_by_attendance(
    admin, dsl, key_person, children
):
    records = programme_records(admin, dsl, key_person, children[0])
    today = clock.today()
    period = queries.Filters(start=today - timedelta(days=30), end=today)
    rows, _ = figures("engagements", dsl, period)
    assert rows == {records.programme.name: [1, 0, 0]}
    rows, _ = figures("deliveries", dsl, period)
    assert rows == {records.programme.name: [1, 0, 0]}
    elsewhere = queries.Filters(start=period.start, end=period.end, year_group="7")
    assert figures("deliveries", dsl, elsewhere)[0] == {}
