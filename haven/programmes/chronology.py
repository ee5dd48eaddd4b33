"""How programme work appears in a child's chronology, scoped to its engagement: only
those who may see the engagement see these entries."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from haven.chronology.models import Kind
from haven.chronology.projection import Spec, projector
from haven.programmes.models import Consultation, Engagement, ServiceDelivery, Stage


def _start_of(day) -> datetime:
    return datetime.combine(day, time.min, timezone.get_default_timezone())


def _marked(record, summary: str) -> str:
    """A record entered in error stays in the chronology, saying so and why."""
    if record.in_error:
        return f"Entered in error ({record.entered_in_error_reason}): {summary}"
    return summary


@projector(Engagement)
def engagement_entries(engagement: Engagement):
    programme = engagement.programme.name
    yield Spec(
        child=engagement.child,
        kind=Kind.ENGAGEMENT_OPENED,
        occurred_at=_start_of(engagement.referral_date),
        summary=f"Referred to {programme}",
        recorded_by_id=engagement.created_by_id,
        category=programme,
        scope=engagement.scope,
    )
    if engagement.stage != Stage.IN_PROGRESS and engagement.closed_on is not None:
        reason = f": {engagement.closed_reason.label}" if engagement.closed_reason_id else ""
        yield Spec(
            child=engagement.child,
            kind=Kind.ENGAGEMENT_CLOSED,
            occurred_at=_start_of(engagement.closed_on),
            summary=f"{programme} engagement {engagement.get_stage_display().lower()}{reason}",
            recorded_by_id=engagement.closed_by_id,
            category=programme,
            scope=engagement.scope,
        )


@projector(ServiceDelivery)
def delivery_entries(delivery: ServiceDelivery):
    engagement = delivery.engagement
    attendance = delivery.get_attendance_display()
    yield Spec(
        child=engagement.child,
        kind=Kind.SERVICE_DELIVERY,
        occurred_at=_start_of(delivery.delivered_on),
        summary=_marked(delivery, f"{delivery.service.label}: {attendance.lower()}"),
        recorded_by_id=delivery.created_by_id,
        category=engagement.programme.name,
        scope=engagement.scope,
        routine=True,
    )


@projector(Consultation)
def consultation_entries(consultation: Consultation):
    engagement = consultation.engagement
    yield Spec(
        child=engagement.child,
        kind=Kind.CONSULTATION,
        occurred_at=_start_of(consultation.held_on),
        summary=_marked(
            consultation, f"{consultation.get_method_display()}: {consultation.summary}"
        ),
        recorded_by_id=consultation.created_by_id,
        category=engagement.programme.name,
        scope=engagement.scope,
    )
