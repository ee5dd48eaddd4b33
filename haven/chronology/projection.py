"""From source records to chronology entries, in one place for writing and rebuilding.

Each kind of source record registers a *projector*: a function from the record to the
entries it should produce. Services call ``project(record)`` inside their transaction after
changing the record; ``rebuild`` runs the same projectors over every record. Because both go
through the same function, a rebuilt chronology equals the one the services wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from haven.chronology.models import Entry


@dataclass(frozen=True)
class Spec:
    child: object  # a Person who is a child
    kind: str
    occurred_at: datetime
    summary: str
    recorded_by_id: int | None
    category: str = ""
    scope: str = ""
    routine: bool = False


Projector = Callable[[object], Iterable[Spec]]
PROJECTORS: dict[str, tuple[type, Projector]] = {}


def projector(model):
    """Register the function that turns one ``model`` record into chronology entries."""

    def register(fn: Projector) -> Projector:
        PROJECTORS[model._meta.label_lower] = (model, fn)
        return fn

    return register


def _key(source) -> tuple[str, int]:
    return source._meta.label_lower, source.pk


def project(source) -> None:
    """Bring the entries for ``source`` in line with what its projector says now."""
    source_type, source_id = _key(source)
    _, fn = PROJECTORS[source_type]
    wanted = {(s.kind, s.child.pk): s for s in fn(source) if s.child.kind == "child"}
    existing = {
        (e.kind, e.child_id): e
        for e in Entry.unscoped.filter(source_type=source_type, source_id=source_id)
    }
    for key, spec in wanted.items():
        entry = existing.get(key)
        if entry is None:
            Entry.unscoped.create(
                organisation_id=spec.child.organisation_id,
                child=spec.child,
                created_by_id=spec.recorded_by_id,
                **_fields(spec, source_type, source_id),
            )
        elif _differs(entry, spec):
            for name, value in _fields(spec, source_type, source_id).items():
                setattr(entry, name, value)
            entry.save()
    stale = [e.pk for key, e in existing.items() if key not in wanted]
    if stale:
        Entry.unscoped.filter(pk__in=stale).delete()


def _fields(spec: Spec, source_type: str, source_id: int) -> dict:
    return {
        "kind": spec.kind,
        "occurred_at": spec.occurred_at,
        "summary": spec.summary[:300],
        "recorded_by_id": spec.recorded_by_id,
        "category": spec.category[:120],
        "scope": spec.scope,
        "routine": spec.routine,
        "source_type": source_type,
        "source_id": source_id,
    }


def _differs(entry: Entry, spec: Spec) -> bool:
    return any(
        getattr(entry, name) != value
        for name, value in _fields(spec, entry.source_type, entry.source_id).items()
    )


def rebuild(organisation=None, *, report=lambda message: None) -> int:
    """Recreate every chronology entry from its source records (keeps "significant" marks)."""
    total = 0
    for source_type, (model, _) in PROJECTORS.items():
        records = model._base_manager.all()
        if organisation is not None:
            records = records.filter(organisation=organisation)
        with transaction.atomic():
            for record in records.iterator(chunk_size=2000):
                project(record)
                total += 1
        report(f"{source_type}: done")
    return total


def project_new(sources) -> int:
    """Write the entries of records created just now in bulk, in one insert.

    Equivalent to ``project`` for each record (same projectors, same fields) but with no
    entries to compare against, so the cost does not grow with the number of records.
    """
    entries = []
    for source in sources:
        source_type, source_id = _key(source)
        _, fn = PROJECTORS[source_type]
        for spec in fn(source):
            if spec.child.kind != "child":
                continue
            entries.append(
                Entry(
                    organisation_id=spec.child.organisation_id,
                    child=spec.child,
                    created_by_id=spec.recorded_by_id,
                    **_fields(spec, source_type, source_id),
                )
            )
    Entry.unscoped.bulk_create(entries)
    return len(entries)
