"""The threshold decisions panel shown on a concern (to the safeguarding leads)."""

from django import template
from django.urls import reverse

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
        "decide_url": reverse("thresholds:concern_decide", args=[concern.pk]),
    }


@register.inclusion_tag("thresholds/case_panel.html", takes_context=True)
def case_threshold_panel(context, case):
    user = context["request"].user
    if not rules.can_view_threshold_decisions_on_case(user, case):
        return {"show": False}
    decisions = queries.decisions_for_case(case)
    latest = decisions[-1] if decisions else None
    return {
        "show": True,
        "case": case,
        "decisions": decisions,
        "mismatch": latest is not None
        and latest.chosen_level.case_threshold
        and latest.chosen_level.case_threshold != case.threshold.name,
        "latest": latest,
        "can_decide": rules.can_decide_threshold_on_case(user, case),
        "can_edit": not case.is_closed and rules.can_record_on_case(user, case),
    }


@register.inclusion_tag("thresholds/concern_panel.html", takes_context=True)
def contact_threshold_panel(context, contact):
    """On a front-door contact: decisions, and the way to one for those who rate contacts."""
    user = context["request"].user
    if not rules.can_view_threshold_decisions_on_contact(user, contact):
        return {"show": False}
    return {
        "show": True,
        "decisions": queries.decisions_for_contact(contact),
        "can_decide": rules.can_decide_threshold_on_contact(user, contact),
        "decide_url": reverse("thresholds:contact_decide", args=[contact.pk]),
    }
