"""Template tags for alerts and triage: home page panels, concern page panels, durations.

The home panels and concern panels are inclusion tags so that the pages they sit on (owned
by other apps) need one line each and no view changes. Each runs a fixed number of indexed
queries, whatever the number of alerts, concerns or decisions.
"""

from __future__ import annotations

from django import template

from haven.access import rules
from haven.core import clock
from haven.core.paging import capped_count
from haven.people.models import name_fields
from haven.safeguarding import alerts, triage
from haven.safeguarding.alert_forms import ActionForm, TriageForm

register = template.Library()

HOME_ROWS = 5


@register.filter
def is_safeguarding_lead(user) -> bool:
    """For menus: may this user open triage and the cumulative concern alerts?"""
    return rules.can_triage_concerns(user)


@register.filter
def seconds_in_words(seconds):
    """3600 -> "1 hour"; None -> "–"."""
    return triage.describe_seconds(seconds)


@register.filter
def waiting_since(moment):
    """How long ago ``moment`` was, in words: the wait of a concern for triage."""
    if moment is None:
        return "–"
    return triage.describe_seconds(max(0, int((clock.now() - moment).total_seconds())))


# --- Home page -----------------------------------------------------------------------------


@register.inclusion_tag("safeguarding/alerts_home_panel.html", takes_context=True)
def alerts_home_panel(context):
    """My unread alerts: how many, and the newest few (two queries)."""
    user = context["request"].user
    if not rules.can_use_alerts(user):
        return {"show": False}
    unread = alerts.unread_alerts(user)
    return {
        "show": True,
        "count": capped_count(unread),
        # Only what the list shows: a concern's row holds its whole account.
        "newest": list(
            unread.select_related("concern__child").only(
                "created_at", "concern__number", *name_fields("concern__child")
            )[:HOME_ROWS]
        ),
    }


@register.inclusion_tag("safeguarding/triage_home_panel.html", takes_context=True)
def triage_home_panel(context):
    """For DSLs: concerns awaiting triage and cumulative concern alerts to acknowledge
    (four queries)."""
    user = context["request"].user
    if not rules.can_triage_concerns(user):
        return {"show": False}
    waiting, oldest = triage.awaiting_summary(user, oldest=HOME_ROWS)
    cumulative = alerts.open_cumulative(user)
    return {
        "show": True,
        "waiting": waiting,
        "oldest": oldest,
        "cumulative_count": capped_count(cumulative),
        "cumulative": list(
            cumulative.select_related("child", "concern")
            .only("reason", "concern__number", *name_fields("child"))
            .order_by("-id")[:HOME_ROWS]
        ),
    }


# --- Concern page --------------------------------------------------------------------------


@register.inclusion_tag("safeguarding/alerts_actions_panel.html", takes_context=True)
def concern_actions_panel(context, concern):
    """Actions on a concern, per child, with the form to add one for those who may."""
    request = context["request"]
    children = alerts.concern_children(concern)
    can_add = rules.can_add_concern_action(request.user, concern)
    return {
        "my_alert": alerts.unread_alert_on(request.user, concern),
        "concern": concern,
        "groups": alerts.actions_by_child(concern, children),
        "form": ActionForm(children=children, auto_id="action-%s") if can_add else None,
        "can_realert": rules.can_realert(request.user, concern),
        "here": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("safeguarding/triage_panel.html", takes_context=True)
def concern_triage_panel(context, concern):
    """A concern's triage decisions; the decision form for the DSL and deputies."""
    request = context["request"]
    decisions = list(triage.decisions_for(concern))
    form = None
    if rules.can_triage(request.user, concern):
        children = alerts.concern_children(concern)
        open_cases = triage.open_cases_for(concern, children)
        form = TriageForm(
            children=children,
            open_cases=open_cases,
            auto_id="triage-%s",
            concern=concern,
            user=request.user,
        )
    return {
        "concern": concern,
        "decisions": decisions,
        "form": form,
        "can_see": rules.lead_may_open_concern(request.user, concern),
        "csrf_token": context.get("csrf_token"),
    }
