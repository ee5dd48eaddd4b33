"""Bar charts as SVG, drawn on the server: no JavaScript, readable without colour.

Every bar carries its value as text beside it, so the chart reads the same in greyscale or
to a screen reader; the ``<title>`` and ``<desc>`` give a text alternative that lists the
figures. A hidden (suppressed) figure draws no bar and says "fewer than 5".
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from haven.reports.suppression import HIDDEN, HIDDEN_LONG

WIDTH = 720
LABEL_WIDTH = 230
VALUE_WIDTH = 110
BAR_HEIGHT = 22
GAP = 8
TOP = 8
# Dark blue on white and near-black text: both well above the 4.5:1 contrast WCAG asks for.
BAR_COLOUR = "#1d4e89"
TEXT_COLOUR = "#1b1b1b"


def _shorten(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _value_text(value) -> str:
    if value == HIDDEN:
        return HIDDEN_LONG
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def describe(title: str, bars: list[tuple[str, object]], unit: str) -> str:
    """The figures in words, for the chart's ``<desc>``."""
    if not bars:
        return f"{title}: nothing to show for this period."
    parts = [f"{label}: {_value_text(value)}" for label, value in bars]
    return f"{title} ({unit}). " + "; ".join(parts) + "."


def bar_chart(*, title: str, bars: list[tuple[str, object]], unit: str, chart_id: str) -> str:
    """A horizontal bar chart of ``bars`` ((label, value) pairs; value a number or HIDDEN)."""
    numbers = [v for _, v in bars if isinstance(v, int | float)]
    largest = max(numbers, default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP * 2 + max(len(bars), 1) * (BAR_HEIGHT + GAP)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="sans-serif" font-size="14">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(describe(title, bars, unit))}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for n, (label, value) in enumerate(bars):
        y = TOP + n * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(_shorten(str(label)))}</text>'
        )
        length = 0.0
        if isinstance(value, int | float) and value > 0:
            length = max(2.0, span * value / largest)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
                f'height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{middle}" '
            f'fill="{TEXT_COLOUR}">{escape(_value_text(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
