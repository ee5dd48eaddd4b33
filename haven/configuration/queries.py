from haven.configuration.models import Option


def options(organisation, list_key: str, *, include=None):
    """Active options of a list, plus any inactive ones a record already uses."""
    rows = Option.objects.for_org(organisation).filter(list_key=list_key)
    if include:
        from django.db.models import Q

        return rows.filter(Q(is_active=True) | Q(pk__in=include))
    return rows.filter(is_active=True)
