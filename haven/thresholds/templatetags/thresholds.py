"""The threshold decisions panel shown on a concern (to the safeguarding leads)."""

from django import template

from haven.access import rules
from haven.thresholds import queries

register = template.Library()


@register.inclusion_tag("thresholds/concern_panel.html", takes_context=True)
def threshold_panel(context, concern):
    user = context["request"].user
    if not rules.can_view_threshold_decisions_on_concern(user, concern):
        return {"show": False}
    return {
        "show": True,
        "concern": concern,
        "decisions": queries.decisions_for_concern(concern),
        "can_decide": rules.can_decide_threshold_on_concern(user, concern),
    }
