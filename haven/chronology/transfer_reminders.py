"""Overdue transfer reminders for ``haven send_reminders``.

A transfer whose file has not been sent by its due date tells the organisation's DSL and
deputy DSLs, once: the key names the transfer and its due date, and ``ReminderSent`` keeps
it from going twice however often the command runs. A file sent and awaiting receipt is not
overdue; the home page panel shows it until receipt is confirmed.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from haven.access import roles
from haven.chronology.models import TransferFile, TransferStatus
from haven.notifications.models import Kind
from haven.notifications.reminders import Reminder


def _leads(organisation, cache: dict) -> list:
    """The organisation's active DSL and deputies: one query per organisation per run."""
    if organisation.pk not in cache:
        from haven.accounts.models import User

        cache[organisation.pk] = list(
            User.objects.for_org(organisation)
            .filter(is_active=True, role_grants__role__in=[roles.DSL, roles.DEPUTY_DSL])
            .distinct()
        )
    return cache[organisation.pk]


class OverdueTransferReminders:
    name = "transfer_files"

    def due(self, today: date):
        overdue = (
            TransferFile.unscoped.filter(status=TransferStatus.GENERATED, due_date__lt=today)
            .select_related("organisation", "child")
            .order_by("pk")
        )
        leads: dict = {}
        for transfer in overdue.iterator(chunk_size=500):
            # The title stays inside Haven; the email says only what kind of thing it is.
            yield Reminder(
                key=f"chronology.transfer_overdue:{transfer.pk}:{transfer.due_date.isoformat()}",
                organisation=transfer.organisation,
                recipients=_leads(transfer.organisation, leads),
                kind=Kind.TRANSFER_OVERDUE,
                title=(
                    f"{transfer.child.full_name}'s safeguarding file has not been sent to "
                    f"{transfer.destination}: it was due by {transfer.due_date:%d/%m/%Y}"
                ),
                url=reverse("chronology:transfer", args=[transfer.pk]),
            )
