"""Template helpers for drawing a saved body map (see haven.safeguarding.bodymap)."""

from django import template

from haven.safeguarding.bodymap import BODY_MAP_SIDES, SIDE_LABELS, mark_items

register = template.Library()
# Where each outline sits in the read-only drawing, which puts front and back side by side.
_OFFSETS = {"front": 0, "back": 220}


@register.simple_tag
def body_map_items(marks):
    """Numbered marks with their place in drawing units and in words."""
    return mark_items(marks)


@register.simple_tag
def body_map_sides(items):
    """The two outlines of the drawing, each with its offset and its own marks."""
    return [
        {
            "side": side,
            "label": SIDE_LABELS[side],
            "offset": _OFFSETS[side],
            "items": [item for item in items if item.side == side],
        }
        for side in BODY_MAP_SIDES
    ]
