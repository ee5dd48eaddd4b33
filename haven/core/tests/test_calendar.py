"""The working-day calendar: England and Wales bank holidays as published on GOV.UK, and
working days counted across Easter and Christmas."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from haven.core.calendar import (
    add_working_days,
    is_bank_holiday,
    is_working_day,
    working_days_after,
    working_days_between,
)

LONDON = ZoneInfo("Europe/London")

# The published England and Wales bank holidays. The substitute days (a holiday falling at
# the weekend moves to the next weekday) are the dates people get off work.
BANK_HOLIDAYS = {
    2026: [
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # early May
        date(2026, 5, 25),  # spring
        date(2026, 8, 31),  # summer
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day falls on a Saturday: substitute Monday
    ],
    2027: [
        date(2027, 1, 1),
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),  # Christmas Day falls on a Saturday
        date(2027, 12, 28),  # Boxing Day falls on a Sunday
    ],
}


@pytest.mark.parametrize(
    "day", [d for days in BANK_HOLIDAYS.values() for d in days], ids=lambda d: d.isoformat()
)
def test_each_published_bank_holiday_is_not_a_working_day(day):
    assert is_bank_holiday(day)
    assert not is_working_day(day)


@pytest.mark.parametrize("year", sorted(BANK_HOLIDAYS))
def test_a_year_has_exactly_the_published_weekday_bank_holidays(year):
    weekdays_off = [
        day
        for day in map(date.fromordinal, _ordinals(year))
        if day.weekday() < 5 and not is_working_day(day)
    ]
    assert weekdays_off == BANK_HOLIDAYS[year]


def _ordinals(year):
    return range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1)


@pytest.mark.parametrize(
    "day",
    [
        date(2020, 5, 8),  # early May moved to VE Day's anniversary
        date(2022, 6, 2),  # the Platinum Jubilee
        date(2022, 6, 3),
        date(2022, 9, 19),  # the Queen's funeral
        date(2023, 5, 8),  # the Coronation
    ],
)
def test_one_off_bank_holidays_of_past_years_are_known(day):
    assert is_bank_holiday(day)


def test_scottish_and_northern_irish_holidays_are_working_days_here():
    assert is_working_day(date(2026, 1, 2))  # 2 January, Scotland only
    assert is_working_day(date(2026, 3, 17))  # St Patrick's Day, Northern Ireland only
    assert is_working_day(date(2026, 11, 30))  # St Andrew's Day falls on a Monday


def test_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 11, 22))  # Sunday
    assert is_working_day(date(2026, 11, 23))


def test_working_days_skip_the_weekend():
    assert add_working_days(date(2026, 11, 20), 3) == date(2026, 11, 25)  # Fri -> Wed


def test_the_starting_day_itself_never_counts():
    assert add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 24)
    assert add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)  # from a Saturday
    assert add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)


def test_working_days_cross_easter():
    # Thursday 2 April 2026: Good Friday and Easter Monday do not count.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 2), 3) == date(2026, 4, 9)
    # Easter 2027 falls in March.
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)


def test_working_days_cross_christmas_and_new_year():
    # Thursday 24 December 2026: Christmas, the weekend and substitute Boxing Day pass.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 31)
    assert add_working_days(date(2026, 12, 24), 4) == date(2027, 1, 4)  # 1 January too
    # Christmas 2027: both days fall at the weekend, so the Monday and Tuesday are off.
    assert add_working_days(date(2027, 12, 24), 1) == date(2027, 12, 29)


def test_ten_working_days_over_christmas_take_three_weeks():
    assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 6)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)


def test_a_deadline_keeps_its_local_time_of_day():
    friday = datetime(2026, 11, 20, 16, 20, tzinfo=LONDON)
    due = working_days_after(friday, 3)
    assert due.astimezone(LONDON) == datetime(2026, 11, 25, 16, 20, tzinfo=LONDON)


def test_a_deadline_keeps_its_local_time_across_the_clocks_going_forward():
    # Friday 27 March 2026, in GMT; the clocks go forward on Sunday 29 March.
    friday = datetime(2026, 3, 27, 9, 0, tzinfo=LONDON)
    due = working_days_after(friday, 1).astimezone(LONDON)
    assert (due.date(), due.hour, due.minute) == (date(2026, 3, 30), 9, 0)
    assert due.utcoffset().total_seconds() == 3600


def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 9)) == 3
    assert working_days_between(date(2026, 4, 9), date(2026, 4, 2)) == 0
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4
