"""Every write to the document vault, and the service other features call to attach files.

Public, stable interface (the concerns form and others attach files through it):

* ``document_check(upload)`` — size and type, from the content; raises ``DocumentRefused``
  with a message for the person uploading. Changes nothing. Run it on every attachment of
  a form before saving anything, so a form with one bad file saves none
  (``haven.documents.forms.DocumentUploadField`` does this in ``clean``).
* ``document_store(*, actor, person, upload, kind, title="", description="", scope="",
  request=None) -> Document`` — checks, stores the bytes under a random name, saves the
  row, audits and adds "document added" to the child's chronology, all in one transaction.
  If anything in it fails the stored file is removed again: no row, no file. Called inside
  your own ``transaction.atomic()``, a later failure of yours rolls the row back but cannot
  take the bytes back at once (databases do not tell us about rollbacks): check every upload
  with ``document_check`` first and store documents as the last step of your service;
  ``haven remove_orphan_documents`` removes any bytes left behind.
* ``document_downloaded`` and ``document_mark_entered_in_error`` for the vault's own pages.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import transaction

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology.projection import project
from haven.configuration.models import Option
from haven.configuration.queries import options
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.documents import sniffing, storage
from haven.documents.models import Document
from haven.documents.picklists import DOCUMENT_KINDS

MAX_BYTES = 25 * 1024 * 1024
MAX_LABEL = "25 MB"
# Stored files no row names are left this long before the sweep removes them.
ORPHAN_AGE = timedelta(hours=24)


class DocumentRefused(DomainError):
    """The file is too large, empty or not a type we accept. The message says which."""


def document_check(upload) -> sniffing.FileType:
    """The real type of ``upload`` if we accept it; ``DocumentRefused`` if not.

    Size first (cheap), then the content. The browser's declared type and the file's name
    are ignored: a renamed web page is still a web page.
    """
    name = getattr(upload, "name", "") or "The file"
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise DocumentRefused(
            f"“{name}” is larger than {MAX_LABEL}. Nothing was saved; upload a smaller file "
            "(a scan at a lower resolution, say)."
        )
    if size == 0:
        raise DocumentRefused(f"“{name}” is empty. Nothing was saved.")
    found = sniffing.sniff(upload)
    if found is None:
        raise DocumentRefused(
            f"“{name}” is not a type of file Haven keeps, whatever its name says. Nothing was "
            f"saved. Upload {sniffing.ALLOWED_LABEL}."
        )
    return found


def document_kind(organisation, kind) -> Option:
    """The organisation's "document_kind" option for ``kind`` (an Option, or its label)."""
    if isinstance(kind, Option):
        if kind.organisation_id != organisation.pk or kind.list_key != DOCUMENT_KINDS.key:
            raise DomainError("Choose a kind of document from this organisation's list.")
        return kind
    found = options(organisation, DOCUMENT_KINDS.key).filter(label__iexact=str(kind)).first()
    if found is None:
        raise DomainError(f"“{kind}” is not a kind of document in this organisation's list.")
    return found


def _title(title: str, original_name: str) -> str:
    title = " ".join(title.split())
    if title:
        return title[:200]
    stem = original_name.rsplit(".", 1)[0] if "." in original_name else original_name
    return (" ".join(stem.split()) or "Untitled document")[:200]


def _checksum(upload) -> tuple[str, int]:
    """The SHA-256 and the true length of the bytes (not the size the upload claims)."""
    digest = hashlib.sha256()
    length = 0
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
        length += len(chunk)
    upload.seek(0)
    if length > MAX_BYTES:
        raise DocumentRefused(f"The file is larger than {MAX_LABEL}. Nothing was saved.")
    return digest.hexdigest(), length


