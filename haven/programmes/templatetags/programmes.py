from django import template

from haven.access import rules

register = template.Library()


@register.inclusion_tag("programmes/_home_panel.html", takes_context=True)
def programmes_home_panel(context) -> dict:
    """The reader's follow-up actions still to do, overdue first: two queries on an index,
    however many there are. Children's names only once the session is elevated."""
    from haven.programmes import queries

    user = context["request"].user
    if not rules.can_work_with_programmes(user):
        return {"show": False}
    panel = queries.my_follow_ups(user)
    return {
        "show": panel["open"] > 0,
        "names": rules.is_elevated(user),
        "csrf_token": context.get("csrf_token"),
        **panel,
    }
