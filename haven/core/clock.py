"""The one place Haven asks the time.

Everything that computes a deadline or an expiry calls ``now()`` or ``today()`` so that
tests can move the clock, and so later working-day rules have a single home.

``travel(delta)`` moves the clock forward (or back) for everything in the process — the
test's own thread and a live server's threads alike — until the ``with`` block ends. It is
for tests: nothing in the application calls it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.utils import timezone

_offset = timedelta(0)


def now() -> datetime:
    return timezone.now() + _offset


def today() -> date:
    return timezone.localdate(now())


@contextmanager
def travel(delta: timedelta) -> Iterator[None]:
    """Move the clock by ``delta`` for the duration of the block (tests only)."""
    global _offset
    before = _offset
    _offset = before + delta
    try:
        yield
    finally:
        _offset = before
