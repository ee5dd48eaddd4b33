"""The daily delivery counts behind the deliveries report (``DeliveryTally``).

Every service that stores, corrects or withdraws a delivery changes the counts in the same
transaction, in one statement however many deliveries it touched. ``rebuild`` works the
counts out again from the deliveries themselves (for a new installation's history, for the
generator, and for the tests that prove the services and the rebuild agree).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.db.models import F

from haven.people.models import Person
from haven.programmes.models import DeliveryTally, Engagement, ServiceDelivery

COLUMNS = ("organisation_id", "delivered_on", "programme_id", "attendance", "year_group")


def stamp_year_groups(deliveries: list[ServiceDelivery]) -> None:
    """Give new deliveries their child's year group as it is today (one query)."""
    children = {d.engagement.child_id for d in deliveries}
    year_groups = dict(Person.unscoped.filter(pk__in=children).values_list("pk", "year_group"))
    for delivery in deliveries:
        delivery.year_group = year_groups[delivery.engagement.child_id]


def _key(delivery: ServiceDelivery) -> tuple:
    return (
        delivery.organisation_id,
        delivery.delivered_on,
        delivery.engagement.programme_id,
        delivery.attendance,
        delivery.year_group,
    )


def count(deliveries: Iterable[ServiceDelivery], *, less: Iterable[ServiceDelivery] = ()) -> None:
    """Add ``deliveries`` to the counts and take ``less`` away (each as it stands now)."""
    change = Counter(_key(d) for d in deliveries)
    change.subtract(_key(d) for d in less)
    _add([(*key, n) for key, n in change.items() if n > 0])
    for key, n in change.items():
        # A count taken away is always there already (a correction or a withdrawal moves
        # one or two at a time); below nought, the database refuses and nothing is saved.
        if n < 0:
            DeliveryTally.objects.filter(**dict(zip(COLUMNS, key, strict=True))).update(
                deliveries=F("deliveries") + n
            )


def _add(rows: list[tuple]) -> None:
    if not rows:
        return
    table = DeliveryTally._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    columns = ", ".join(COLUMNS)
    # Both databases add to a count already there, atomically, in the one statement. Only
    # our own table and column names are written into it; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({columns}, deliveries) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({columns}) "
        f"DO UPDATE SET deliveries = {table}.deliveries + excluded.deliveries"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


REBUILD = """
    INSERT INTO {tally} ({columns}, deliveries)
    SELECT d.organisation_id, d.delivered_on, e.programme_id, d.attendance, d.year_group,
           COUNT(*)
    FROM {delivery} d JOIN {engagement} e ON e.id = d.engagement_id
    WHERE d.entered_in_error_at IS NULL {only}
    GROUP BY d.organisation_id, d.delivered_on, e.programme_id, d.attendance, d.year_group
"""


def rebuild(organisation=None) -> None:
    """Count the current deliveries again, for one organisation or all, in the database."""
    tallies = DeliveryTally.objects.all()
    only, params = "", []
    if organisation is not None:
        tallies = tallies.filter(organisation=organisation)
        only, params = "AND d.organisation_id = %s", [organisation.pk]
    tallies.delete()
    sql = REBUILD.format(
        tally=DeliveryTally._meta.db_table,
        columns=", ".join(COLUMNS),
        delivery=ServiceDelivery._meta.db_table,
        engagement=Engagement._meta.db_table,
        only=only,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
