from django import template

from haven.core.paging import COUNT_LIMIT

register = template.Library()


@register.filter
def described(field):
    """Render a widget that points at its own hint and error message for screen readers."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_hint")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    return field.as_widget(attrs=attrs)


@register.filter
def tally(count):
    """A count from ``capped_count`` in words: "1,000" or "more than 1,000"."""
    return f"more than {COUNT_LIMIT:,}" if count > COUNT_LIMIT else f"{count:,}"
