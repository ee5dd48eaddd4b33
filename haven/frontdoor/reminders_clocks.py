"""Telling the MASH manager when a contact's clock runs out, for ``haven send_reminders``.

Operators run the command every few minutes, so a breach of a 4-hour clock is told within
minutes of it. Each breach is told once, to every MASH manager of the front door.

Exactly once: the reminder's key names the clock, so ``send_reminders`` records and sends
it in one transaction and never twice. The clock's ``breach_notified_at`` is then copied
from that record on the next run (or when the clock stops: ``workflow.clock_stop``), which
takes the clock out of the partial index ``contact_clock_unnotified`` that this provider
reads; so the index holds only breaches still to tell (and those just told), however many
clocks ran out over the years. Marking the clock before the reminder was sent would lose the
reminder if the run stopped in between.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from haven.access import roles
from haven.core import clock
from haven.frontdoor.identity import contact_reference
from haven.frontdoor.models import ContactClock
from haven.notifications.models import Kind, ReminderSent
from haven.notifications.reminders import Reminder

KEY = "frontdoor.clock_breach:{}"


def breach_key(clock_id: int) -> str:
    return KEY.format(clock_id)


class ContactClockBreaches:
    name = "frontdoor_clock_breaches"

    def due(self, today: date):
        from haven.frontdoor.services.screening import contact_url, staff_with_role

        now = clock.now()
        breached = list(
            ContactClock.unscoped.filter(
                stopped_at__isnull=True, breach_notified_at__isnull=True, due_at__lte=now
            )
            .select_related("contact", "organisation")
            .order_by("due_at", "pk")[:2000]
        )
        if not breached:
            return
        sent = dict(
            ReminderSent.unscoped.filter(key__in=[breach_key(c.pk) for c in breached]).values_list(
                "key", "sent_at"
            )
        )
        managers: dict[int, list] = {}
        for running in breached:
            told_at = sent.get(breach_key(running.pk))
            if told_at is not None:
                ContactClock.unscoped.filter(pk=running.pk, breach_notified_at__isnull=True).update(
                    breach_notified_at=told_at
                )
                continue
            org = running.organisation
            if org.pk not in managers:
                managers[org.pk] = list(staff_with_role(org, roles.MASH_MANAGER))
            contact = running.contact
            yield Reminder(
                key=breach_key(running.pk),
                organisation=org,
                recipients=managers[org.pk],
                kind=Kind.CONTACT_CLOCK_BREACHED,
                title=f"Contact {contact.reference} is past its timescale: "
                f"{running.get_kind_display().lower()} ran out at "
                f"{_local(running.due_at)}",
                url=contact_url(contact),
                reference=contact_reference(contact),
            )


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M on %d/%m/%Y}"
