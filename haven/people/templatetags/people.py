from django import template

from haven.people.validation import format_phone

register = template.Library()


@register.filter
def phone(value):
    """Show a stored +44 number the way people write it: 020 7946 0000."""
    return format_phone(value) if value else ""
