"""The daily delivery tally: kept by every service that stores, corrects or withdraws a
delivery, always equal to counting the current deliveries again."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from haven.programmes import services, tally
from haven.programmes.models import CURRENT, DeliveryTally, ServiceDelivery
from haven.programmes.services import DeliveryRow

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
ATTENDANCE = ["present", "absent_authorised", "absent_unauthorised"]


def as_counted(organisation) -> list[tuple]:
    """The counts as stored (nought left out), for comparing with a rebuild."""
    return sorted(
        DeliveryTally.objects.filter(organisation=organisation, deliveries__gt=0).values_list(
            "delivered_on", "programme_id", "attendance", "year_group", "deliveries"
        )
    )


def rebuilt(organisation) -> list[tuple]:
    """What counting the deliveries again gives, leaving the kept counts as they were."""
    kept = list(DeliveryTally.objects.filter(organisation=organisation))
    with transaction.atomic():
        tally.rebuild(organisation)
        counted = as_counted(organisation)
        transaction.set_rollback(True)
    assert DeliveryTally.objects.filter(organisation=organisation).count() == len(kept)
    return counted


def test_every_change_to_deliveries_keeps_the_tally_equal_to_counting_them_again(
    child, engage, service, key_person, option
):
    """A mixed day's work, chosen at random from a fixed seed: single sessions and registers,
    corrections of date and attendance, and sessions withdrawn as entered in error."""
    rng = random.Random(3)
    absent = option("absence_reason")
    engagements = [engage(child(f"Kid{i}", "Tally")) for i in range(4)]
    year_groups = ["R", "1", "", "R"]
    for engagement, year_group in zip(engagements, year_groups, strict=True):
        engagement.child.year_group = year_group
        engagement.child.save(update_fields=["year_group"])

    def row(engagement, day, attendance):
        reason = absent if attendance != "present" else None
        return DeliveryRow(
            engagement=engagement,
            service=service("Nursery"),
            delivered_on=day,
            attendance=attendance,
            absence_reason=reason,
        )

    done = set()
    for n in range(20):
        day = TODAY - datetime.timedelta(days=rng.randint(0, 20))
        stored = list(ServiceDelivery.objects.for_org(key_person.organisation).filter(CURRENT))
        action = rng.choice(["one", "register", "correct", "withdraw"]) if stored else "one"
        done.add(action)
        if action == "one":
            services.delivery_record(
                actor=key_person, row=row(rng.choice(engagements), day, rng.choice(ATTENDANCE))
            )
        elif action == "register":
            services.deliveries_record_bulk(
                actor=key_person,
                rows=[row(e, day, rng.choice(ATTENDANCE)) for e in engagements],
                token=f"register-{n}",
            )
        elif action == "correct":
            attendance = rng.choice(ATTENDANCE)
            services.delivery_update(
                delivery=rng.choice(stored),
                actor=key_person,
                data={
                    "delivered_on": day,
                    "attendance": attendance,
                    "absence_reason": absent if attendance != "present" else None,
                },
            )
        else:
            services.delivery_mark_error(
                delivery=rng.choice(stored), actor=key_person, reason="Wrong child"
            )
        assert as_counted(key_person.organisation) == rebuilt(key_person.organisation)
    assert done == {"one", "register", "correct", "withdraw"}


def test_a_session_counts_under_the_year_group_its_child_was_in_when_it_was_recorded(
    child, engage, service, key_person
):
    engagement = engage(child())
    engagement.child.year_group = "N"
    engagement.child.save(update_fields=["year_group"])
    row = DeliveryRow(engagement=engagement, service=service("Nursery"), delivered_on=TODAY)
    first = services.delivery_record(actor=key_person, row=row)
    engagement.child.year_group = "R"
    engagement.child.save(update_fields=["year_group"])
    services.delivery_update(
        delivery=first, actor=key_person, data={"delivered_on": TODAY - datetime.timedelta(1)}
    )
    counted = as_counted(key_person.organisation)
    assert [(c[0], c[3], c[4]) for c in counted] == [(TODAY - datetime.timedelta(1), "N", 1)]


def test_a_register_changes_the_tally_in_one_statement_however_long(
    child, engage, service, key_person
):
    engagements = [engage(child(f"Kid{i}", "Register")) for i in range(8)]
    rows = [
        DeliveryRow(engagement=e, service=service("Nursery"), delivered_on=TODAY)
        for e in engagements
    ]
    with CaptureQueriesContext(connection) as queries:
        services.deliveries_record_bulk(actor=key_person, rows=rows, token="one-statement")
    table = DeliveryTally._meta.db_table
    assert len([q for q in queries.captured_queries if table in q["sql"]]) == 1
    assert as_counted(key_person.organisation)[0][-1] == 8


def test_a_count_can_never_fall_below_nought(child, engage, service, key_person):
    engagement = engage(child())
    row = DeliveryRow(engagement=engagement, service=service("Nursery"), delivered_on=TODAY)
    delivery = services.delivery_record(actor=key_person, row=row)
    DeliveryTally.objects.update(deliveries=0)  # as if the tally had gone wrong
    with pytest.raises(IntegrityError), transaction.atomic():
        services.delivery_mark_error(delivery=delivery, actor=key_person, reason="Wrong child")
    assert not ServiceDelivery.objects.for_org(key_person.organisation).get(pk=delivery.pk).in_error


def test_the_rebuild_command_counts_the_deliveries_again(child, engage, service, key_person):
    engagement = engage(child())
    row = DeliveryRow(engagement=engagement, service=service("Nursery"), delivered_on=TODAY)
    services.delivery_record(actor=key_person, row=row)
    kept = as_counted(key_person.organisation)
    DeliveryTally.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_delivery_tally", stdout=out)
    assert as_counted(key_person.organisation) == kept
    assert "1 daily tallies" in out.getvalue()
