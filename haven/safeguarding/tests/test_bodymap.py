"""The body map: what the server accepts, how the widget draws it, and how it prints."""

from __future__ import annotations

import contextlib
import html as html_lib
import json
import math
import re
import shutil
import subprocess

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.template.loader import render_to_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.safeguarding.bodymap import (
    MAX_MARKS,
    MAX_NOTE_LENGTH,
    MAX_SIZE_LENGTH,
    REGIONS,
    BodyMapField,
    clean_marks,
    mark_items,
    nearest_region,
)
from haven.safeguarding.models import BODY_MAP_MARK_KINDS, BODY_MAP_SIDES


def a_mark(**changes):
    mark = {"side": "front", "x": 22, "y": 49, "kind": "bruise", "size": "2 cm", "note": ""}
    mark.update(changes)
    return mark


class ConcernLikeForm(forms.Form):
    account = forms.CharField()
    body_map = BodyMapField(required=False)


# --- What the server accepts ----------------------------------------------------------------


def test_a_well_formed_body_map_is_accepted_and_tidied():
    untidy = a_mark(side=" back ", x=10, y=90.25, kind="cut ", size=" 3 \n cm ", note=" a\n b ")
    marks = clean_marks(json.dumps([untidy]))
    assert marks == [
        {"side": "back", "x": 10.0, "y": 90.2, "kind": "cut", "size": "3 cm", "note": "a\n b"}
    ]


def test_size_and_note_may_be_left_out():
    assert clean_marks([{"side": "front", "x": 0, "y": 100, "kind": "other"}]) == [
        {"side": "front", "x": 0.0, "y": 100.0, "kind": "other", "size": "", "note": ""}
    ]


@pytest.mark.parametrize("empty", ["", "  ", "[]", None, []])
def test_an_empty_body_map_is_an_empty_list(empty):
    assert clean_marks(empty) == []


@pytest.mark.parametrize(
    "value, message",
    [
        ("{not json", "could not be read"),
        ('{"side": "front"}', "could not be read"),
        ('[{"side": "front", "x": NaN, "y": 1, "kind": "cut"}]', "could not be read"),
        (json.dumps([a_mark(side="top")]), "Mark 1: say whether it is on the front or the back"),
        (json.dumps([a_mark(), a_mark(kind="scratch")]), "Mark 2: choose the type of mark"),
        (json.dumps([a_mark(kind="")]), "Mark 1: choose the type of mark"),
        (json.dumps([a_mark(x=100.5)]), "Mark 1 is not on the outline"),
        (json.dumps([a_mark(y=-1)]), "Mark 1 is not on the outline"),
        (json.dumps([a_mark(x="50")]), "Mark 1 is not on the outline"),
        (json.dumps([a_mark(x=True)]), "Mark 1 is not on the outline"),
        (json.dumps([a_mark(x=10**400)]), "Mark 1 is not on the outline"),
        (json.dumps([a_mark(size="x" * (MAX_SIZE_LENGTH + 1))]), "keep the size to 60"),
        (json.dumps([a_mark(note="x" * (MAX_NOTE_LENGTH + 1))]), "keep the note to 500"),
        (json.dumps([a_mark(note=["a list"])]), "the note must be text"),
        (json.dumps([a_mark(note="nul \x00 byte")]), "cannot be stored"),
        (json.dumps([a_mark(size="bell \x07")]), "cannot be stored"),
        (json.dumps([a_mark(note="half \ud800 pair")]), "cannot be stored"),
        (json.dumps([a_mark(colour="red")]), "Mark 1 could not be read"),
        (json.dumps(["a string"]), "Mark 1 could not be read"),
        (json.dumps([a_mark()] * (MAX_MARKS + 1)), "50 marks at most"),
    ],
)
def test_anything_else_is_refused_with_a_message_that_names_the_problem(value, message):
    with pytest.raises(ValidationError) as refused:
        clean_marks(value)
    assert message in " ".join(refused.value.messages)


def test_every_wrong_mark_is_reported_at_once():
    with pytest.raises(ValidationError) as refused:
        clean_marks([a_mark(kind="?"), a_mark(), a_mark(side="?")])
    assert [m[:6] for m in refused.value.messages] == ["Mark 1", "Mark 3"]


