"""How concerns appear in each linked child's chronology.

One entry per child, at the time it happened, scoped to the concern ("concern:<id>") so only
those who may open the concern see it. An edited concern says so; one entered in error says
so too and becomes a routine entry, hidden unless the reader asks for everything.
"""

from __future__ import annotations

from django.utils import timezone

from haven.chronology.models import Kind
from haven.chronology.projection import Spec, projector
from haven.safeguarding.models import Concern, ConcernChild

SUMMARY_LENGTH = 160


def concern_scope(concern: Concern) -> str:
    return f"concern:{concern.pk}"


def concern_summary(concern: Concern) -> str:
    account = " ".join(concern.account.split())
    if len(account) > SUMMARY_LENGTH:
        account = account[: SUMMARY_LENGTH - 1].rstrip() + "…"
    summary = f"Concern {concern.number}: {account}"
    if concern.entered_in_error:
        return f"Entered in error — {summary}"
    if concern.version > 1:
        return f"{summary} (edited {timezone.localtime(concern.edited_at):%d/%m/%Y})"
    return summary


def _children(concern: Concern) -> list:
    children = getattr(concern, "projected_children", None)
    if children is not None:
        return children
    links = ConcernChild.unscoped.filter(concern=concern).select_related("person")
    return [link.person for link in links]


@projector(Concern)
def concern_entries(concern: Concern):
    category = concern.category.name
    if concern.subcategory_id:
        category = f"{category}: {concern.subcategory.name}"
    for child in _children(concern):
        yield Spec(
            child=child,
            kind=Kind.CONCERN,
            occurred_at=concern.occurred_at,
            summary=concern_summary(concern),
            recorded_by_id=concern.created_by_id,
            category=category,
            scope=concern_scope(concern),
            routine=concern.entered_in_error,
        )
