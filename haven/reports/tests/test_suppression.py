"""Small-number suppression: no count below 5 reaches a leader, and no hidden count can be
worked out from the totals shown beside it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from haven.reports.figures import Figures, present
from haven.reports.suppression import HIDDEN, SMALL_NUMBER, suppress

counts = st.integers(min_value=0, max_value=40)
tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda width: st.lists(st.lists(counts, min_size=width, max_size=width), max_size=8)
)


def _published(shown) -> list:
    return [
        *[value for row in shown.cells for value in row],
        *shown.row_totals,
        *shown.column_totals,
        shown.grand_total,
    ]


@given(tables)
def test_no_figure_below_five_is_ever_shown(cells):
    for value in _published(suppress(cells)):
        assert value == HIDDEN or value >= SMALL_NUMBER


@given(tables)
def test_every_figure_five_or_more_in_a_row_without_hidden_cells_is_shown_exactly(cells):
    shown = suppress(cells)
    for row, published in zip(cells, shown.cells, strict=True):
        for value, seen in zip(row, published, strict=True):
            assert seen == (HIDDEN if value < SMALL_NUMBER else value)


@given(tables, st.data())
def test_a_hidden_cell_cannot_be_worked_out_from_the_totals(cells, data):
    """Change one hidden cell to another small value: if everything published stays the same,
    nobody reading the table can tell which value it was."""
    hidden = [(i, j) for i, row in enumerate(cells) for j, value in enumerate(row) if value < 5]
    if not hidden:
        return
    i, j = data.draw(st.sampled_from(hidden))
    other = [list(row) for row in cells]
    other[i][j] = data.draw(st.integers(0, SMALL_NUMBER - 1).filter(lambda v: v != cells[i][j]))
    assert _published(suppress(other)) == _published(suppress(cells))


@given(tables)
def test_the_table_and_chart_a_leader_sees_carry_no_small_figure(cells):
    width = len(cells[0]) if cells else 1
    figures = Figures(
        row_heading="Row",
        columns=[f"Column {n}" for n in range(width)],
        rows=[(f"Row {n}", row) for n, row in enumerate(cells)],
    )
    shown = present(figures, full=False)
    figures_seen = [v for row in shown.rows for v in row[1:]] + (shown.total_row or [])[1:]
    figures_seen += [value for _, value in shown.bars]
    for value in figures_seen:
        assert value == HIDDEN or value >= SMALL_NUMBER


def test_a_row_total_that_would_give_away_its_one_hidden_cell_is_hidden_too():
    shown = suppress([[3, 10], [6, 7]])
    assert shown.cells == [[HIDDEN, 10], [6, 7]]
    assert shown.row_totals == [HIDDEN, 13]
    assert shown.column_totals == [HIDDEN, 17]
    assert shown.grand_total == HIDDEN


def test_a_table_with_nothing_small_is_shown_whole():
    shown = suppress([[5, 10], [6, 7]])
    assert shown.cells == [[5, 10], [6, 7]]
    assert (shown.row_totals, shown.column_totals, shown.grand_total) == ([15, 13], [11, 17], 28)
