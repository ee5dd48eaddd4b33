"""Training and DBS reminders for ``haven send_reminders``.

For each person still with the organisation, their newest record of each course and their
newest DBS check are looked at once they are within 60 days of expiry. The reminder for the
threshold they have reached — 60 days before, 7 days before, on the day — goes to them (if
they sign in to Haven) and to their line manager, once. Only the current threshold is
sent, so a record entered late does not produce a stale "60 days" after the "7 days" one.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from haven.notifications.models import Kind
from haven.notifications.reminders import Reminder
from haven.workforce.models import DbsCheck, TrainingRecord
from haven.workforce.queries import in_post

# (days before expiry, key suffix, words), most urgent first.
THRESHOLDS = ((0, "expired", "has expired"), (7, "7d", "expires within 7 days"), (60, "60d", None))


def threshold_for(expires_on: date, today: date) -> tuple[str, str] | None:
    """The threshold reached on ``today`` for something expiring on ``expires_on``."""
    days_left = (expires_on - today).days
    for days, suffix, words in THRESHOLDS:
        if days_left <= days:
            return suffix, words or f"expires on {expires_on:%d/%m/%Y}"
    return None


class TrainingAndDbsReminders:
    name = "workforce"

    def due(self, today: date):
        horizon = today + timedelta(days=60)
        newest_training = (
            TrainingRecord.unscoped.filter(staff=OuterRef("staff"), course=OuterRef("course"))
            .order_by("-expires_on", "-pk")
            .values("pk")[:1]
        )
        records = (
            TrainingRecord.unscoped.filter(expires_on__lte=horizon, course__is_active=True)
            .filter(in_post(today, via="staff__"))
            .filter(pk=Subquery(newest_training))
            .select_related("staff__user", "staff__line_manager", "course", "organisation")
            .order_by("pk")
        )
        for record in records.iterator(chunk_size=500):
            reached = threshold_for(record.expires_on, today)
            if reached is None:
                continue
            suffix, words = reached
            yield from self._both(
                f"workforce.training:{record.pk}:{suffix}",
                record.staff,
                record.organisation,
                f"“{record.course.name}” {words}",
            )
        newest_check = (
            DbsCheck.unscoped.filter(staff=OuterRef("staff"))
            .order_by("-issued_on", "-pk")
            .values("pk")[:1]
        )
        checks = (
            DbsCheck.unscoped.filter(renewal_due_on__lte=horizon, staff__dbs_required=True)
            .filter(in_post(today, via="staff__"))
            .filter(pk=Subquery(newest_check))
            .select_related("staff__user", "staff__line_manager", "organisation")
            .order_by("pk")
        )
        for check in checks.iterator(chunk_size=500):
            reached = threshold_for(check.renewal_due_on, today)
            if reached is None:
                continue
            suffix, words = reached
            if suffix == "expired":
                renewal = "renewal is overdue"
            else:
                renewal = words.replace("expires", "renewal is due")
            yield from self._both(
                f"workforce.dbs:{check.pk}:{suffix}",
                check.staff,
                check.organisation,
                f"DBS check: {renewal}",
            )

    @staticmethod
    def _both(key: str, staff, organisation, what: str):
        """One reminder to the line manager, one to the person if they sign in to Haven."""
        if staff.line_manager is not None:
            yield Reminder(
                key=f"{key}:manager",
                organisation=organisation,
                recipients=[staff.line_manager],
                kind=Kind.TRAINING_DUE,
                title=f"{staff.full_name}: {what}"[:200],
                url=reverse("workforce:staff_detail", args=[staff.pk]),
            )
        if staff.user is not None and staff.user.organisation_id == staff.organisation_id:
            yield Reminder(
                key=f"{key}:self",
                organisation=organisation,
                recipients=[staff.user],
                kind=Kind.TRAINING_DUE,
                title=f"Your {what}"[:200],
                url=reverse("workforce:me"),
            )
