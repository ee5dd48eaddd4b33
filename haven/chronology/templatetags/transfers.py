"""Safeguarding file transfers on other apps' pages: the home page and a child's record."""

from django import template

from haven.access import rules

register = template.Library()


@register.inclusion_tag("chronology/_transfer_home_panel.html", takes_context=True)
def transfers_home_panel(context) -> dict:
    """Transfers not yet sent or awaiting receipt, soonest due first, for the DSL and deputies
    (names need the elevated session, as every child's record does). Two queries."""
    from haven.chronology import transfer_queries

    user = context["request"].user
    panel = {"show": rules.can_manage_transfer_files(user), "elevated": rules.is_elevated(user)}
    if panel["show"] and panel["elevated"]:
        panel.update(transfer_queries.home_transfers(user))
    return panel


@register.inclusion_tag("chronology/_transfer_banner.html", takes_context=True)
def transfer_banner(context, person) -> dict:
    """On a child's record: that their safeguarding file has gone to a new setting (for
    everyone who may read the record, as the chronology says so too); for the safeguarding
    leads, the transfer in progress and the link to start one. One query, none for adults."""
    from haven.chronology import transfer_queries

    user = context["request"].user
    if not person.is_child:
        return {"show": False}
    latest = transfer_queries.child_transfer(person)
    lead = rules.can_transfer_file(user, person)
    return {
        "show": True,
        "child": person,
        "transfer": latest,
        "lead": lead,
        "can_start": lead and (latest is None or not latest.is_open),
    }
