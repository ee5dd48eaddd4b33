"""The body map: where on a child's body an injury or mark was seen.

A body map is stored on ``Concern.body_map`` as a list of marks::

    {"side": "front" | "back", "x": 0–100, "y": 0–100, "kind": "bruise", "size": "2 cm",
     "note": "yellowing at the edges"}

``x`` and ``y`` are percentages of the outline's box (``0, 0`` is the top left of the drawing),
so a mark keeps its place whatever size the outline is drawn at: on the form, on the concern
page, in the chronology and in a PDF.

Using it in a form::

    from haven.safeguarding.bodymap import BodyMapField

    class ConcernForm(forms.Form):
        body_map = BodyMapField(required=False)

and in the form's template (the field brings its own fieldset, legend and error message)::

    {% include "safeguarding/includes/body_map_field.html" with field=form.body_map %}

``form.cleaned_data["body_map"]`` is then a clean list of marks, ready for the model. To show a
saved body map (no JavaScript, so it also works inside a WeasyPrint PDF)::

    {% include "safeguarding/includes/body_map.html" with marks=concern.body_map %}
    {% include "safeguarding/includes/body_map.html" with marks=entry.marks compact=True %}

Marks are placed by pointer (click the outline), by keyboard (focus an outline, move the
crosshair with the arrow keys, Enter places a mark) or by choosing a body area from a list,
which is also what works when JavaScript is off.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from haven.safeguarding.models import BODY_MAP_MARK_KINDS, BODY_MAP_SIDES

MAX_MARKS = 50
MAX_SIZE_LENGTH = 60
MAX_NOTE_LENGTH = 500
# Rows offered for new marks when the browser runs no JavaScript (more can be added after
# saving the form once, or by editing the concern).
NO_SCRIPT_NEW_ROWS = 3

KIND_LABELS = {
    "bruise": "Bruise",
    "cut": "Cut",
    "burn": "Burn",
    "mark": "Mark",
    "other": "Other",
}
SIDE_LABELS = {"front": "Front", "back": "Back"}
MARK_KEYS = frozenset({"side", "x", "y", "kind", "size", "note"})

# The outline is drawn in a 200 × 400 box (see includes/body_map_outline.html); a mark's
# percentages become drawing units by these factors.
DRAWING_WIDTH = 200
DRAWING_HEIGHT = 400


def _mirror(pairs: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    return [(label, round(100 - x, 1), y) for label, x, y in pairs]


# Named areas of the body with their centre on the outline, in percent. On the front the
# child's right is on the viewer's left; on the back it is on the viewer's right. They name
# a mark's position in words ("front, near the left forearm") and let a mark be added by
# choosing an area from a list, for people who cannot use the drawing.
_MIDDLE_FRONT = [
    ("head and face", 50, 10),
    ("neck", 50, 18.5),
    ("chest", 50, 29),
    ("stomach", 50, 41),
    ("groin", 50, 54),
]
_MIDDLE_BACK = [
    ("back of the head", 50, 10),
    ("back of the neck", 50, 18.5),
    ("upper back", 50, 29),
    ("lower back", 50, 41),
    ("bottom", 50, 52),
]
# (label with {side} for "right"/"left", x on the viewer's left, y)
_PAIRED_FRONT = [
    ("{} shoulder", 31, 25),
    ("{} upper arm", 22.5, 37.5),
    ("{} forearm", 22, 49),
    ("{} hand", 20.5, 57),
    ("{} thigh", 41, 65.5),
    ("{} knee", 40.5, 75.5),
    ("{} shin", 40, 84),
    ("{} foot", 41.5, 94.5),
]
_PAIRED_BACK = [
    ("{} shoulder blade", 35, 26),
    ("back of the {} upper arm", 22.5, 37.5),
    ("back of the {} forearm", 22, 49),
    ("back of the {} hand", 20.5, 57),
    ("back of the {} thigh", 41, 65.5),
    ("back of the {} knee", 40.5, 75.5),
    ("{} calf", 40, 84),
    ("{} heel", 41.5, 94.5),
]


def _paired(pairs, viewer_left: str, viewer_right: str):
    left = [(label.format(viewer_left), x, y) for label, x, y in pairs]
    right = _mirror([(label.format(viewer_right), x, y) for label, x, y in pairs])
    return left + right


REGIONS: dict[str, list[tuple[str, float, float]]] = {
    "front": _MIDDLE_FRONT + _paired(_PAIRED_FRONT, "right", "left"),
    "back": _MIDDLE_BACK + _paired(_PAIRED_BACK, "left", "right"),
}


def nearest_region(side: str, x: float, y: float) -> str:
    """The named body area closest to a point, measured in drawing units (the box is twice
    as tall as it is wide, so a percent down is twice as far as a percent across)."""
    regions = REGIONS.get(side) or REGIONS["front"]

    def distance(region):
        _, rx, ry = region
        return ((rx - x) * DRAWING_WIDTH) ** 2 + ((ry - y) * DRAWING_HEIGHT) ** 2

    return min(regions, key=distance)[0]


# --- Validation --------------------------------------------------------------------------

# Control characters (other than tab and, in notes, line breaks) and lone surrogates have no
# place in a description and PostgreSQL refuses to store some of them in JSON.
_BAD_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number")


def _parse(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            # NaN and Infinity are not JSON, although Python's parser accepts them.
            return json.loads(value, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            raise ValidationError(
                "The body map could not be read. Reload the page and place the marks again.",
                code="unreadable",
            ) from None
    return [] if value is None else value


def _text(mark: dict, key: str, number: int, limit: int, *, multiline: bool) -> str:
    value = mark.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"Mark {number}: the {key} must be text.", code="invalid")
    value = value.strip()
    if not multiline:
        value = " ".join(value.split())
    if _BAD_CHARACTERS.search(value) or (not multiline and "\n" in value):
        raise ValidationError(
            f"Mark {number}: the {key} contains characters that cannot be stored.", code="invalid"
        )
    if len(value) > limit:
        raise ValidationError(
            f"Mark {number}: keep the {key} to {limit} characters (it has {len(value)}).",
            code="too_long",
        )
    return value


def _is_percent(value: Any) -> bool:
    # Compared before any conversion: a huge integer cannot become a float.
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and not (isinstance(value, float) and math.isnan(value))
        and 0 <= value <= 100
    )


def _coordinate(mark: dict, key: str, number: int) -> float:
    value = mark.get(key)
    if not _is_percent(value):
        raise ValidationError(
            f"Mark {number} is not on the outline. Remove it and place it again.",
            code="position",
        )
    return round(float(value), 1)


def clean_mark(mark: Any, number: int) -> dict:
    """One mark, checked and tidied; ``number`` counts from 1 for the message."""
    if not isinstance(mark, dict):
        raise ValidationError(f"Mark {number} could not be read.", code="invalid")
    unknown = set(mark) - MARK_KEYS
    if unknown:
        raise ValidationError(f"Mark {number} could not be read.", code="invalid")
    side = mark.get("side")
    if not isinstance(side, str) or side.strip() not in BODY_MAP_SIDES:
        raise ValidationError(
            f"Mark {number}: say whether it is on the front or the back.", code="side"
        )
    kind = mark.get("kind")
    if not isinstance(kind, str) or kind.strip() not in BODY_MAP_MARK_KINDS:
        raise ValidationError(
            f"Mark {number}: choose the type of mark (bruise, cut, burn, mark or other).",
            code="kind",
        )
    return {
        "side": side.strip(),
        "x": _coordinate(mark, "x", number),
        "y": _coordinate(mark, "y", number),
        "kind": kind.strip(),
        "size": _text(mark, "size", number, MAX_SIZE_LENGTH, multiline=False),
        "note": _text(mark, "note", number, MAX_NOTE_LENGTH, multiline=True),
    }


def clean_marks(value: Any) -> list[dict]:
    """Check a body map from a form (a JSON string) or from Python (a list).

    Returns the tidied list. Anything that is not a list of at most MAX_MARKS well-formed
    marks raises ValidationError with a message a person can act on; nothing else escapes."""
    marks = _parse(value)
    if not isinstance(marks, list):
        raise ValidationError("The body map could not be read.", code="unreadable")
    if len(marks) > MAX_MARKS:
        raise ValidationError(
            f"A body map can hold {MAX_MARKS} marks at most (this one has {len(marks)}). "
            "Describe the rest in the account.",
            code="too_many",
        )
    errors = []
    cleaned = []
    for number, mark in enumerate(marks, start=1):
        try:
            cleaned.append(clean_mark(mark, number))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return cleaned


def marks_for_display(value: Any) -> list[dict]:
    """The marks of a possibly unfinished body map, for drawing it again.

    After a validation error the form shows what the person entered, even the mark that was
    wrong, so nothing they typed is lost. Anything unreadable is left out here (and was
    reported by ``clean_marks``)."""
    try:
        marks = _parse(value)
    except ValidationError:
        return []
    if not isinstance(marks, list):
        return []
    shown = []
    for mark in marks[: MAX_MARKS * 2]:
        if not isinstance(mark, dict):
            continue
        shown.append({key: mark[key] for key in MARK_KEYS if key in mark})
    return shown


@dataclass(frozen=True)
class MarkItem:
    """A mark as drawn and listed: its number, place in drawing units and words."""

    number: int
    side: str
    x: float
    y: float
    cx: float
    cy: float
    kind: str
    kind_label: str
    size: str
    note: str
    region: str

    @property
    def side_label(self) -> str:
        return SIDE_LABELS.get(self.side, self.side)


def _as_number(value: Any) -> float:
    return float(value) if _is_percent(value) else 50.0


def mark_items(marks: Any) -> list[MarkItem]:
    """Numbered marks ready for a template; tolerant of a half-valid list (see above)."""
    items = []
    for number, mark in enumerate(marks_for_display(marks), start=1):
        side = mark.get("side") if mark.get("side") in BODY_MAP_SIDES else "front"
        x, y = _as_number(mark.get("x")), _as_number(mark.get("y"))
        kind = mark.get("kind") if isinstance(mark.get("kind"), str) else ""
        items.append(
            MarkItem(
                number=number,
                side=side,
                x=x,
                y=y,
                cx=round(x * DRAWING_WIDTH / 100, 1),
                cy=round(y * DRAWING_HEIGHT / 100, 1),
                kind=kind,
                kind_label=KIND_LABELS.get(kind, "Type not chosen"),
                size=mark.get("size") if isinstance(mark.get("size"), str) else "",
                note=mark.get("note") if isinstance(mark.get("note"), str) else "",
                region=nearest_region(side, x, y),
            )
        )
    return items


# --- Form field and widget -----------------------------------------------------------------


def _area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (
            SIDE_LABELS[side],
            [(f"{side}:{index}", label) for index, (label, _, _) in enumerate(REGIONS[side])],
        )
        for side in BODY_MAP_SIDES
    ]


def _mark_at_area(value: str) -> dict | None:
    side, _, index = value.partition(":")
    if side not in REGIONS or not index.isdigit() or int(index) >= len(REGIONS[side]):
        return None
    _, x, y = REGIONS[side][int(index)]
    return {"side": side, "x": x, "y": y}


class BodyMapWidget(forms.Widget):
    """Front and back outlines with marks, editable in the browser.

    The marks travel as JSON in one hidden input, which the script keeps up to date. Without
    JavaScript the widget shows the marks as a list of ordinary fields (type, size, note,
    remove) and a few rows to add marks by body area; ``value_from_datadict`` folds those
    back into the same JSON, so the field sees one format either way."""

    template_name = "safeguarding/includes/body_map_widget.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        items = mark_items(value)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["body_map"] = {
            "id": widget_id,
            "json": json.dumps(marks_for_display(value)),
            "items": items,
            "sides": [(side, SIDE_LABELS[side]) for side in BODY_MAP_SIDES],
            "kinds": [(kind, KIND_LABELS[kind]) for kind in BODY_MAP_MARK_KINDS],
            "areas": _area_choices(),
            "regions_json": json.dumps(REGIONS),
            "kinds_json": json.dumps(KIND_LABELS),
            "new_rows": range(NO_SCRIPT_NEW_ROWS),
            "max_marks": MAX_MARKS,
            "max_size": MAX_SIZE_LENGTH,
            "max_note": MAX_NOTE_LENGTH,
        }
        return context

    def format_value(self, value):
        return value

    def value_from_datadict(self, data, files, name):
        raw = data.get(name, "")
        if not data.get(f"{name}_noscript"):
            return raw
        return json.dumps(self._fold_noscript_rows(data, name, raw))

    def _fold_noscript_rows(self, data, name, raw) -> Any:
        """Apply the no-JavaScript rows (edits, removals, new marks) to the hidden JSON."""
        try:
            marks = _parse(raw)
        except ValidationError:
            marks = []
        if not isinstance(marks, list):
            marks = []
        getlist = getattr(data, "getlist", lambda key: [data[key]] if key in data else [])
        removed = set(getlist(f"{name}_remove"))
        kept = []
        for index, mark in enumerate(marks):
            if str(index) in removed:
                continue
            if isinstance(mark, dict):
                mark = dict(mark)
                for key in ("kind", "size", "note"):
                    field = f"{name}_mark-{index}-{key}"
                    if field in data:
                        mark[key] = data.get(field)
            kept.append(mark)
        for row in range(NO_SCRIPT_NEW_ROWS):
            prefix = f"{name}_add-{row}-"
            place = _mark_at_area(data.get(prefix + "area", ""))
            if place is None:
                continue
            place.update(
                kind=data.get(prefix + "kind", ""),
                size=data.get(prefix + "size", ""),
                note=data.get(prefix + "note", ""),
            )
            kept.append(place)
        return kept

    def id_for_label(self, id_):
        # The label points at the first outline, which is where keyboard users start.
        return f"{id_}_front" if id_ else id_

    def use_required_attribute(self, initial):
        return False


class BodyMapField(forms.Field):
    """A body map on a form: ``body_map = BodyMapField(required=False)``.

    ``clean`` returns a tidied list of marks (see ``clean_marks``) or raises a
    ValidationError naming the mark that is wrong. Render it with
    ``safeguarding/includes/body_map_field.html``."""

    widget = BodyMapWidget
    default_error_messages = {
        "required": "Place at least one mark on the body map.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Body map")
        kwargs.setdefault(
            "help_text",
            "Where there is an injury or mark, place it on the outline and say what it is. "
            "Left and right are the child's left and right.",
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean_marks(value)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial, data):
        try:
            return clean_marks(initial or []) != clean_marks(data)
        except ValidationError:
            return True

    def prepare_value(self, value):
        # A bound form re-renders the submitted text as it was; an unbound one gets the list.
        return value
