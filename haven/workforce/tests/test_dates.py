"""Due dates: induction three months after starting, expiry after a course's validity, DBS
renewal after the organisation's period — counted in calendar months, leap years included."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.workforce.dates import add_months, add_years

dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))
months = st.integers(min_value=0, max_value=240)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # a leap year
        (date(2026, 10, 31), 1, date(2026, 11, 30)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2024, 2, 29), 36, date(2027, 2, 28)),  # a leap day, three years on
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 11, 23), 36, date(2029, 11, 23)),
        (date(2026, 11, 23), 0, date(2026, 11, 23)),
    ],
)
def test_months_are_counted_the_way_people_count_them(start, n, expected):
    assert add_months(start, n) == expected


def test_three_years_from_a_leap_day_is_the_last_day_of_february():
    assert add_years(date(2028, 2, 29), 3) == date(2031, 2, 28)
    assert add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)


@given(dates, months)
def test_the_date_lands_in_the_month_asked_for(start, n):
    result = add_months(start, n)
    year, month = divmod(start.year * 12 + start.month - 1 + n, 12)
    assert (result.year, result.month) == (year, month + 1)


@given(dates, months)
def test_the_day_is_kept_unless_the_month_is_too_short(start, n):
    result = add_months(start, n)
    last_day = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last_day)


@given(dates, months, months)
def test_later_starts_and_longer_periods_never_give_earlier_dates(start, a, b):
    low, high = sorted((a, b))
    assert add_months(start, low) <= add_months(start, high)


@given(dates, dates, months)
def test_a_later_start_never_falls_due_earlier(one, two, n):
    first, second = sorted((one, two))
    assert add_months(first, n) <= add_months(second, n)


@given(dates, st.integers(min_value=1, max_value=20))
def test_whole_years_keep_the_day_and_month_except_a_leap_day(start, years):
    result = add_years(start, years)
    if (start.month, start.day) == (2, 29) and not calendar.isleap(result.year):
        assert (result.month, result.day) == (2, 28)
    else:
        assert (result.month, result.day) == (start.month, start.day)
    assert result.year == start.year + years
