"""Changes people make to the chronology itself (entries are written by ``projection``)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction

from haven.chronology.models import Entry, Export
from haven.core import clock


def chronology_mark_significant(*, entry: Entry, actor, significant: bool) -> Entry:
    from haven.access import rules
    from haven.core.errors import NotAllowed

    if not rules.can_mark_significant(actor, entry):
        raise NotAllowed("Only a DSL can mark entries as significant.")
    entry.significant = significant
    entry.save(update_fields=["significant", "modified_at"])
    return entry


# --- Exports ------------------------------------------------------------------------------

EXPORT_LINK_LIFETIME = timedelta(minutes=10)


class ExportGone(Exception):
    """The download link was used already or has expired."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def chronology_export_create(
    *, actor, child, filters: dict, fmt: str, redact: bool, request=None
) -> tuple[Export, str]:
    """Draw the child's chronology as ``fmt`` for ``actor``, store it outside the web root
    and return the export with its secret link token (shown once, stored only as a hash).

    Audited with the filters used. The caller has already checked that ``actor`` may see
    this child; the entries are those ``actor`` may see."""
    from haven.access import rules
    from haven.audit.models import Action
    from haven.audit.services import record_event
    from haven.chronology import exports, queries
    from haven.core.errors import NotAllowed
    from haven.documents.storage import document_storage

    if not rules.can_export_chronology(actor) or not rules.can_view_person(actor, child):
        raise NotAllowed("You may not export this chronology.")
    chronology_exports_purge(organisation=child.organisation)
    document = exports.build(user=actor, child=child, filters=filters, redact=redact)
    content = exports.to_pdf(document) if fmt == Export.Format.PDF else exports.to_csv(document)
    name = f"chronology-exports/{child.organisation_id}/{secrets.token_hex(20)}.{fmt}"
    stored = document_storage().save(name, ContentFile(content))
    token = secrets.token_urlsafe(32)
    plain_filters = queries.filters_for_audit(filters)
    with transaction.atomic():
        export = Export.objects.create(
            organisation=child.organisation,
            created_by=actor,
            child=child,
            format=fmt,
            filters=plain_filters,
            redacted=redact,
            entry_count=len(document.entries),
            storage_name=stored,
            token_hash=_token_hash(token),
            expires_at=clock.now() + EXPORT_LINK_LIFETIME,
        )
        record_event(
            action=Action.EXPORT,
            actor=actor,
            request=request,
            obj=export,
            person_id=child.pk,
            detail={
                "what": "chronology",
                "format": fmt,
                "redacted": redact,
                "entries": len(document.entries),
                "filters": plain_filters,
            },
        )
    return export, token


def chronology_export_format(*, actor, token: str) -> str | None:
    """The format of ``actor``'s export behind ``token`` (None if there is none)."""
    return (
        Export.objects.for_org(actor.organisation)
        .filter(token_hash=_token_hash(token), created_by=actor)
        .values_list("format", flat=True)
        .first()
    )


def _export_claim(*, actor, token: str) -> Export:
    """Stamp ``actor``'s export downloaded, once, and return it (its file still in storage).

    Raises ``Export.DoesNotExist`` for a token that is not ``actor``'s (the view answers
    404) and ``ExportGone`` for a link used already or past its ten minutes (410)."""
    from haven.documents.storage import document_storage

    export = Export.objects.for_org(actor.organisation).get(
        token_hash=_token_hash(token), created_by=actor
    )
    storage = document_storage()
    if export.downloaded_at is not None:
        raise ExportGone("This download link has been used already.")
    # A purged export has no storage name left: never ask the storage about "" (its root).
    present = bool(export.storage_name) and storage.exists(export.storage_name)
    if clock.now() >= export.expires_at or not present:
        if present:
            storage.delete(export.storage_name)
        raise ExportGone("This download link has expired.")
    # The conditional update is the lock: of two requests racing, only one gets the file.
    taken = (
        Export.objects.for_org(actor.organisation)
        .filter(pk=export.pk, downloaded_at__isnull=True)
        .update(downloaded_at=clock.now())
    )
    if not taken:
        raise ExportGone("This download link has been used already.")
    return export


def _export_downloaded(export: Export, *, actor, request) -> None:
    from haven.audit.models import Action
    from haven.audit.services import record_event

    what = (
        "safeguarding file transfer downloaded"
        if export.format == Export.Format.ZIP
        else "chronology export downloaded"
    )
    record_event(
        action=Action.VIEW,
        actor=actor,
        request=request,
        obj=export,
        person_id=export.child_id,
        detail={"what": what, "format": export.format},
    )


def chronology_export_take(*, actor, token: str, request=None) -> tuple[Export, bytes]:
    """The export's bytes, once: the first call stamps it downloaded and removes the file.

    Raises ``Export.DoesNotExist`` for a token that is not ``actor``'s (the view answers
    404) and ``ExportGone`` for a link used already or past its ten minutes (410)."""
    from haven.documents.storage import document_storage

    export = _export_claim(actor=actor, token=token)
    storage = document_storage()
    with storage.open(export.storage_name, "rb") as stream:
        content = stream.read()
    storage.delete(export.storage_name)
    _export_downloaded(export, actor=actor, request=request)
    return export, content


class _RemovedWhenClosed:
    """A stored file read in chunks, removed from storage once the response has sent it
    (or the client went away): the single use of a large download."""

    def __init__(self, name: str):
        from haven.documents.storage import document_storage

        self._storage = document_storage()
        self._name = name
        self._stream = self._storage.open(name, "rb")

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def close(self) -> None:
        self._stream.close()
        if self._storage.exists(self._name):
            self._storage.delete(self._name)


def chronology_export_stream(*, actor, token: str, request=None) -> tuple[Export, object]:
    """Like ``chronology_export_take`` but hands back a file object to stream from, so a
    large safeguarding file is never held in memory; closing it removes the file."""
    export = _export_claim(actor=actor, token=token)
    stream = _RemovedWhenClosed(export.storage_name)
    _export_downloaded(export, actor=actor, request=request)
    return export, stream


def chronology_exports_purge(*, organisation=None) -> int:
    """Remove the files of exports whose links expired unused, so no copy of a child's record
    lingers in storage. Runs before each new export in its organisation (one indexed range on
    organisation and expiry) and from ``haven purge_chronology_exports`` for all of them.
    The export rows stay, for the audit trail. Returns how many files were removed."""
    from haven.documents.storage import document_storage

    expired = Export.unscoped.filter(
        expires_at__lt=clock.now(), downloaded_at__isnull=True
    ).exclude(storage_name="")
    if organisation is not None:
        expired = expired.filter(organisation=organisation)
    storage, removed = document_storage(), 0
    for export in expired.only("pk", "storage_name"):
        if storage.exists(export.storage_name):
            storage.delete(export.storage_name)
            removed += 1
        Export.unscoped.filter(pk=export.pk).update(storage_name="")
    return removed
