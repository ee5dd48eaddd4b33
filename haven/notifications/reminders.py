"""Reminders that fall due with time, sent by ``haven send_reminders``.

A capability registers a provider: an object with a ``name`` and a ``due(today)`` method
that yields the reminders due on that day (training about to expire, a case review coming
up, …). The command asks every provider, skips any reminder whose key is already in
``ReminderSent``, and sends the rest through ``notify`` — each in its own transaction with
its ``ReminderSent`` row, so a reminder is recorded exactly when it is sent.

Providers should yield only what is due *now* (the current threshold), not every threshold
ever passed, so that a reminder missed while the command was not running is not sent late
alongside a more urgent one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from django.db import IntegrityError, transaction

from haven.core import clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    key: str
    organisation: object
    recipients: list = field(default_factory=list)
    kind: str = ""
    title: str = ""
    url: str = ""
    # Identifiers for the email's subject (never a name); see ``notify``.
    reference: str = ""


class ReminderProvider(Protocol):
    name: str

    def due(self, today: date) -> Iterable[Reminder]: ...


_PROVIDERS: dict[str, ReminderProvider] = {}


def register(provider: ReminderProvider) -> ReminderProvider:
    """Add a provider (registering the same name again replaces it)."""
    _PROVIDERS[provider.name] = provider
    return provider


def providers() -> list[ReminderProvider]:
    return list(_PROVIDERS.values())


def _send(pending: list[Reminder]) -> int:
    from haven.notifications.models import ReminderSent
    from haven.notifications.services import notify

    keys = [r.key for r in pending]
    already = set(ReminderSent.unscoped.filter(key__in=keys).values_list("key", flat=True))
    sent = 0
    for reminder in pending:
        if reminder.key in already:
            continue
        already.add(reminder.key)
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    organisation=reminder.organisation, key=reminder.key, sent_at=clock.now()
                )
                notify(
                    recipients=reminder.recipients,
                    kind=reminder.kind,
                    title=reminder.title,
                    url=reminder.url,
                    reference=reminder.reference,
                )
        except IntegrityError:
            continue  # another run sent it a moment ago
        sent += 1
    return sent


def send_reminders(*, today: date | None = None, batch: int = 500) -> dict[str, int]:
    """Send every reminder due and not yet sent. Returns how many each provider sent.

    Safe to run every few minutes, and twice at once: a reminder's key can be recorded
    only once, and its notifications commit with that record or not at all.
    """
    today = today or clock.today()
    counts: dict[str, int] = {}
    for provider in providers():
        sent, pending = 0, []
        for reminder in provider.due(today):
            pending.append(reminder)
            if len(pending) >= batch:
                sent, pending = sent + _send(pending), []
        if pending:
            sent += _send(pending)
        counts[provider.name] = sent
        log.info("Reminders from %s: %s sent.", provider.name, sent)
    return counts
