"""How threshold decisions appear in the child's chronology.

A decision made at a concern's triage carries the concern's scope ("concern:<id>"), like the
triage decision itself, so only those who may open the concern see it; one on a case carries
the case's scope.
"""

from __future__ import annotations

from haven.chronology.models import Kind
from haven.chronology.projection import Spec, projector
from haven.thresholds.models import ThresholdDecision


def decision_summary(decision: ThresholdDecision) -> str:
    chosen, suggested = decision.chosen_level, decision.suggested_level
    summary = f"Threshold decision: {chosen.name} ({decision.version.name})"
    if chosen.pk != suggested.pk:
        summary += f"; the framework suggested {suggested.name}: {decision.rationale}"
    return summary


@projector(ThresholdDecision)
def decision_entries(decision: ThresholdDecision):
    if decision.concern_id:
        scope = f"concern:{decision.concern_id}"
        category = f"Concern {decision.concern.number}"
    elif decision.case_id:
        scope = f"case:{decision.case_id}"
        category = f"Safeguarding case {decision.case.reference}"
    else:
        scope = f"contact:{decision.contact_id}"
        category = "Front door contact"
    yield Spec(
        child=decision.child,
        kind=Kind.THRESHOLD_DECISION,
        occurred_at=decision.created_at,
        summary=decision_summary(decision),
        recorded_by_id=decision.decided_by_id,
        category=category,
        scope=scope,
    )