def _is_valid_mark(mark) -> bool:
    return (
        isinstance(mark, dict)
        and set(mark) == {"side", "x", "y", "kind", "size", "note"}
        and mark["side"] in BODY_MAP_SIDES
        and mark["kind"] in BODY_MAP_MARK_KINDS
        and all(type(mark[k]) is float and 0 <= mark[k] <= 100 for k in ("x", "y"))
        and isinstance(mark["size"], str)
        and len(mark["size"]) <= MAX_SIZE_LENGTH
        and isinstance(mark["note"], str)
        and len(mark["note"]) <= MAX_NOTE_LENGTH
        and "\x00" not in mark["note"] + mark["size"]
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["front", "back", *BODY_MAP_MARK_KINDS]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["side", "x", "y", "kind", "size", "note", "other"])
            | st.text(max_size=5),
            children,
            max_size=7,
        )
    ),
    max_leaves=20,
)
plausible_marks = st.fixed_dictionaries(
    {
        "side": st.sampled_from(["front", "back", "side", " front"]),
        "x": st.floats(min_value=-5, max_value=105) | st.integers(-5, 105),
        "y": st.floats(min_value=-5, max_value=105) | st.integers(-5, 105),
        "kind": st.sampled_from([*BODY_MAP_MARK_KINDS, "graze", ""]),
    },
    optional={"size": st.text(max_size=70), "note": st.text(max_size=520) | st.none()},
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values | st.lists(plausible_marks, max_size=4))
def test_arbitrary_json_is_either_a_valid_body_map_or_a_validation_error(value):
    text = json.dumps(value)
    try:
        marks = clean_marks(text)
    except ValidationError as refused:
        assert refused.messages and all(refused.messages)
        return
    assert isinstance(marks, list) and len(marks) <= MAX_MARKS
    assert all(_is_valid_mark(mark) for mark in marks)
    assert clean_marks(marks) == marks  # cleaning twice changes nothing


@given(st.text(max_size=200))
def test_arbitrary_text_never_escapes_as_anything_but_a_validation_error(text):
    with contextlib.suppress(ValidationError):
        clean_marks(text)


# --- The form field ------------------------------------------------------------------------


def test_the_form_receives_the_marks_from_the_hidden_input():
    form = ConcernLikeForm({"account": "Seen at lunch.", "body_map": json.dumps([a_mark()])})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["body_map"] == [
        {"side": "front", "x": 22.0, "y": 49.0, "kind": "bruise", "size": "2 cm", "note": ""}
    ]


def test_a_required_body_map_needs_a_mark():
    field = BodyMapField(required=True)
    with pytest.raises(ValidationError, match="Place at least one mark"):
        field.clean("[]")


def test_after_a_validation_error_the_marks_come_back_exactly_as_entered():
    entered = [a_mark(note="Yellowing at the edges"), a_mark(side="back", kind="", x=60, y=30)]
    form = ConcernLikeForm({"account": "", "body_map": json.dumps(entered)})
    assert not form.is_valid()
    assert "Mark 2: choose the type of mark" in form.errors["body_map"][0]
    html = str(form["body_map"])
    hidden = _hidden_value(html)
    assert json.loads(hidden) == entered
    assert "Yellowing at the edges" in html  # also in the rows shown without JavaScript


def _hidden_value(html: str) -> str:
    match = re.search(r'name="body_map" id="id_body_map_data" value="([^"]*)"', html)
    assert match, html[:500]
    return html_lib.unescape(match.group(1))


def test_the_widget_draws_numbered_marks_and_offers_every_body_area():
    html = str(ConcernLikeForm(initial={"body_map": [a_mark(), a_mark(side="back")]})["body_map"])
    assert html.count('fill="#b10e1e"') == 2
    assert 'id="id_body_map_front"' in html and 'id="id_body_map_back"' in html
    assert "safeguarding/body_map.js" in html and "safeguarding/body_map.css" in html
    for label, _, _ in REGIONS["front"] + REGIONS["back"]:
        assert f">{label}</option>" in html
    assert "style=" not in html  # the content security policy allows no inline styles
    assert "<script>" not in html


def test_without_javascript_marks_can_be_edited_removed_and_added_by_body_area():
    first, second = a_mark(), a_mark(side="back", kind="cut", x=70, y=60)
    data = QueryDict(mutable=True)
    data.update(
        {
            "account": "Seen at lunch.",
            "body_map": json.dumps([first, second]),
            "body_map_noscript": "1",
            "body_map_remove": "0",
            "body_map_mark-1-kind": "burn",
            "body_map_mark-1-size": "1 cm",
            "body_map_mark-1-note": "Round",
            "body_map_add-0-area": "front:2",  # chest
            "body_map_add-0-kind": "mark",
            "body_map_add-0-size": "",
            "body_map_add-0-note": "Felt-tip pen",
            "body_map_add-1-area": "",
            "body_map_add-2-area": "nowhere:99",
        }
    )
    form = ConcernLikeForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["body_map"] == [
        {"side": "back", "x": 70.0, "y": 60.0, "kind": "burn", "size": "1 cm", "note": "Round"},
        {"side": "front", "x": 50.0, "y": 29.0, "kind": "mark", "size": "", "note": "Felt-tip pen"},
    ]


