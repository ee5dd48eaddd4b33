"""The compliance matrix as CSV and as a PDF for inspections.

Both carry one row per person, like a single central record: who they are, their post,
paid or volunteer, start date, level, DBS check, induction and each required course.

CSV cells that a spreadsheet would run as a formula (starting with = + - @, or a tab or
carriage return) are prefixed with a single quote. The PDF is drawn by WeasyPrint from a
template, marked OFFICIAL-SENSITIVE on every page, with page numbers; it loads nothing from
anywhere (every URL is refused), so a name in the data cannot make the server fetch a URL.
"""

from __future__ import annotations

import csv
import io

from django.template.loader import render_to_string
from django.utils import timezone

from haven.core import clock
from haven.workforce.queries import LEVEL_KEY, Matrix, Status

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _cell_text(cell) -> str:
    if cell.status == Status.NOT_NEEDED:
        return "Not needed"
    if cell.expires_on is None:
        return Status.LABELS[cell.status]
    verb = "expired" if cell.status == Status.OVERDUE else "valid until"
    return f"{Status.LABELS[cell.status]} ({verb} {_date(cell.expires_on)})"


def header(matrix: Matrix) -> list[str]:
    return [
        "Name",
        "Post or role",
        "Paid or volunteer",
        "Started",
        "Team",
        "Line manager",
        "Level",
        "DBS type",
        "DBS issued",
        "DBS update service",
        "DBS renewal due",
        "DBS status",
        "Induction due",
        "Induction",
        *(r.title for r in matrix.requirements),
        "Overall",
    ]


def rows(matrix: Matrix):
    for row in matrix.rows:
        staff, check = row.staff, row.dbs.check
        yield [
            staff.full_name,
            staff.post_title,
            staff.get_kind_display(),
            _date(staff.started_on),
            staff.team.name if staff.team else "",
            staff.line_manager.full_name if staff.line_manager else "",
            staff.level,
            check.get_check_type_display() if check else "",
            _date(check.issued_on) if check else "",
            ("Yes" if check.update_service else "No") if check else "",
            _date(check.renewal_due_on) if check else "",
            row.dbs.label,
            _date(staff.induction_due_on),
            row.induction.label,
            *(_cell_text(row.cell(r.key)) for r in matrix.requirements),
            "Compliant" if row.is_compliant else Status.LABELS[row.worst],
        ]


def to_csv(matrix: Matrix) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(v) for v in header(matrix)])
    for values in rows(matrix):
        writer.writerow([neutralise(v) for v in values])
    return out.getvalue()


def to_pdf(matrix: Matrix, *, organisation, filters: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "workforce/compliance_pdf.html",
        {
            "matrix": matrix,
            "organisation": organisation,
            "filters": filters,
            "generated_at": timezone.localtime(clock.now()),
            "header": header(matrix),
            "rows": list(rows(matrix)),
            "level_key": LEVEL_KEY,
        },
    )
    refuse_everything = URLFetcher(allowed_protocols=())
    return HTML(string=html, url_fetcher=refuse_everything).write_pdf()
