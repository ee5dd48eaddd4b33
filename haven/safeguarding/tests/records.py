"""Concerns made the way the application makes them, for tests across Haven."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from haven.core import clock
from haven.people import services as people_services
from haven.safeguarding.models import Concern, ConcernCategory
from haven.safeguarding.services import ConcernData, concern_record
from haven.safeguarding.taxonomy import seed_safeguarding


def make_child(actor, first: str, last: str, born: date = date(2017, 3, 14), **extra):
    return people_services.person_create(
        actor=actor,
        data={
            "kind": "child",
            "first_name": first,
            "last_name": last,
            "date_of_birth": born,
            **extra,
        },
        address={"address_line_1": f"1 {last} Road"},
        duplicate_reason="test data",
    )


def category(organisation, name: str = "Wellbeing") -> ConcernCategory:
    return ConcernCategory.objects.for_org(organisation).get(name=name, parent__isnull=True)


def subcategory(organisation, parent: str, name: str) -> ConcernCategory:
    return ConcernCategory.objects.for_org(organisation).get(name=name, parent__name=parent)


def concern_data(child, *, category_obj, linked=(), **fields) -> ConcernData:
    values = {
        "occurred_at": clock.now() - timedelta(hours=1),
        "account": f"{child.first_name} arrived with a bruise on the left forearm.",
        **fields,
    }
    return ConcernData(child=child, category=category_obj, linked_children=list(linked), **values)


@dataclass
class ConcernRecords:
    child: object
    concern: Concern
    others: list = field(default_factory=list)


def concern_records(recorder, child, *, alert_people=(), alert_teams=(), **fields):
    """One concern about ``child`` recorded by ``recorder`` in the default taxonomy."""
    seed_safeguarding(recorder.organisation)
    data = concern_data(
        child,
        category_obj=category(recorder.organisation, fields.pop("category", "Wellbeing")),
        **fields,
    )
    concern = concern_record(
        actor=recorder, data=data, alert_people=alert_people, alert_teams=alert_teams
    )
    return ConcernRecords(child=child, concern=concern)


# What a concern keeps for the reports, as the services (and migration 0008's fill) write it.
REPORT_FIELDS = (
    "year_group",
    "occurred_weekday",
    "occurred_hour",
    "seconds_to_first_action",
    "seconds_to_decision",
)


def fill_report_fields_again() -> None:
    """Run migration 0008's fill over every concern, as it ran over those recorded before.

    The fill needs only the connection and a way to run SQL: the migration's schema editor
    gives both, but cannot be opened inside a test's transaction on SQLite.
    """
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = import_module("haven.safeguarding.migrations.0008_concern_report_fields")
    editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    migration.fill_report_fields(apps, editor)
