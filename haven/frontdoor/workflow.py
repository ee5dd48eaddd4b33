"""The moves every front-door service shares: status changes and clocks.

Services call these inside their own transaction; nothing here checks permissions (the
calling service has), and nothing here saves the contact (the caller saves it once with
everything else it changed).

Clocks (seed 002, section 7.2): a red contact wants the partners' information within 4
hours; an amber one a decision within 24 hours; a borderline child-in-need contact 3 working
days; a green one passed to early help within 3 working days, whose early help decision is
then due within 10 working days. The running clock's deadline is copied to
``Contact.due_at`` so that worklists sort by time left from an index.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from haven.core.calendar import working_days_after
from haven.core.errors import DomainError
from haven.frontdoor.models import (
    TRANSITIONS,
    ClockKind,
    Contact,
    ContactClock,
    ContactStatusChange,
    Rag,
    Status,
)

HOURS = {ClockKind.RED: 4, ClockKind.AMBER: 24}
WORKING_DAYS = {
    ClockKind.BORDERLINE: 3,
    ClockKind.GREEN: 3,
    ClockKind.EARLY_HELP_DECISION: 10,
}


def move(contact: Contact, to_status: str, actor, note: str = "") -> ContactStatusChange:
    """Change the contact's status through the transition table, leaving a row (rule 2)."""
    if to_status not in TRANSITIONS.get(contact.status, frozenset()):
        raise DomainError(
            f"This contact is {contact.get_status_display().lower()}; it cannot become "
            f"{Status(to_status).label.lower()}."
        )
    before = contact.status
    contact.status = to_status
    return ContactStatusChange.objects.create(
        organisation=contact.organisation,
        created_by=actor,
        contact=contact,
        from_status=before,
        to_status=to_status,
        note=note,
    )


def not_waiting(contact: Contact, why: str) -> str:
    """The message a stage's page shows when the contact has moved past (or not reached) it."""
    return f"Contact {contact.reference} is {contact.get_status_display().lower()}: {why}"


def clock_kind_for(rating: str, *, threshold_uncertain: bool = False) -> str:
    """Which timescale a rating starts."""
    if rating == Rag.RED:
        return ClockKind.RED
    if rating == Rag.AMBER_CP:
        return ClockKind.AMBER
    if rating == Rag.AMBER_CIN:
        return ClockKind.BORDERLINE if threshold_uncertain else ClockKind.AMBER
    return ClockKind.GREEN


def due_after(kind: str, start: datetime) -> datetime:
    if kind in HOURS:
        return start + timedelta(hours=HOURS[kind])
    return working_days_after(start, WORKING_DAYS[kind])


def clock_start(contact: Contact, kind: str, *, at: datetime, rating: str = "") -> ContactClock:
    """Stop any running clock and start ``kind`` from ``at``; sets ``contact.due_at``."""
    clock_stop(contact, at=at)
    running = ContactClock.objects.create(
        organisation=contact.organisation,
        contact=contact,
        kind=kind,
        rating=rating,
        started_at=at,
        due_at=due_after(kind, at),
    )
    contact.due_at = running.due_at
    return running


def clock_stop(contact: Contact, *, at: datetime) -> ContactClock | None:
    """Stop the running clock, if any (the work it measured is done); clears ``due_at``."""
    running = ContactClock.objects.for_org(contact.organisation).filter(
        contact=contact, stopped_at__isnull=True
    )
    clock = running.first()
    if clock is not None:
        clock.stopped_at = at
        fields = ["stopped_at", "modified_at"]
        if clock.due_at < at and clock.breach_notified_at is None:
            # A breach told since the last reminders run: keep when it was told, as the
            # reminders provider would have on its next run (reminders_clocks).
            clock.breach_notified_at = _breach_told_at(clock)
            fields.append("breach_notified_at")
        clock.save(update_fields=fields)
    contact.due_at = None
    return clock


def _breach_told_at(clock: ContactClock):
    from haven.frontdoor.reminders_clocks import breach_key
    from haven.notifications.models import ReminderSent

    return (
        ReminderSent.unscoped.filter(key=breach_key(clock.pk))
        .values_list("sent_at", flat=True)
        .first()
    )
