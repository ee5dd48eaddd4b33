"""Overdue follow-up actions for ``haven send_reminders``.

An action still to do the day after its due date reminds its assignee once (the key names
the action). The notification says only that something is overdue and links to the
engagement, whose page the assignee may open or not by the usual need-to-know rule.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from haven.notifications.models import Kind
from haven.notifications.reminders import Reminder
from haven.programmes.models import FollowUpAction


def overdue_actions(today: date):
    """Open actions past their due date, on consultations not entered in error."""
    return FollowUpAction.unscoped.filter(
        done_on__isnull=True,
        due_on__lt=today,
        assignee__isnull=False,
        assignee__is_active=True,
        consultation__entered_in_error_at__isnull=True,
    )


class FollowUpReminders:
    name = "programmes"

    def due(self, today: date):
        actions = (
            overdue_actions(today)
            .select_related("assignee", "organisation", "consultation")
            .order_by("pk")
        )
        for action in actions.iterator(chunk_size=500):
            yield Reminder(
                key=f"programmes.follow_up:{action.pk}:overdue",
                organisation=action.organisation,
                recipients=[action.assignee],
                kind=Kind.FOLLOW_UP_DUE,
                title=f"A follow-up action was due on {action.due_on:%d/%m/%Y}",
                url=reverse("programmes:engagement", args=[action.consultation.engagement_id]),
            )
