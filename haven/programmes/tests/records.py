"""A small programme with one engagement, for the access matrix and other tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from haven.core import clock
from haven.programmes import services
from haven.programmes.models import (
    Agency,
    Consultation,
    Engagement,
    FollowUpAction,
    OpenAccessSession,
    Programme,
    Service,
    ServiceDelivery,
)
from haven.programmes.services import ActionEntry, DeliveryRow


@dataclass
class ProgrammeRecords:
    programme: Programme
    service: Service
    agency: Agency
    engagement: Engagement
    delivery: ServiceDelivery
    consultation: Consultation
    follow_up: FollowUpAction
    open_access: OpenAccessSession


def programme_records(admin, dsl, key_person, child) -> ProgrammeRecords:
    """St Francis with a nursery service, an agency, and an engagement for ``child`` opened
    by the DSL with ``key_person`` as its key person: one session, one consultation with a
    follow-up action for the key person, and an open-access count."""
    today = clock.today()
    programme = services.programme_save(
        actor=admin, data={"name": "Matrix Family Centre", "code": "MX", "status": "active"}
    )
    service = services.service_save(actor=admin, programme=programme, data={"name": "Nursery"})
    agency = services.agency_save(actor=admin, data={"name": "Matrix Health Visitors"})
    engagement = services.engagement_create(
        actor=dsl,
        child=child,
        programme=programme,
        data={"referral_date": today - timedelta(days=7), "key_person": key_person},
    )
    delivery = services.delivery_record(
        actor=dsl,
        row=DeliveryRow(
            engagement=engagement, service=service, delivered_on=today - timedelta(days=1)
        ),
    )
    consultation = services.consultation_record(
        engagement=engagement,
        actor=dsl,
        held_on=today,
        method="phone",
        summary="Matrix call",
        others="Matrix parent",
        actions=[ActionEntry("Matrix follow-up", today + timedelta(days=2), key_person)],
    )
    open_access = services.open_access_record(
        actor=dsl, service=service, held_on=today, attendees=9
    )
    return ProgrammeRecords(
        programme,
        service,
        agency,
        engagement,
        delivery,
        consultation,
        consultation.actions.get(),
        open_access,
    )
