"""Ending a contact's time at the front door with an outcome (every route ends here)."""

from __future__ import annotations

import datetime

from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.frontdoor import workflow
from haven.frontdoor.models import Contact, Outcome, RetentionClass, Status
from haven.frontdoor.services import feedback
from haven.frontdoor.services.setup import front_door_settings

# Outcomes that lead to a statutory social work service: their records are kept as child in
# need / child protection records (seed 002, section 7.3); everything else as early help.
STATUTORY_OUTCOMES = frozenset(
    {Outcome.STRATEGY_DISCUSSION, Outcome.SOCIAL_WORK_TEAM, Outcome.ALLOCATED_WORKER}
)


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def retention_for(contact: Contact) -> tuple[str, datetime.date]:
    """The retention class the outcome puts the record in, and its disposal review date."""
    settings = front_door_settings(contact.organisation)
    if contact.outcome in STATUTORY_OUTCOMES:
        kind, years = RetentionClass.STATUTORY, settings.statutory_retention_years
    else:
        kind, years = RetentionClass.EARLY_HELP, settings.early_help_retention_years
    decided = clock.today() if contact.decided_at is None else contact.decided_at.date()
    return kind, _years_after(decided, years)


def contact_finish(
    *,
    contact: Contact,
    actor,
    outcome: str,
    team=None,
    early_help_offer: str = "",
    detail: str = "",
    feedback_to_referrer: str = "",
    to_status: str = Status.DECIDED,
    request=None,
) -> Contact:
    """Record the outcome, stop the clock, set the retention class and tell the referrer.

    The calling service has checked who may decide and runs this inside its transaction.
    """
    now = clock.now()
    workflow.move(contact, to_status, actor, note=Outcome(outcome).label)
    workflow.clock_stop(contact, at=now)
    contact.outcome = outcome
    contact.outcome_team = team
    contact.early_help_offer = early_help_offer
    contact.outcome_detail = detail
    contact.feedback_to_referrer = feedback_to_referrer
    contact.decided_at, contact.decided_by = now, actor
    contact.retention_class, contact.disposal_review_date = retention_for(contact)
    feedback.send_outcome(contact)
    contact.save()
    record_event(
        action=Action.UPDATE,
        actor=actor,
        request=request,
        obj=contact,
        detail={"decided": outcome, "team": team.name if team else ""},
    )
    return contact
