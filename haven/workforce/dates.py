"""Due dates: whole months after a date, the way people count them.

"Three months after 30 November" is the end of February, not a day in March: when the day
does not exist in the target month, the date falls on that month's last day. So 29/02/2024
plus three years is 28/02/2027, and a date never moves into the month after its target.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def add_years(start: date, years: int) -> date:
    return add_months(start, 12 * years)
