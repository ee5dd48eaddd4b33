"""Overdue-case reminders for ``haven send_reminders``.

A case whose next update is overdue reminds its owner and its manager on the day it becomes
overdue, and again each time a further review interval passes without an update. The key
names the due date, so a monitoring action (which moves the due date) starts afresh, and
each interval's reminder is sent once however often the command runs.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from haven.cases.models import UPDATES_OWED, SafeguardingCase
from haven.notifications.models import Kind
from haven.notifications.reminders import Reminder


def intervals_overdue(due: date, today: date, review_days: int) -> int | None:
    """How many whole review intervals have passed since the case became overdue (0 on the
    first overdue day), or None if it is not overdue."""
    if due >= today:
        return None
    return ((today - due).days - 1) // max(review_days, 1)


class OverdueCaseReminders:
    name = "cases"

    def due(self, today: date):
        cases = (
            SafeguardingCase.unscoped.filter(status__in=UPDATES_OWED, next_update_due__lt=today)
            .select_related("threshold", "owner", "manager", "organisation")
            .order_by("pk")
        )
        for case in cases.iterator(chunk_size=500):
            step = intervals_overdue(case.next_update_due, today, case.threshold.review_days)
            if step is None:
                continue
            again = " again" if step else ""
            yield Reminder(
                key=f"cases.overdue:{case.pk}:{case.next_update_due.isoformat()}:{step}",
                organisation=case.organisation,
                recipients=[case.owner, case.manager],
                kind=Kind.CASE_OVERDUE,
                title=f"Safeguarding case {case.reference} is overdue{again}: an update was due "
                f"by {case.next_update_due:%d/%m/%Y}",
                url=reverse("cases:case", args=[case.pk]),
            )
