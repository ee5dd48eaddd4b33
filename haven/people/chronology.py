"""How people records appear in a child's chronology (registered with the projection)."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from haven.chronology.models import Kind
from haven.chronology.projection import Spec, projector
from haven.people.models import RECIPROCAL_LABEL, HouseholdMove, Person, Relationship, StatusFlag


def _start_of(day) -> datetime:
    return datetime.combine(day, time.min, timezone.get_default_timezone())


@projector(StatusFlag)
def status_entries(status: StatusFlag):
    label = status.get_flag_display()
    detail = f" (allocated worker: {status.allocated_worker})" if status.allocated_worker else ""
    yield Spec(
        child=status.person,
        kind=Kind.STATUS_STARTED,
        occurred_at=_start_of(status.start_date),
        summary=f"{label} started{detail}",
        recorded_by_id=status.created_by_id,
        category=label,
    )
    if status.end_date is not None:
        yield Spec(
            child=status.person,
            kind=Kind.STATUS_ENDED,
            occurred_at=_start_of(status.end_date),
            summary=f"{label} ended",
            recorded_by_id=status.ended_by_id,
            category=label,
        )


@projector(Relationship)
def relationship_entries(rel: Relationship):
    sides = [
        (rel.person, rel.related, rel.get_type_display()),
        (rel.related, rel.person, RECIPROCAL_LABEL[rel.type]),
    ]
    for child, other, label in sides:
        yield Spec(
            child=child,
            kind=Kind.RELATIONSHIP_ADDED,
            occurred_at=rel.created_at,
            summary=f"{other.full_name} recorded as {label.lower()}",
            recorded_by_id=rel.created_by_id,
        )
        if rel.ended_on is not None:
            reason = f": {rel.ended_reason}" if rel.ended_reason else ""
            yield Spec(
                child=child,
                kind=Kind.RELATIONSHIP_ENDED,
                occurred_at=_start_of(rel.ended_on),
                summary=f"Relationship with {other.full_name} ({label.lower()}) ended{reason}",
                recorded_by_id=rel.ended_by_id,
            )


@projector(HouseholdMove)
def move_entries(move: HouseholdMove):
    yield Spec(
        child=move.person,
        kind=Kind.HOUSEHOLD_MOVE,
        occurred_at=move.moved_at,
        summary=f"Moved from {move.from_household.name} to {move.to_household.name}",
        recorded_by_id=move.created_by_id,
    )


@projector(Person)
def merge_entries(person: Person):
    """A merged-away record tells the survivor's chronology that it was merged in."""
    if person.merged_into_id is None:
        return
    yield Spec(
        child=person.merged_into,
        kind=Kind.RECORDS_MERGED,
        occurred_at=person.merged_at,
        summary=f"Another record of this child ({person.full_name}) was merged into this one",
        recorded_by_id=person.merged_by_id,
    )


def reproject_person(person: Person) -> None:
    """Re-run the projectors of every record about ``person`` (after a merge, say)."""
    from django.db.models import Q

    from haven.chronology.projection import project

    for status in StatusFlag.unscoped.filter(person=person):
        project(status)
    for rel in Relationship.unscoped.filter(Q(person=person) | Q(related=person)):
        project(rel)
    for move in HouseholdMove.unscoped.filter(person=person):
        project(move)
    for merged in Person.unscoped.filter(merged_into=person):
        project(merged)
    _reproject_other_records(person)


def _reproject_other_records(person: Person) -> None:
    """Records of other apps that point straight at a person (documents, engagements, …)
    and have a projector: after a merge their entries must follow them to the survivor."""
    from haven.chronology.projection import PROJECTORS, project

    done = {StatusFlag, Relationship, HouseholdMove, Person}
    for model, _ in PROJECTORS.values():
        if model in done:
            continue
        for field in model._meta.fields:
            if field.is_relation and field.many_to_one and field.related_model is Person:
                for record in model._base_manager.filter(**{field.name: person}).iterator():
                    project(record)
