"""The shape every report returns, and how it is shown to one reader.

A report's figures are a table of counts (one row per category, month, year group...) with
optional measures beside them (a median). ``present`` turns them into what a reader sees:
in full for the safeguarding leads and managers, suppressed for leaders and governors.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from haven.programmes.reports import safe_cell
from haven.reports.suppression import HIDDEN, in_full, suppress

# Which figures the chart draws: the total of each row, of each column, or every cell.
ROW_TOTALS, COLUMN_TOTALS, CELLS = "rows", "columns", "cells"


@dataclass
class Figures:
    row_heading: str
    columns: list[str]
    rows: list[tuple[str, list[int]]]
    with_totals: bool = True
    measures: list[str] = field(default_factory=list)
    # One list per row, in the order of ``measures``: a number, or None when not measurable.
    measure_values: list[list] = field(default_factory=list)
    chart: str = ROW_TOTALS
    chart_unit: str = "concerns"
    note: str = ""


@dataclass(frozen=True)
class Presented:
    header: list[str]
    rows: list[list]
    total_row: list | None
    bars: list[tuple[str, object]]
    suppressed: bool


def _measure(value, hidden: bool):
    if hidden:
        return HIDDEN
    if value is None:
        return "–"
    return round(value, 1) if isinstance(value, float) else value


def present(figures: Figures, *, full: bool) -> Presented:
    cells = [values for _, values in figures.rows]
    width = len(figures.columns)
    shown = in_full(cells, width) if full else suppress(cells, width)
    labels = [label for label, _ in figures.rows]
    many = len(figures.columns) > 1
    header = [figures.row_heading, *figures.columns]
    if figures.with_totals and many:
        header.append("Total")
    header.extend(figures.measures)
    rows = []
    for i, label in enumerate(labels):
        row = [label, *shown.cells[i]]
        if figures.with_totals and many:
            row.append(shown.row_totals[i])
        # A measure over a hidden count would give the count's size away: hide it too.
        hidden = any(value == HIDDEN for value in shown.cells[i])
        measures = figures.measure_values[i] if figures.measure_values else []
        row.extend(_measure(value, hidden) for value in measures)
        rows.append(row)
    total_row = None
    if figures.with_totals:
        total_row = ["Total", *shown.column_totals]
        if many:
            total_row.append(shown.grand_total)
        total_row.extend([""] * len(figures.measures))
    return Presented(
        header=header,
        rows=rows,
        total_row=total_row,
        bars=_bars(figures, shown, labels),
        suppressed=not full and any(HIDDEN in row for row in rows),
    )


def _bars(figures: Figures, shown, labels: list[str]) -> list[tuple[str, object]]:
    if figures.chart == COLUMN_TOTALS:
        return list(zip(figures.columns, shown.column_totals, strict=True))
    if figures.chart == CELLS:
        return [
            (f"{label}: {column}", value)
            for label, values in zip(labels, shown.cells, strict=True)
            for column, value in zip(figures.columns, values, strict=True)
        ]
    return list(zip(labels, shown.row_totals, strict=True))


def to_csv(presented: Presented) -> str:
    """The table as CSV, every cell made safe from spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in presented.header])
    for row in presented.rows:
        writer.writerow([safe_cell(v) for v in row])
    if presented.total_row:
        writer.writerow([safe_cell(v) for v in presented.total_row])
    return out.getvalue()
