"""The one working-day calendar: Monday to Friday, less England and Wales bank holidays.

Front-door timescales ("3 working days", "10 working days") and any later working-day rule
count days here. The bank holidays come from the pinned ``holidays`` package, so a new year's
dates arrive with an upgrade rather than an edit; a test checks it against published dates.
Deadlines keep the time of day they started at, in Europe/London: a contact received at
16:20 on a Friday with 3 working days is due at 16:20 on the Wednesday.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share their bank holidays; Scotland and Northern Ireland differ.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(day: date, count: int) -> date:
    """The date ``count`` working days after ``day`` (``day`` itself never counts)."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_after(moment: datetime, count: int) -> datetime:
    """The same local time of day ``count`` working days after ``moment``."""
    local = timezone.localtime(moment)
    due_day = add_working_days(local.date(), count)
    naive = datetime.combine(due_day, local.time().replace(tzinfo=None))
    return timezone.make_aware(naive)


def working_days_between(start: date, end: date) -> int:
    """How many working days after ``start`` up to and including ``end`` (0 if end ≤ start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
