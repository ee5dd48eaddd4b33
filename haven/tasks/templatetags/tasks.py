from django import template

from haven.access import rules

register = template.Library()


@register.inclusion_tag("tasks/_home_panel.html", takes_context=True)
def tasks_home_panel(context) -> dict:
    """ "My open tasks" on the home page: soonest due first, in a fixed number of queries."""
    from haven.tasks import queries

    user = context["request"].user
    if not rules.can_use_tasks(user):
        return {"show": False}
    return {"show": True, **queries.home_tasks(user)}
