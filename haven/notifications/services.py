"""The one way Haven tells people things: in-app, and by email without case content."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from haven.access import rules
from haven.core import clock
from haven.core.errors import NotAllowed
from haven.notifications.models import Kind, Notification

log = logging.getLogger(__name__)


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    url: str = "",
    email: bool = True,
    reference: str = "",
):
    """Create one notification per recipient and queue their emails.

    Call inside the service's transaction: the rows commit with the change, and emails go
    only once it has committed. An email that fails stays queued for
    ``haven send_notifications``. ``reference`` names the child by identifiers only (NHS
    number, local case number) and goes into the email's subject; a name never does.
    """
    rows = [
        Notification(
            organisation_id=person.organisation_id,
            recipient=person,
            kind=kind,
            title=title[:200],
            reference=reference[:120],
            url=url,
            email_wanted=email and bool(person.email),
        )
        for person in {p.pk: p for p in recipients if p is not None and p.is_active}.values()
    ]
    created = Notification.unscoped.bulk_create(rows)
    ids = [row.pk for row in created if row.email_wanted]
    if ids:
        transaction.on_commit(lambda: send_queued_emails(ids=ids))
    return created


def send_queued_emails(*, ids: list[int] | None = None, limit: int = 500) -> int:
    """Send the emails still owed; returns how many went."""
    queue = Notification.unscoped.filter(email_wanted=True, emailed_at__isnull=True)
    if ids is not None:
        queue = queue.filter(pk__in=ids)
    sent = 0
    for note in queue.select_related("recipient").order_by("id")[:limit]:
        try:
            _send_email(note)
        except Exception:  # an unreachable mail server must not break the request
            log.exception("Notification email %s could not be sent; it stays queued.", note.pk)
            continue
        Notification.unscoped.filter(pk=note.pk, emailed_at__isnull=True).update(
            emailed_at=clock.now()
        )
        sent += 1
    return sent


def _send_email(note: Notification) -> None:
    context = {
        "name": note.recipient.full_name,
        "kind": Kind(note.kind).label,
        "link": settings.BASE_URL + (note.url or "/notifications/"),
        "reference": note.reference,
    }
    send_mail(
        subject=" · ".join(filter(None, [f"Haven: {context['kind']}", note.reference])),
        message=render_to_string("notifications/email.txt", context),
        from_email=None,
        recipient_list=[note.recipient.email],
    )


def notification_mark_read(*, notification: Notification, actor) -> Notification:
    if not rules.can_read_notification(actor, notification):
        raise NotAllowed("That notification is not yours.")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at", "modified_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    return (
        Notification.objects.for_org(actor.organisation)
        .filter(recipient=actor, read_at__isnull=True)
        .update(read_at=clock.now())
    )
