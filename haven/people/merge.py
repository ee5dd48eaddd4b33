"""Merging two records of the same person.

Everything attached to the duplicate moves to the survivor — identifiers, flags,
relationships, and whatever later parts of Haven attach to a person (found through the
model graph, so a new kind of record is moved without changing this code). The duplicate is
kept as a pointer to the survivor, and the merge is audited on both records.
"""

from __future__ import annotations

from django.db import models, transaction

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology.models import Entry
from haven.chronology.projection import project
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.people import search
from haven.people.chronology import reproject_person
from haven.people.models import Person, Relationship, SearchToken
from haven.people.services import household_rename

# Handled here by hand (relationships), or not moved at all (merge pointers, search rows).
SPECIAL = {
    "relationships",
    "relationships_in",
    "merged_from",
    "search_tokens",
    # The chronology is re-projected from the moved records instead.
    "chronology_entries",
}


def _move_relationships(survivor: Person, duplicate: Person, today) -> None:
    rows = Relationship.unscoped.filter(
        models.Q(person=duplicate) | models.Q(related=duplicate), ended_on__isnull=True
    )
    for rel in rows:
        other = rel.related_id if rel.person_id == duplicate.pk else rel.person_id
        new_person = survivor.pk if rel.person_id == duplicate.pk else rel.person_id
        new_related = survivor.pk if rel.related_id == duplicate.pk else rel.related_id
        already = Relationship.unscoped.filter(
            person_id=new_person, related_id=new_related, type=rel.type, ended_on__isnull=True
        ).exists()
        if other == survivor.pk or already:
            # A link between the two records, or one the survivor already has: end it here.
            rel.ended_on, rel.ended_reason = today, "records merged"
            rel.save(update_fields=["ended_on", "ended_reason", "modified_at"])
        else:
            rel.person_id, rel.related_id = new_person, new_related
            rel.save(update_fields=["person", "related", "modified_at"])
    # Ended relationships move too, so the history is complete on the survivor.
    Relationship.unscoped.filter(person=duplicate, ended_on__isnull=False).exclude(
        related=survivor
    ).update(person=survivor)
    Relationship.unscoped.filter(related=duplicate, ended_on__isnull=False).exclude(
        person=survivor
    ).update(related=survivor)


def _move_attachments(survivor: Person, duplicate: Person) -> dict[str, int]:
    moved = {}
    for relation in Person._meta.related_objects:
        if relation.get_accessor_name() in SPECIAL:
            continue
        model = relation.related_model
        if relation.many_to_many:
            through = relation.through
            source = next(f.name for f in through._meta.fields if f.related_model is Person)
            others = [f.name for f in through._meta.fields if f.is_relation and f.name != source]
            links = through.objects.filter(**{source: duplicate})
            for link in links:
                keys = {o: getattr(link, f"{o}_id") for o in others}
                if through.objects.filter(
                    **{source: survivor}, **{f"{o}_id": v for o, v in keys.items()}
                ).exists():
                    link.delete()
                else:
                    setattr(link, source, survivor)
                    link.save()
            continue
        count = model._base_manager.filter(**{relation.field.name: duplicate}).update(
            **{relation.field.name: survivor}
        )
        moved[model._meta.label_lower] = count
    return moved


def person_merge(*, survivor: Person, duplicate: Person, actor, reason: str, request=None):
    if not rules.can_merge_people(actor):
        raise NotAllowed("Only a DSL or an administrator can merge records.")
    if survivor.organisation_id != actor.organisation_id or (
        duplicate.organisation_id != actor.organisation_id
    ):
        raise NotAllowed("Those records belong to another organisation.")
    if survivor.pk == duplicate.pk:
        raise DomainError("Choose two different records.")
    if survivor.kind != duplicate.kind:
        raise DomainError("A child's record cannot be merged with an adult's.")
    if not reason.strip():
        raise DomainError("Say why these are the same person.")
    with transaction.atomic():
        survivor = Person.unscoped.select_for_update().get(pk=survivor.pk)
        duplicate = Person.unscoped.select_for_update().get(pk=duplicate.pk)
        # Checked on the locked rows: two people merging at once cannot both succeed.
        if survivor.merged_into_id or duplicate.merged_into_id:
            raise DomainError("One of those records has already been merged.")
        _move_relationships(survivor, duplicate, clock.today())
        moved = _move_attachments(survivor, duplicate)
        if duplicate.photo_name and not survivor.photo_name:
            # The only photo of this person goes with them; the survivor's own wins otherwise.
            survivor.photo_name, survivor.photo_updated_at = (
                duplicate.photo_name,
                duplicate.photo_updated_at,
            )
            survivor.save(update_fields=["photo_name", "photo_updated_at", "modified_at"])
            duplicate.photo_name, duplicate.photo_updated_at = "", None
            moved["photo"] = 1
        duplicate.merged_into, duplicate.merged_at = survivor, clock.now()
        duplicate.merged_by = actor
        duplicate.save(
            update_fields=[
                "merged_into",
                "merged_at",
                "merged_by",
                "photo_name",
                "photo_updated_at",
                "modified_at",
            ]
        )
        Entry.unscoped.filter(child=duplicate).delete()
        reproject_person(survivor)
        project(duplicate)
        SearchToken.objects.filter(person=duplicate).delete()
        search.reindex(survivor)
        household_rename(duplicate.household)
        detail = {
            "survivor": survivor.pk,
            "duplicate": duplicate.pk,
            "reason": reason.strip()[:500],
            "moved": moved,
        }
        for someone in (survivor, duplicate):
            record_event(
                action=Action.MERGE,
                actor=actor,
                request=request,
                obj=someone,
                person_id=someone.pk,
                detail=detail,
            )
    return survivor
