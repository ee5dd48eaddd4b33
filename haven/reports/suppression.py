"""Small-number suppression for the figures leaders and governors see.

The rule (README, "Reports"):

1. *Primary*: every count below ``SMALL_NUMBER`` (0 to 4) is shown as "<5". A count of 1 or 2
   in a small school can point at one child or one member of staff; zero is hidden too, so
   "none" and "one" look the same.
2. *Secondary*: a total is hidden when any count it adds up is hidden — the total of a row
   with a hidden cell, the total of a column with a hidden cell, and the grand total whenever
   anything is hidden. Every published sum then covers only published cells, so no hidden
   cell can be worked out by subtracting the others from a total (nor from a total of totals).

Measures that are not counts (a median) are hidden when the count they are measured over is.
"""

from __future__ import annotations

from dataclasses import dataclass

SMALL_NUMBER = 5
HIDDEN = "<5"
HIDDEN_LONG = f"fewer than {SMALL_NUMBER}"


def is_small(value) -> bool:
    return isinstance(value, int) and value < SMALL_NUMBER


@dataclass(frozen=True)
class Shown:
    """A table of counts as one reader may see it: each value a number or ``HIDDEN``."""

    cells: list[list]
    row_totals: list
    column_totals: list
    grand_total: object


def totals(cells: list[list[int]], width: int | None = None) -> tuple[list[int], list[int], int]:
    rows = [sum(row) for row in cells]
    if width is None:
        width = max((len(row) for row in cells), default=0)
    columns = [sum(row[j] for row in cells) for j in range(width)]
    return rows, columns, sum(rows)


def suppress(cells: list[list[int]], width: int | None = None) -> Shown:
    """The counts with primary and secondary suppression applied (see the module docstring).
    ``width``: the number of columns, for a table with no rows."""
    row_totals, column_totals, grand = totals(cells, width)
    hidden = [[is_small(value) for value in row] for row in cells]
    shown = [
        [HIDDEN if hide else value for value, hide in zip(row, flags, strict=True)]
        for row, flags in zip(cells, hidden, strict=True)
    ]
    rows_shown = [
        HIDDEN if any(flags) or is_small(total) else total
        for total, flags in zip(row_totals, hidden, strict=True)
    ]
    columns_shown = [
        HIDDEN if any(flags[j] for flags in hidden) or is_small(total) else total
        for j, total in enumerate(column_totals)
    ]
    anything_hidden = any(any(flags) for flags in hidden)
    grand_shown = HIDDEN if anything_hidden or is_small(grand) else grand
    return Shown(shown, rows_shown, columns_shown, grand_shown)


def in_full(cells: list[list[int]], width: int | None = None) -> Shown:
    """The same shape with nothing hidden, for the safeguarding leads and managers."""
    row_totals, column_totals, grand = totals(cells, width)
    return Shown([list(row) for row in cells], row_totals, column_totals, grand)
