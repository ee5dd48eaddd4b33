"""How safeguarding cases appear in a child's chronology.

Entries carry the case's scope ("case:<id>"), so only those who may see the case see them
(``access.rules.case_chronology_scopes``).
"""

from __future__ import annotations

from haven.cases.models import (
    CaseEdit,
    CaseStatusChange,
    ClosureRequest,
    MonitoringAction,
    Status,
)
from haven.chronology.models import Kind
from haven.chronology.projection import Spec, projector


def _category(case) -> str:
    return f"Safeguarding case {case.reference}"


@projector(CaseStatusChange)
def status_change_entries(change: CaseStatusChange):
    """Opening, closing and reopening are entries; the moves a closure request makes are
    told by the request's own entries."""
    case = change.case
    if not change.from_status:
        kind = Kind.CASE_OPENED
        summary = (
            f"Safeguarding case {case.reference} opened ({case.threshold.name}): "
            f"{case.category.label}"
        )
    elif change.to_status == Status.CLOSED:
        kind, summary = Kind.CASE_CLOSED, f"Safeguarding case {case.reference} closed"
    elif change.from_status == Status.CLOSED:
        kind = Kind.CASE_REOPENED
        summary = f"Safeguarding case {case.reference} reopened: {change.note}"
    else:
        return
    yield Spec(
        child=case.child,
        kind=kind,
        occurred_at=change.created_at,
        summary=summary,
        recorded_by_id=change.created_by_id,
        category=_category(case),
        scope=case.scope,
    )


@projector(MonitoringAction)
def monitoring_entries(action: MonitoringAction):
    case = action.case
    yield Spec(
        child=case.child,
        kind=Kind.CASE_MONITORING,
        occurred_at=action.created_at,
        summary=f"Monitoring action ({action.given_by_name}, {action.given_by_role}): "
        f"{action.actions_taken}",
        recorded_by_id=action.created_by_id,
        category=_category(case),
        scope=case.scope,
    )


@projector(ClosureRequest)
def closure_entries(request: ClosureRequest):
    case = request.case
    yield Spec(
        child=case.child,
        kind=Kind.CASE_CLOSURE_REQUESTED,
        occurred_at=request.created_at,
        summary=f"Closure of safeguarding case {case.reference} requested: {request.comments}",
        recorded_by_id=request.created_by_id,
        category=_category(case),
        scope=case.scope,
    )
    if not request.is_pending:
        yield Spec(
            child=case.child,
            kind=Kind.CASE_CLOSURE_DECIDED,
            occurred_at=request.decided_at,
            summary=f"Closure of safeguarding case {case.reference} "
            f"{request.get_decision_display().lower()}: {request.decision_comment}",
            recorded_by_id=request.decided_by_id,
            category=_category(case),
            scope=case.scope,
        )


@projector(CaseEdit)
def edit_entries(edit: CaseEdit):
    """Says which details changed; the values themselves are on the case, for those who may
    see it."""
    case = edit.case
    yield Spec(
        child=case.child,
        kind=Kind.CASE_EDITED,
        occurred_at=edit.created_at,
        summary=f"Safeguarding case {case.reference} details edited: "
        f"{', '.join(edit.field_labels).lower()}",
        recorded_by_id=edit.created_by_id,
        category=_category(case),
        scope=case.scope,
    )
