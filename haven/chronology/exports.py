"""A child's chronology as a PDF for a case conference, or as CSV.

The PDF is drawn by WeasyPrint from a template: organisation, child, period, the filters
used, who produced it and when, "Page N of M" and OFFICIAL-SENSITIVE on every page, the body
maps of concerns, and a summary of each safeguarding case the reader may see. It loads
nothing from anywhere (every URL is refused), so text in a record cannot make the server
fetch a URL. CSV cells that a spreadsheet would run as a formula are neutralised.

With redaction, every piece of text that comes from a record goes through one ``Redactor``
(see ``redaction``), so the same other child is the same "Child A" in every entry, body map
note and case summary.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from haven.chronology import queries
from haven.chronology.redaction import Redactor, redactor_for
from haven.chronology.rows import read_rows
from haven.core import clock
from haven.workforce.exports import neutralise

# Enough for years of a busy child's record; the export says when it stops short.
MAX_ENTRIES = 2000


@dataclass
class Document:
    """Everything an export shows, already redacted where asked."""

    child: object
    organisation: object
    actor: object
    filters_label: str
    entries: list
    truncated: bool
    cases: list = field(default_factory=list)
    redacted: bool = False
    generated_at: datetime | None = None
    # Why it was drawn, when not for a case conference (a safeguarding file transfer, say).
    purpose: str = ""

    @property
    def period(self) -> str:
        if not self.entries:
            return "No entries"
        times = [e.occurred_at for e in self.entries]
        first, last = (timezone.localtime(t) for t in (min(times), max(times)))
        return f"{first:%d/%m/%Y} to {last:%d/%m/%Y}"


def _source_children(entries) -> set[int]:
    """Other children named on the concerns behind the entries: one query."""
    ids = [e.source_id for e in entries if e.source_type == "safeguarding.concern"]
    if not ids:
        return set()
    from haven.safeguarding.models import ConcernChild

    return set(ConcernChild.unscoped.filter(concern_id__in=ids).values_list("person_id", flat=True))


def _texts(entries, cases) -> list[str]:
    texts = []
    for entry in entries:
        texts += [entry.summary, entry.category]
        for mark in entry.marks or []:
            if isinstance(mark, dict):
                texts += [str(mark.get("note") or ""), str(mark.get("size") or "")]
    for summary in cases:
        case = summary["case"]
        texts += [case.threshold_reason]
        texts += [t for a in summary["actions"] for t in (a.actions_taken, a.rationale)]
        texts += [c.note for c in summary["changes"]]
        texts += [t for c in summary["closures"] for t in (c.comments, c.decision_comment)]
    return [t for t in texts if t]


def _redact(document: Document, redactor: Redactor) -> None:
    """Rewrite every record's text in place (the rows are this export's own copies)."""
    for entry in document.entries:
        entry.summary = redactor.apply(entry.summary)
        entry.category = redactor.apply(entry.category)
        if entry.marks:
            entry.marks = [
                {
                    **m,
                    "note": redactor.apply(m.get("note") or ""),
                    "size": redactor.apply(m.get("size") or ""),
                }
                if isinstance(m, dict)
                else m
                for m in entry.marks
            ]
    for summary in document.cases:
        summary["case"].threshold_reason = redactor.apply(summary["case"].threshold_reason)
        for action in summary["actions"]:
            action.actions_taken = redactor.apply(action.actions_taken)
            action.rationale = redactor.apply(action.rationale)
        for change in summary["changes"]:
            change.note = redactor.apply(change.note)
        for closure in summary["closures"]:
            closure.comments = redactor.apply(closure.comments)
            closure.decision_comment = redactor.apply(closure.decision_comment)


def build(
    *, user, child, filters: dict, redact: bool, with_cases: bool = True, purpose: str = ""
) -> Document:
    """The entries ``user`` may see with ``filters`` (all of them, up to MAX_ENTRIES), the
    case summaries, and the redaction: a fixed number of queries for any size."""
    from haven.cases.queries import child_case_summaries

    entries = queries.filtered(
        user,
        child.organisation_id,
        filters,
        children=[child],
        scopes=queries.visible_scopes(user, child),
    )
    rows = read_rows(queries.ordered(entries, filters)[: MAX_ENTRIES + 1])
    truncated = len(rows) > MAX_ENTRIES
    rows = rows[:MAX_ENTRIES]
    queries.attach_body_maps(rows)
    cases = child_case_summaries(user, child) if with_cases else []
    document = Document(
        child=child,
        organisation=child.organisation,
        actor=user,
        filters_label=queries.describe_filters(filters),
        entries=rows,
        truncated=truncated,
        cases=cases,
        redacted=redact,
        generated_at=timezone.localtime(clock.now()),
        purpose=purpose,
    )
    if redact:
        redactor = redactor_for(
            child=child, texts=_texts(rows, cases), source_children=_source_children(rows)
        )
        _redact(document, redactor)
    return document


def to_pdf(document: Document) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("chronology/export_pdf.html", {"doc": document})
    refuse_everything = URLFetcher(allowed_protocols=())
    return HTML(string=html, url_fetcher=refuse_everything).write_pdf()


CSV_HEADER = [
    "Occurred",
    "Recorded",
    "Recorded by",
    "Type",
    "Category",
    "Summary",
    "Significant",
]


def to_csv(document: Document) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"Chronology of {document.child.full_name}", document.organisation.name])
    writer.writerow(["Filters", neutralise(document.filters_label)])
    writer.writerow(CSV_HEADER)
    for entry in document.entries:
        writer.writerow(
            [
                entry.occurred,
                entry.recorded,
                neutralise(entry.recorded_by),
                neutralise(entry.kind_label),
                neutralise(entry.category),
                neutralise(entry.summary),
                "Yes" if entry.significant else "No",
            ]
        )
    # A byte-order mark so spreadsheet programs read the names' accents correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
