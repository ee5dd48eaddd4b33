from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.configuration.models import Option
from haven.configuration.registry import PICKLISTS
from haven.core.errors import DomainError, NotAllowed


def seed_organisation(organisation) -> int:
    """Give an organisation the default options of every list it has none of yet."""
    have = set(Option.objects.for_org(organisation).values_list("list_key", flat=True).distinct())
    rows = [
        Option(organisation=organisation, list_key=key, label=label, position=i)
        for key, picklist in PICKLISTS.items()
        if key not in have
        for i, label in enumerate(picklist.defaults)
    ]
    Option.unscoped.bulk_create(rows)
    return len(rows)


def seed_all_organisations(**kwargs) -> None:
    from haven.accounts.models import Organisation

    for organisation in Organisation.objects.all():
        seed_organisation(organisation)


def _check(actor, list_key):
    if not rules.can_administer(actor):
        raise NotAllowed("Only an administrator can change picklists.")
    if list_key not in PICKLISTS:
        raise DomainError("There is no such list.")


def option_add(*, actor, list_key: str, label: str) -> Option:
    _check(actor, list_key)
    label = label.strip()
    if not label:
        raise DomainError("Give the option a name.")
    options = Option.objects.for_org(actor.organisation).filter(list_key=list_key)
    with transaction.atomic():
        last = options.aggregate(m=Max("position"))["m"]
        try:
            with transaction.atomic():
                option = Option.objects.create(
                    organisation=actor.organisation,
                    created_by=actor,
                    list_key=list_key,
                    label=label,
                    position=(last or 0) + 1,
                )
        except IntegrityError:
            raise DomainError(f"“{label}” is already in this list.") from None
        record_event(action=Action.CREATE, actor=actor, obj=option, detail={"list": list_key})
    return option


def option_update(*, actor, option: Option, label: str, is_active: bool) -> Option:
    _check(actor, option.list_key)
    if option.organisation_id != actor.organisation_id:
        raise NotAllowed("That option belongs to another organisation.")
    label = label.strip()
    if not label:
        raise DomainError("Give the option a name.")
    with transaction.atomic():
        before = (option.label, option.is_active)
        option.label, option.is_active = label, is_active
        try:
            with transaction.atomic():
                option.save(update_fields=["label", "is_active", "modified_at"])
        except IntegrityError:
            raise DomainError(f"“{label}” is already in this list.") from None
        record_event(
            action=Action.UPDATE,
            actor=actor,
            obj=option,
            detail={"list": option.list_key, "was": list(before)},
        )
    return option
