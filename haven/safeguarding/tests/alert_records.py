"""Concerns, alerts and decisions for the alerts, actions, cumulative and triage tests.

Concerns are written straight to the tables here, so these tests depend only on the alerts
and triage code they test; recording through the service is tested with the recording.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Max

from haven.core import clock
from haven.people import services as people_services
from haven.safeguarding.models import Concern, ConcernCategory, ConcernChild


def make_child(actor, first: str, last: str = "Tester", born: date = date(2017, 5, 4)):
    return people_services.person_create(
        actor=actor,
        data={"kind": "child", "first_name": first, "last_name": last, "date_of_birth": born},
        address={"address_line_1": f"{len(first)} Alert Lane"},
        duplicate_reason="test data",
    )


def category(organisation, name: str = "Wellbeing") -> ConcernCategory:
    found = ConcernCategory.objects.for_org(organisation).filter(name=name, parent=None).first()
    return found or ConcernCategory.objects.create(organisation=organisation, name=name)


def make_concern(
    *,
    recorder,
    child,
    linked=(),
    occurred_at=None,
    restricted: bool = False,
    account: str = "Arrived without a coat; said the heating is off at home.",
) -> Concern:
    """A concern as recording leaves it (its children, no decision yet)."""
    organisation = recorder.organisation
    last = Concern.objects.for_org(organisation).aggregate(m=Max("number"))["m"] or 0
    concern = Concern.objects.create(
        organisation=organisation,
        created_by=recorder,
        number=last + 1,
        child=child,
        category=category(organisation),
        occurred_at=occurred_at or clock.now() - timedelta(hours=1),
        account=account,
        restricted=restricted,
    )
    for person in [child, *linked]:
        ConcernChild.objects.create(
            organisation=organisation,
            created_by=recorder,
            concern=concern,
            person=person,
            is_primary=person.pk == child.pk,
        )
    return concern
