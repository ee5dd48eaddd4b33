"""Hand-made concerns for report tests: rows written directly with the dates a test needs
(the services stamp "now"), so each figure can be checked against a count done by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

from django.utils import timezone

from haven.safeguarding.models import (
    Concern,
    ConcernAction,
    ConcernChild,
    TriageDecision,
    when_in_the_week,
)
from haven.safeguarding.tests.records import category as top_category


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in UK time."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def concern(
    recorder,
    child,
    occurred_at: datetime,
    *,
    category: str = "Wellbeing",
    in_error: bool = False,
    restricted: bool = False,
    others=(),
) -> Concern:
    organisation = recorder.organisation
    number = Concern.objects.for_org(organisation).count() + 1
    weekday, hour = when_in_the_week(occurred_at)
    made = Concern.objects.create(
        organisation=organisation,
        number=number,
        child=child,
        category=top_category(organisation, category),
        occurred_at=occurred_at,
        account="Hand-made for a report test.",
        created_by=recorder,
        entered_in_error=in_error,
        restricted=restricted,
        # What recording it through the service fixes on the row for the reports.
        year_group=child.year_group,
        occurred_weekday=weekday,
        occurred_hour=hour,
    )
    # Recorded an hour after it happened.
    Concern.objects.for_org(organisation).filter(pk=made.pk).update(
        created_at=occurred_at + timedelta(hours=1)
    )
    made.created_at = occurred_at + timedelta(hours=1)
    for person in (child, *others):
        ConcernChild.objects.create(
            organisation=organisation,
            concern=made,
            person=person,
            is_primary=person is child,
            created_by=recorder,
        )
    return made


def action_after(made: Concern, actor, hours: float) -> ConcernAction:
    # Actions are append-only (the database refuses an update), so it is written "then".
    with mock.patch(
        "django.utils.timezone.now", return_value=made.created_at + timedelta(hours=hours)
    ):
        action = ConcernAction.objects.create(
            organisation=made.organisation,
            concern=made,
            child=made.child,
            text="Spoke to mum.",
            created_by=actor,
        )
    Concern.objects.for_org(made.organisation).filter(
        pk=made.pk, seconds_to_first_action__isnull=True
    ).update(seconds_to_first_action=int(hours * 3600))
    return action


def decision_after(made: Concern, actor, hours: float, *, first: bool = True) -> TriageDecision:
    if first:
        Concern.objects.for_org(made.organisation).filter(pk=made.pk).update(
            seconds_to_decision=int(hours * 3600)
        )
    return TriageDecision.objects.create(
        organisation=made.organisation,
        concern=made,
        outcome=TriageDecision.Outcome.MONITOR,
        rationale="Watch and wait.",
        seconds_to_decision=int(hours * 3600),
        first_decision=first,
        created_by=actor,
    )
