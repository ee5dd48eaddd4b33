"""A chronology entry as people read it: on the child's page, the household's page and in the
exports.

Rows are read as plain values (the recorder's name joined in) and their times, type and link
are written out once, here: a page is fifty rows, and building fifty model instances, then
having the template convert each date and look up each label and link, cost several times
the query that found them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from haven.chronology.models import Kind
from haven.core.http import url_for_any

KIND_LABELS = dict(Kind.choices)
CONCERN = "safeguarding.concern"
# The columns a row is made from, in the order of ``Row``'s first fields.
COLUMNS = (
    "id",
    "child_id",
    "occurred_at",
    "created_at",
    "kind",
    "category",
    "summary",
    "source_type",
    "source_id",
    "significant",
    "recorded_by__full_name",
)


@dataclass(slots=True)
class Row:
    """One entry. Text is escaped by the template; exports may rewrite ``summary``,
    ``category`` and ``marks`` (redaction), as the rows are their own copies."""

    pk: int
    child_id: int
    occurred_at: datetime
    created_at: datetime
    kind: str
    category: str
    summary: str
    source_type: str
    source_id: int
    significant: bool
    recorded_by: str  # the recorder's name, "" for an entry the system made
    occurred: str = ""  # local time, "31/12/2026 14:05"
    recorded: str = ""
    kind_label: str = ""
    url: str = ""  # the source's page, where it has one people open from here
    marks: list | None = None  # a concern's body map, attached by ``attach_body_maps``
    child: object = None  # the child, on the household chronology


def _local(moment: datetime, zone) -> str:
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M")


def read_rows(entries) -> list[Row]:
    """The rows of an ordered, sliced queryset of entries: one query."""
    zone = timezone.get_current_timezone()
    concern_url = None
    rows = []
    for values in entries.values_list(*COLUMNS):
        row = Row(*values)
        row.recorded_by = row.recorded_by or ""
        row.occurred = _local(row.occurred_at, zone)
        row.recorded = _local(row.created_at, zone)
        row.kind_label = KIND_LABELS.get(row.kind, row.kind)
        if row.source_type == CONCERN:
            concern_url = concern_url or url_for_any("safeguarding:concern")
            row.url = concern_url.format(row.source_id)
        rows.append(row)
    return rows
