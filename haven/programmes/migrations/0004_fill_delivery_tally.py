"""Deliveries already recorded take their child's year group today, and the delivery tally is
counted from them. A migration of its own, so no table is altered in the transaction that
fills them (PostgreSQL refuses while the new rows' foreign key checks are pending)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

# As ``programmes.tally.REBUILD`` read when this migration was written.
COUNT = """
    INSERT INTO {tally}
        (organisation_id, delivered_on, programme_id, attendance, year_group, deliveries)
    SELECT d.organisation_id, d.delivered_on, e.programme_id, d.attendance, d.year_group,
           COUNT(*)
    FROM {delivery} d JOIN {engagement} e ON e.id = d.engagement_id
    WHERE d.entered_in_error_at IS NULL
    GROUP BY d.organisation_id, d.delivered_on, e.programme_id, d.attendance, d.year_group
"""


def fill(apps, schema_editor):
    ServiceDelivery = apps.get_model("programmes", "ServiceDelivery")
    Engagement = apps.get_model("programmes", "Engagement")
    DeliveryTally = apps.get_model("programmes", "DeliveryTally")
    ServiceDelivery._default_manager.update(
        year_group=Subquery(
            Engagement._default_manager.filter(pk=OuterRef("engagement_id")).values(
                "child__year_group"
            )[:1]
        )
    )
    schema_editor.execute(
        COUNT.format(
            tally=DeliveryTally._meta.db_table,
            delivery=ServiceDelivery._meta.db_table,
            engagement=Engagement._meta.db_table,
        )
    )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_delivery_tally")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
