"""The concern report index carries what the reports group and measure by. Built in a
migration of its own: PostgreSQL cannot build an index in the transaction that has just
filled the columns (foreign key checks are still pending)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0008_concern_report_fields")]

    operations = [
        migrations.RemoveIndex(
            model_name="concern",
            name="concern_reports_period",
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                condition=models.Q(("entered_in_error", False)),
                fields=["organisation", "occurred_at"],
                include=(
                    "id",
                    "category",
                    "created_by",
                    "year_group",
                    "occurred_weekday",
                    "occurred_hour",
                    "seconds_to_first_action",
                    "seconds_to_decision",
                ),
                name="concern_reports_period",
            ),
        ),
    ]
