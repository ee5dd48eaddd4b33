"""Concerns carry what the reports group and measure by; concerns already recorded get theirs
from their main child's year group today, the first action and the first triage decision."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay

# Seconds from a concern being recorded to its first action, set in one statement per database.
FIRST_ACTION_SQL = {
    "postgresql": """
        UPDATE {concern} c SET seconds_to_first_action =
            GREATEST(0, EXTRACT(EPOCH FROM a.first_at - c.created_at))::integer
        FROM (SELECT concern_id, MIN(created_at) AS first_at FROM {action} GROUP BY concern_id) a
        WHERE a.concern_id = c.id
    """,
    "sqlite": """
        UPDATE {concern} SET seconds_to_first_action = (
            SELECT MAX(0, CAST(ROUND(
                (julianday(MIN(a.created_at)) - julianday({concern}.created_at)) * 86400
            ) AS INTEGER))
            FROM {action} a WHERE a.concern_id = {concern}.id
        )
        WHERE EXISTS (SELECT 1 FROM {action} a WHERE a.concern_id = {concern}.id)
    """,
}


def fill_report_fields(apps, schema_editor):
    Concern = apps.get_model("safeguarding", "Concern")
    ConcernAction = apps.get_model("safeguarding", "ConcernAction")
    Person = apps.get_model("people", "Person")
    TriageDecision = apps.get_model("safeguarding", "TriageDecision")
    london = ZoneInfo(settings.TIME_ZONE)
    Concern._default_manager.update(
        year_group=Coalesce(
            Subquery(Person._default_manager.filter(pk=OuterRef("child_id")).values("year_group")[:1]),
            Value(""),
        ),
        occurred_weekday=ExtractIsoWeekDay("occurred_at", tzinfo=london),
        occurred_hour=ExtractHour("occurred_at", tzinfo=london),
        seconds_to_decision=Subquery(
            TriageDecision._default_manager.filter(concern_id=OuterRef("pk"), first_decision=True)
            .order_by("created_at")
            .values("seconds_to_decision")[:1]
        ),
    )
    sql = FIRST_ACTION_SQL[schema_editor.connection.vendor].format(
        concern=Concern._meta.db_table, action=ConcernAction._meta.db_table
    )
    schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_organisation_front_door_alter_userrole_role"),
        ("documents", "0001_initial"),
        ("people", "0008_person_photo"),
        ("programmes", "0002_corrections_and_follow_ups"),
        ("safeguarding", "0007_alert_unread_in_inbox_order"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="concern",
            name="occurred_hour",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="concern",
            name="occurred_weekday",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="concern",
            name="seconds_to_decision",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="concern",
            name="seconds_to_first_action",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="concern",
            name="year_group",
            field=models.CharField(blank=True, max_length=2),
        ),
        migrations.RunPython(fill_report_fields, migrations.RunPython.noop),
    ]