def test_the_label_points_at_the_front_outline_and_errors_link_to_the_widget():
    form = ConcernLikeForm({"account": "x", "body_map": "[1]"})
    assert not form.is_valid()
    html = render_to_string(
        "safeguarding/includes/body_map_field.html", {"field": form["body_map"]}
    )
    assert "<legend" in html and "Body map" in html
    assert 'id="id_body_map_error"' in html
    assert 'class="body-map" id="id_body_map"' in html  # the error summary's #id_body_map link
    assert form["body_map"].id_for_label == "id_body_map_front"


# --- Positions in words ----------------------------------------------------------------------


def test_positions_are_named_from_the_childs_point_of_view():
    # On the front the child's right is on the viewer's left; on the back it is the other way.
    assert nearest_region("front", 22, 49) == "right forearm"
    assert nearest_region("front", 78, 49) == "left forearm"
    assert nearest_region("back", 22, 49) == "back of the left forearm"
    assert nearest_region("back", 50, 8) == "back of the head"
    assert nearest_region("nonsense", 50, 8) == "head and face"


def test_mark_items_survive_half_valid_marks():
    items = mark_items([a_mark(), "junk", {"side": "?", "x": math.inf, "kind": 3}])
    assert [i.number for i in items] == [1, 2]
    assert items[1].side == "front" and items[1].cx == 100 and items[1].kind_label


# --- The read-only drawing, on pages and in PDFs ----------------------------------------------


def test_the_read_only_drawing_numbers_the_marks_and_lists_them_in_words():
    html = render_to_string(
        "safeguarding/includes/body_map.html",
        {"marks": [a_mark(note="Finger-shaped"), a_mark(side="back", kind="burn", size="")]},
    )
    assert 'role="img"' in html and "with 2 marks" in html
    first = "<strong>Bruise</strong> — front, near the right forearm. Size: 2 cm. Finger-shaped"
    assert first in html
    assert "<strong>Burn</strong> — back, near the back of the left forearm</li>" in html
    assert "<script" not in html and "style=" not in html


def test_a_body_map_without_marks_says_so():
    html = render_to_string("safeguarding/includes/body_map.html", {"marks": []})
    assert "No marks on the body map." in html and "<svg" not in html


def test_the_compact_drawing_is_smaller():
    html = render_to_string(
        "safeguarding/includes/body_map.html", {"marks": [a_mark()], "compact": True}
    )
    assert 'width="147"' in html and "body-map-view--compact" in html


def _red_pixels(ppm: bytes) -> list[tuple[int, int]]:
    """Pixels of the marks' red in a binary PPM (P6) image."""
    header, _, rest = ppm.partition(b"\n")
    assert header == b"P6"
    size, _, rest = rest.partition(b"\n")
    width, height = map(int, size.split())
    _, _, pixels = rest.partition(b"\n")  # the maximum value line
    found = []
    for index in range(width * height):
        r, g, b = pixels[index * 3 : index * 3 + 3]
        if r > 140 and g < 70 and b < 70:
            found.append((index % width, index // width))
    return found


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("side, expect_left_half", [("front", True), ("back", False)])
def test_weasyprint_draws_the_marks_in_a_pdf(tmp_path, side, expect_left_half):
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    def render(marks):
        body = render_to_string("safeguarding/includes/body_map.html", {"marks": marks})
        page = (
            "<html><head><style>@page { size: 80mm 80mm; margin: 0 }</style></head>"
            f"<body>{body}</body></html>"
        )
        pdf = HTML(string=page, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
        (tmp_path / "map.pdf").write_bytes(pdf)
        raster = subprocess.run(  # noqa: S603
            [shutil.which("pdftoppm"), "-r", "72", "-f", "1", "-l", "1", str(tmp_path / "map.pdf")],
            check=True,
            capture_output=True,
        ).stdout
        return _red_pixels(raster)

    assert render([]) == []
    red = render([a_mark(side=side, x=50, y=40)])
    assert len(red) > 20, "the mark was not drawn"
    # The drawing puts the front on the left and the back on the right, 294 px wide in all.
    mean_x = sum(x for x, _ in red) / len(red)
    assert (mean_x < 147 * 72 / 96) is expect_left_half
