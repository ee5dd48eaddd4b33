"""How actions on a concern and the safeguarding team's decisions appear in chronologies.

An action sits in the chronology of the child it is about; a triage decision in that of every
child of the concern. Both carry the concern's scope ("concern:<id>"), so they are seen only
by those who may open the concern, and its category, so a chronology filtered to a category
keeps a concern, its actions and its decision together.
"""

from __future__ import annotations

from haven.chronology.models import Kind
from haven.chronology.projection import Spec, projector
from haven.safeguarding.chronology import concern_scope
from haven.safeguarding.models import ConcernAction, ConcernChild, TriageDecision

SUMMARY_LENGTH = 160


def _short(text: str) -> str:
    words = " ".join(text.split())
    if len(words) > SUMMARY_LENGTH:
        return words[: SUMMARY_LENGTH - 1].rstrip() + "…"
    return words


def _category(concern) -> str:
    if concern.subcategory_id:
        return f"{concern.category.name}: {concern.subcategory.name}"
    return concern.category.name


@projector(ConcernAction)
def action_entries(action: ConcernAction):
    concern = action.concern
    yield Spec(
        child=action.child,
        kind=Kind.CONCERN_ACTION,
        occurred_at=action.created_at,
        summary=f"Action on concern {concern.number}: {_short(action.text)}",
        recorded_by_id=action.created_by_id,
        category=_category(concern),
        scope=concern_scope(concern),
        routine=concern.entered_in_error,
    )


@projector(TriageDecision)
def decision_entries(decision: TriageDecision):
    concern = decision.concern
    outcome = decision.get_outcome_display()
    if decision.refer_to:
        outcome = f"{outcome}: {decision.get_refer_to_display()}"
    summary = f"Decision on concern {concern.number}: {outcome}. {_short(decision.rationale)}"
    links = ConcernChild.unscoped.filter(concern_id=concern.pk).select_related("person")
    for link in links:
        yield Spec(
            child=link.person,
            kind=Kind.TRIAGE_DECISION,
            occurred_at=decision.created_at,
            summary=summary,
            recorded_by_id=decision.created_by_id,
            category=_category(concern),
            scope=concern_scope(concern),
            routine=concern.entered_in_error,
        )


def project_concern_work(concern) -> None:
    """Bring a concern's action and decision entries in line after the concern itself
    changed (marked entered in error: they become routine, like the concern's own entry)."""
    from haven.chronology.projection import project

    for model in (ConcernAction, TriageDecision):
        for record in model.unscoped.filter(concern_id=concern.pk):
            record.concern = concern
            project(record)
