from django import template

from haven.access import rules

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def workforce_access(context) -> dict:
    """What the workforce pages' menu offers the current user, from access.rules."""
    user = context["request"].user
    return {
        "compliance": rules.can_view_compliance(user),
        "counts": rules.can_view_workforce_counts(user),
        "manage": rules.can_manage_workforce(user),
        "plan": rules.can_plan_training(user),
    }


@register.inclusion_tag("workforce/_home_panel.html", takes_context=True)
def workforce_home_panel(context) -> dict:
    """Home-page panels: a person's own training, and for the DSL, expired training.

    Each is computed in a fixed number of queries, however many staff there are.
    """
    from haven.workforce import queries

    user = context["request"].user
    panel: dict = {"show_expired": False, "own": None}
    staff = queries.own_staff_record(user)
    if staff is not None:
        row = queries.row_for(staff)
        panel["own"] = {"steps": queries.next_steps(row), "compliant": row.is_compliant}
    if rules.can_see_expired_training(user):
        lines, people = queries.expired_training(user.organisation)
        panel.update(show_expired=True, lines=lines, people=people, more=people > len(lines))
    return panel
