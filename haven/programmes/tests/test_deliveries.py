import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.chronology.models import Entry, Kind
from haven.core.errors import DomainError
from haven.programmes import services
from haven.programmes.models import Batch, ServiceDelivery
from haven.programmes.services import DeliveryRow

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _row(engagement, service, day=TODAY, **extra):
    return DeliveryRow(engagement=engagement, service=service, delivered_on=day, **extra)


def test_a_session_is_recorded_with_a_routine_chronology_entry(child, engage, service, key_person):
    engagement = engage(child())
    delivery = services.delivery_record(actor=key_person, row=_row(engagement, service("Nursery")))
    assert delivery.quantity == 1
    entry = Entry.objects.for_org(engagement.organisation).get(kind=Kind.SERVICE_DELIVERY)
    assert entry.routine and entry.scope == engagement.scope
    assert entry.summary == "SF: Nursery: present"


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "future"),
        (TODAY - datetime.timedelta(days=400), "before the engagement began"),
    ],
)
def test_a_delivery_outside_the_engagement_is_refused(
    child, engage, service, key_person, day, message
):
    engagement = engage(child())
    with pytest.raises(DomainError, match=message):
        services.delivery_record(actor=key_person, row=_row(engagement, service("Nursery"), day))
    assert not ServiceDelivery.objects.for_org(engagement.organisation).exists()


def test_a_delivery_outside_the_programme_dates_is_refused(
    child, engage, service, key_person, st_francis
):
    engagement = engage(child())
    st_francis.start_date = TODAY
    st_francis.save()
    with pytest.raises(DomainError, match="outside the dates"):
        services.delivery_record(
            actor=key_person,
            row=_row(engagement, service("Nursery"), TODAY - datetime.timedelta(days=1)),
        )


def test_a_closed_engagement_takes_no_new_deliveries(child, engage, service, key_person, option):
    engagement = engage(child())
    services.engagement_close(
        engagement=engagement,
        actor=key_person,
        closed_on=TODAY,
        reason=option("engagement_closure_reason"),
    )
    with pytest.raises(DomainError, match="takes no new service deliveries"):
        services.delivery_record(actor=key_person, row=_row(engagement, service("Nursery")))


def test_bulk_entry_is_all_or_nothing_and_says_which_rows_are_wrong(
    child, engage, service, key_person
):
    one, two = engage(child()), engage(child("Fred", "Flagg"))
    rows = [_row(one, service("Trip")), _row(two, None)]
    with pytest.raises(services.RowsRefused) as refused:
        services.deliveries_record_bulk(actor=key_person, rows=rows, token="t1")
    assert list(refused.value.errors) == [1]
    assert not ServiceDelivery.objects.for_org(one.organisation).exists()


def test_a_double_submit_stores_nothing_twice(child, engage, service, key_person):
    one, two = engage(child()), engage(child("Fred", "Flagg"))
    rows = [_row(one, service("Trip")), _row(two, service("Trip"))]
    first = services.deliveries_record_bulk(actor=key_person, rows=rows, token="t2")
    again = services.deliveries_record_bulk(actor=key_person, rows=rows, token="t2")
    assert (first.stored, first.repeated) == (2, False)
    assert (again.stored, again.repeated) == (2, True)
    assert ServiceDelivery.objects.for_org(one.organisation).count() == 2
    assert Entry.objects.for_org(one.organisation).filter(kind=Kind.SERVICE_DELIVERY).count() == 2


def _register_queries(n, child, engage, service, key_person, option):
    engagements = [engage(child(f"Kid{i}", f"Register{n}")) for i in range(n)]
    absent = option("absence_reason")
    rows = [
        _row(e, service("Nursery"), attendance="absent_authorised", absence_reason=absent)
        if i % 3 == 0
        else _row(e, service("Nursery"))
        for i, e in enumerate(engagements)
    ]
    with CaptureQueriesContext(connection) as queries:
        result = services.deliveries_record_bulk(
            actor=key_person, rows=rows, token=f"reg-{n}", kind=Batch.Kind.REGISTER
        )
    assert result.stored == n
    return len(queries)


def test_saving_a_register_costs_the_same_number_of_queries_for_3_or_60_children(
    child, engage, service, key_person, option
):
    few = _register_queries(3, child, engage, service, key_person, option)
    many = _register_queries(60, child, engage, service, key_person, option)
    assert few == many
    assert many <= 13  # one of them reads the children's year groups for the delivery tally
