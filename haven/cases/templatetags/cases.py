"""Case panels for other apps' pages: the home page, a child's record, an engagement."""

from django import template

from haven.access import rules
from haven.core import clock

register = template.Library()


@register.simple_tag(takes_context=True)
def cases_access(context) -> dict:
    user = context["request"].user
    return {
        "work": rules.can_work_with_cases(user),
        "all_open": rules.can_see_all_open_cases(user),
        "thresholds": rules.can_configure_thresholds(user),
    }


@register.inclusion_tag("cases/_home_panel.html", takes_context=True)
def cases_home_panel(context) -> dict:
    """ "My safeguarding cases" (overdue first), closure requests to decide, and for the
    DSL every open case with overdue counts by owner. A fixed number of queries however
    many cases there are. Case details need the elevated session the case pages need."""
    from haven.cases import queries

    user = context["request"].user
    panel = {"show": rules.can_work_with_cases(user), "elevated": rules.is_elevated(user)}
    if not panel["show"]:
        return panel
    if not panel["elevated"]:
        return panel
    panel["mine"] = queries.home_cases(user)
    panel["awaiting"] = queries.closures_awaiting(user)
    if rules.can_see_all_open_cases(user):
        panel["summary"] = queries.open_cases_summary(user)
    return panel


@register.inclusion_tag("cases/_person_tab.html", takes_context=True)
def cases_for_child(context, child) -> dict:
    from haven.cases import queries

    user = context["request"].user
    panel = {"child": child, "request": context["request"]}
    panel["can_open"] = rules.can_open_case(user, child) and child.is_child
    panel.update(queries.child_cases(user, child))
    return panel


@register.inclusion_tag("cases/_engagement_section.html", takes_context=True)
def cases_for_engagement(context, engagement) -> dict:
    from haven.cases import queries

    user = context["request"].user
    return {
        "engagement": engagement,
        "cases": queries.engagement_cases(user, engagement),
        "can_open": rules.can_open_case(user, engagement.child) and engagement.is_open,
        "today": clock.today(),
    }