def document_store(
    *,
    actor,
    person,
    upload,
    kind,
    title: str = "",
    description: str = "",
    scope: str = "",
    request=None,
) -> Document:
    """Keep one file about ``person`` in their document vault.

    ``upload`` is a Django ``UploadedFile`` (or any seekable binary file with ``name`` and
    ``size``); ``kind`` is an option of the "document_kind" picklist or its label; ``scope``
    narrows who may see it, as in the chronology ("concern:12"). Raises ``DocumentRefused``
    (too large, empty, refused type) or ``DomainError``/``NotAllowed`` with a message; on
    any error nothing is kept — no row and no file.
    """
    if not rules.can_add_document(actor, person):
        raise NotAllowed("You cannot add documents to this record.")
    kind = document_kind(actor.organisation, kind)
    found = document_check(upload)
    original_name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    checksum, size = _checksum(upload)
    stored = storage.save(upload, organisation_id=actor.organisation.pk, extension=found.extension)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                organisation=actor.organisation,
                created_by=actor,
                person=person,
                kind=kind,
                title=_title(title, original_name),
                description=description.strip(),
                original_name=original_name[:255] or "document",
                content_type=found.content_type,
                extension=found.extension,
                size=size,
                sha256=checksum,
                storage_name=stored,
                scope=scope,
                uploaded_by=actor,
                uploaded_at=clock.now(),
            )
            record_event(
                action=Action.CREATE,
                actor=actor,
                request=request,
                obj=document,
                person_id=person.pk,
                detail={
                    "what": "document uploaded",
                    "kind": kind.label,
                    "content_type": found.content_type,
                    "size": size,
                    "sha256": checksum,
                },
            )
            project(document)
    except Exception:
        storage.remove(stored)
        raise
    return document


def document_downloaded(*, document: Document, actor, request=None) -> None:
    """Audit that someone took a copy of a document (called by the download view)."""
    record_event(
        action=Action.VIEW,
        actor=actor,
        request=request,
        obj=document,
        person_id=document.person_id,
        detail={"what": "document downloaded", "sha256": document.sha256},
    )


def document_mark_entered_in_error(
    *, document: Document, actor, reason: str, request=None
) -> Document:
    """Take a document out of the default lists, keeping it and saying why.

    Only a DSL (or deputy) or the person who uploaded it may do this. The row and the file
    stay; the chronology entry goes, as it does for other records entered in error.
    """
    if not rules.can_mark_document_in_error(actor, document):
        raise NotAllowed("Only a safeguarding lead or the person who uploaded it can do this.")
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError("Say why this document was entered in error.")
    if document.entered_in_error:
        raise DomainError("This document is already marked as entered in error.")
    with transaction.atomic():
        locked = (
            Document.objects.for_org(actor.organisation).select_for_update().get(pk=document.pk)
        )
        if locked.entered_in_error:
            raise DomainError("This document is already marked as entered in error.")
        locked.entered_in_error = True
        locked.error_reason = reason[:300]
        locked.error_marked_by = actor
        locked.error_marked_at = clock.now()
        locked.save(
            update_fields=[
                "entered_in_error",
                "error_reason",
                "error_marked_by",
                "error_marked_at",
                "modified_at",
            ]
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            person_id=locked.person_id,
            detail={"what": "document entered in error", "reason": locked.error_reason},
        )
        project(locked)
    return locked


def documents_remove_orphans(*, older_than: timedelta = ORPHAN_AGE) -> int:
    """Remove stored files that no document row names, once they are ``older_than``.

    A file is stored before its row is saved. If the caller's own transaction then rolls
    back (a form attaching files fails later on), the row goes but the bytes stay, under a
    random name nothing links to. This sweep (``haven remove_orphan_documents``, daily from
    cron or the task runner) takes them back. The age margin leaves uploads that are still
    saving alone. Returns how many files were removed.
    """
    store = storage.document_storage()
    cutoff = clock.now() - older_than
    removed = 0
    root = "documents"
    if not store.exists(root):
        return 0
    folders, _ = store.listdir(root)
    for folder in folders:
        _, names = store.listdir(f"{root}/{folder}")
        for start in range(0, len(names), 500):
            batch = [f"{root}/{folder}/{name}" for name in names[start : start + 500]]
            known = set(
                Document.unscoped.filter(storage_name__in=batch).values_list(
                    "storage_name", flat=True
                )
            )
            for name in batch:
                if name not in known and store.get_modified_time(name) < cutoff:
                    store.delete(name)
                    removed += 1
    return removed
