"""A contact's clock in words, and the front door's home page panel.

``contact_clock`` reads only the contact's stored deadline (``Contact.due_at``), so a list of
contacts shows their clocks without a query each. The home panel is an inclusion tag, so the
home page (another app's) needs one line and no view change; it runs a fixed number of
indexed queries however many contacts are open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import template

from haven.access import rules
from haven.core import clock
from haven.frontdoor.models import Status

register = template.Library()

# Less time left than this, and the clock shows "due soon".
DUE_SOON = timedelta(hours=2)


def duration_in_words(span: timedelta) -> str:
    """The two largest units: "2 days 3 hours", "4 hours 5 minutes", "under a minute"."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if n
    ]
    if days:
        parts = parts[:2] if hours else parts[:1]
    return " ".join(parts[:2])


@dataclass(frozen=True)
class ClockState:
    state: str  # "overdue", "soon", "running", "waiting" (no clock yet) or "none"
    words: str = ""
    due_at: datetime | None = None


def clock_state(contact, now: datetime | None = None) -> ClockState:
    now = now or clock.now()
    if contact.due_at is None:
        if contact.status in (Status.SCREENING, Status.RATING):
            return ClockState("waiting", "starts with the RAG rating")
        return ClockState("none")
    left = contact.due_at - now
    if left <= timedelta(0):
        return ClockState("overdue", duration_in_words(-left), contact.due_at)
    return ClockState(
        "soon" if left <= DUE_SOON else "running", duration_in_words(left), contact.due_at
    )


@register.simple_tag
def contact_clock(contact) -> ClockState:
    return clock_state(contact)


@register.inclusion_tag("frontdoor/_home_panel.html", takes_context=True)
def front_door_home_panel(context) -> dict:
    """For front-door staff: open contacts by stage, how many are past their deadline, and
    the five with least time left (four queries)."""
    from haven.frontdoor import worklist

    user = context["request"].user
    if not rules.is_front_door_staff(user):
        return {"show": False}
    counts, total, overdue = worklist.stage_counts(user)
    return {
        "show": True,
        "counts": counts,
        "total": total,
        "overdue": overdue,
        "urgent": worklist.most_urgent(user),
    }
