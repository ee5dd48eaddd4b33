"""Transferring a child's safeguarding file to their new school or setting.

A safeguarding lead starts a transfer when a child leaves: the file is prepared at once
(``transfer_bundle``) and offered through the chronology exports' single-use, ten-minute
download link. The lead then records how, when and to whom it was sent, and later the
receiving setting's confirmation that it arrived. Every step goes through
``TRANSFER_TRANSITIONS`` and leaves a ``TransferStatusChange``; sending and receipt are
written into the child's chronology through the projection (``transfer_chronology``).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.chronology import transfer_bundle
from haven.chronology.models import (
    TRANSFER_TRANSITIONS,
    Export,
    ReceiptMethod,
    SendMethod,
    TransferFile,
    TransferStatus,
    TransferStatusChange,
)
from haven.chronology.projection import project
from haven.chronology.services import (
    EXPORT_LINK_LIFETIME,
    _token_hash,
    chronology_exports_purge,
)
from haven.core import clock
from haven.core.calendar import add_working_days
from haven.core.errors import DomainError, require
from haven.documents.storage import remove

# Keeping children safe in education asks for the file within five school days of the child
# leaving. Haven's calendar knows weekends and England and Wales bank holidays, not each
# school's own holidays, so a child leaving just before a school holiday has a due date
# inside it: the lead sees it as due early rather than late.
SCHOOL_DAYS_TO_TRANSFER = 5
NOT_ALLOWED = "Only the DSL or a deputy DSL may transfer a child's safeguarding file."


def transfer_due_date(leaving_date: date) -> date:
    """Five school days after ``leaving_date`` (weekdays, less bank holidays)."""
    return add_working_days(leaving_date, SCHOOL_DAYS_TO_TRANSFER)


def transfer_refusal(transfer: TransferFile, to_status: str) -> str:
    """Why ``transfer`` cannot move to ``to_status``, in the lead's words."""
    if transfer.status == TransferStatus.CANCELLED:
        return (
            "This transfer was cancelled, so it cannot change. Start a new transfer if the "
            "file still needs to go."
        )
    if transfer.status == TransferStatus.RECEIPT_CONFIRMED:
        return "Receipt of this file is already confirmed: the transfer is complete."
    if to_status == TransferStatus.SENT:
        return f"This file was already recorded as sent on {_day(transfer.sent_at)}."
    if to_status == TransferStatus.RECEIPT_CONFIRMED:
        return "Record how and when the file was sent before confirming that it arrived."
    return (
        f"This transfer is “{transfer.get_status_display()}”; it cannot become "
        f"“{TransferStatus(to_status).label}”."
    )


def _day(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y}" if moment else "an earlier date"


def _move(transfer: TransferFile, to_status: str, actor, note: str = "") -> TransferStatusChange:
    """Change the status through the transition table, leaving a row (DESIGN.md, rule 2)."""
    if to_status not in TRANSFER_TRANSITIONS.get(transfer.status, frozenset()):
        raise DomainError(transfer_refusal(transfer, to_status))
    before = transfer.status
    transfer.status = to_status
    return TransferStatusChange.objects.create(
        organisation=transfer.organisation,
        created_by=actor,
        transfer=transfer,
        from_status=before,
        to_status=to_status,
        note=note[:300],
    )


def _locked(transfer: TransferFile) -> TransferFile:
    """The row again, locked, so two leads acting at once cannot both move it."""
    fresh = (
        TransferFile.objects.for_org(transfer.organisation).select_for_update().get(pk=transfer.pk)
    )
    fresh.child = transfer.child
    return fresh


def _documents(actor, child) -> list:
    from haven.documents.queries import documents_visible_to

    # Oldest first, so the numbering in the zip follows the order they were added.
    return list(documents_visible_to(actor, child).order_by("uploaded_at", "id"))


def _store(*, actor, transfer: TransferFile) -> tuple[str, transfer_bundle.Bundle]:
    """Build the zip and keep it in storage under a random name, before any row is written
    (as the chronology exports do); the caller removes it if its transaction fails."""
    from haven.documents.storage import document_storage

    chronology_exports_purge(organisation=transfer.organisation)
    bundle = transfer_bundle.build(
        actor=actor, transfer=transfer, documents=_documents(actor, transfer.child)
    )
    name = f"chronology-exports/{transfer.organisation_id}/{secrets.token_hex(20)}.zip"
    try:
        stored = document_storage().save(name, File(bundle.file))
    finally:
        bundle.file.close()
    return stored, bundle


def _export_row(*, actor, transfer: TransferFile, stored: str, bundle) -> tuple[Export, str]:
    """The export record behind the single-use link, and the link's secret token."""
    from haven.chronology import queries

    token = secrets.token_urlsafe(32)
    export = Export.objects.create(
        organisation=transfer.organisation,
        created_by=actor,
        child=transfer.child,
        format=Export.Format.ZIP,
        filters={"transfer": transfer.pk, **queries.filters_for_audit(transfer_bundle.FILTERS)},
        redacted=False,
        entry_count=bundle.entry_count,
        storage_name=stored,
        token_hash=_token_hash(token),
        expires_at=clock.now() + EXPORT_LINK_LIFETIME,
    )
    return export, token


def _audit_prepared(*, actor, transfer, export, bundle, request, what: str) -> None:
    record_event(
        action=Action.EXPORT,
        actor=actor,
        request=request,
        obj=transfer,
        person_id=transfer.child_id,
        detail={
            "what": what,
            "export": export.pk,
            "destination": transfer.destination,
            "filters": export.filters,
            "entries": bundle.entry_count,
            "truncated": bundle.truncated,
            "case_summaries": bundle.case_count,
            "documents": [
                {"id": f.document.pk, "name": f.name, "sha256": f.sha256} for f in bundle.documents
            ],
            "missing_documents": [d.pk for d in bundle.missing],
        },
    )


def transfer_file_start(
    *, actor, child, leaving_date: date, destination: str, request=None
) -> tuple[TransferFile, str, transfer_bundle.Bundle]:
    """Start transferring ``child``'s safeguarding file to ``destination``.

    Prepares the zip at once and returns the transfer, the download link's secret token
    (shown once, kept only as a hash) and what went into the zip. The due date is five
    school days after ``leaving_date``. Audited with everything that went in. Refused if the
    child already has a transfer in progress."""
    require(rules.can_transfer_file(actor, child), NOT_ALLOWED)
    if not child.is_child:
        raise DomainError(f"{child.full_name} is an adult. Safeguarding files are about children.")
    destination = " ".join((destination or "").split())[:200]
    if not destination:
        raise DomainError("Give the name of the school or setting the child is moving to.")
    if leaving_date is None:
        raise DomainError("Give the date the child leaves (or left).")
    if leaving_date > clock.today() + timedelta(days=366):
        raise DomainError("The leaving date is more than a year away: check the year.")
    open_transfer = (
        TransferFile.objects.for_org(child.organisation)
        .filter(child=child, status__in=[TransferStatus.GENERATED, TransferStatus.SENT])
        .first()
    )
    if open_transfer is not None:
        raise DomainError(
            f"{child.full_name}'s file is already being transferred to "
            f"{open_transfer.destination}. Carry on with that transfer, or cancel it first."
        )
    transfer = TransferFile(
        organisation=child.organisation,
        created_by=actor,
        child=child,
        leaving_date=leaving_date,
        destination=destination,
        due_date=transfer_due_date(leaving_date),
        generated_at=clock.now(),
        generated_by=actor,
    )
    stored, bundle = _store(actor=actor, transfer=transfer)
    try:
        with transaction.atomic():
            transfer.save()
            TransferStatusChange.objects.create(
                organisation=transfer.organisation,
                created_by=actor,
                transfer=transfer,
                from_status="",
                to_status=TransferStatus.GENERATED,
            )
            export, token = _export_row(
                actor=actor, transfer=transfer, stored=stored, bundle=bundle
            )
            transfer.export = export
            transfer.save(update_fields=["export", "modified_at"])
            _audit_prepared(
                actor=actor,
                transfer=transfer,
                export=export,
                bundle=bundle,
                request=request,
                what="safeguarding file transfer prepared",
            )
    except IntegrityError as clash:
        remove(stored)
        # Another lead started one for the same child a moment ago.
        raise DomainError(
            f"{child.full_name}'s file is already being transferred. Open the transfer from "
            "the list of transfers."
        ) from clash
    except BaseException:
        remove(stored)
        raise
    return transfer, token, bundle


def transfer_file_rebuild(
    *, actor, transfer: TransferFile, request=None
) -> tuple[TransferFile, str, transfer_bundle.Bundle]:
    """Prepare the file again, with a new single-use link (the last one was used or ran
    out). The chronology and vault are read as they are now. Audited like the first."""
    require(rules.can_view_transfer(actor, transfer), NOT_ALLOWED)
    require(rules.can_transfer_file(actor, transfer.child), NOT_ALLOWED)
    if not transfer.is_open:
        raise DomainError(transfer_refusal(transfer, TransferStatus.SENT))
    stored, bundle = _store(actor=actor, transfer=transfer)
    try:
        with transaction.atomic():
            transfer = _locked(transfer)
            if not transfer.is_open:
                raise DomainError(transfer_refusal(transfer, TransferStatus.SENT))
            export, token = _export_row(
                actor=actor, transfer=transfer, stored=stored, bundle=bundle
            )
            transfer.export = export
            transfer.generated_at = clock.now()
            transfer.generated_by = actor
            transfer.save(update_fields=["export", "generated_at", "generated_by", "modified_at"])
            _audit_prepared(
                actor=actor,
                transfer=transfer,
                export=export,
                bundle=bundle,
                request=request,
                what="safeguarding file transfer prepared again",
            )
    except BaseException:
        remove(stored)
        raise
    return transfer, token, bundle


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _not_in_future(moment: datetime, what: str) -> None:
    if moment > clock.now():
        raise DomainError(f"The time {what} cannot be in the future.")


def transfer_file_record_sent(
    *,
    actor,
    transfer: TransferFile,
    method: str,
    sent_at: datetime,
    sent_to: str,
    request=None,
) -> TransferFile:
    """Record how, when and to whom the file was sent. The child is then shown as
    transferred, and the chronology says so."""
    require(rules.can_view_transfer(actor, transfer), NOT_ALLOWED)
    if method not in SendMethod.values:
        raise DomainError("Choose how the file was sent.")
    sent_to = " ".join((sent_to or "").split())[:200]
    if not sent_to:
        raise DomainError("Give the name or contact the file was sent to.")
    if sent_at is None:
        raise DomainError("Give the date and time the file was sent.")
    _not_in_future(sent_at, "the file was sent")
    with transaction.atomic():
        transfer = _locked(transfer)
        # Times are entered to the minute: the minute it was prepared in is fine.
        if transfer.status == TransferStatus.GENERATED and sent_at < _minute(transfer.generated_at):
            raise DomainError(
                "The file was prepared at "
                f"{timezone.localtime(transfer.generated_at):%H:%M on %d/%m/%Y}; it cannot "
                "have been sent before then."
            )
        change = _move(transfer, TransferStatus.SENT, actor)
        transfer.sent_method = method
        transfer.sent_at = sent_at
        transfer.sent_by = actor
        transfer.sent_to = sent_to
        transfer.save(
            update_fields=["status", "sent_method", "sent_at", "sent_by", "sent_to", "modified_at"]
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=transfer,
            person_id=transfer.child_id,
            detail={
                "what": "safeguarding file sent",
                "method": method,
                "sent_at": sent_at.isoformat(),
                "sent_to": sent_to,
                "destination": transfer.destination,
            },
        )
        project(change)
    return transfer


def transfer_file_confirm_receipt(
    *,
    actor,
    transfer: TransferFile,
    confirmed_at: datetime,
    confirmed_by: str,
    method: str,
    note: str = "",
    request=None,
) -> TransferFile:
    """Record the receiving setting's confirmation that the file arrived: when, who (their
    DSL's name, as they gave it) and how. Completes the transfer."""
    require(rules.can_view_transfer(actor, transfer), NOT_ALLOWED)
    if method not in ReceiptMethod.values:
        raise DomainError("Choose how receipt was confirmed.")
    confirmed_by = " ".join((confirmed_by or "").split())[:150]
    if not confirmed_by:
        raise DomainError("Give the name of the person who confirmed receipt.")
    if confirmed_at is None:
        raise DomainError("Give the date and time receipt was confirmed.")
    _not_in_future(confirmed_at, "receipt was confirmed")
    with transaction.atomic():
        transfer = _locked(transfer)
        if transfer.sent_at and confirmed_at < _minute(transfer.sent_at):
            raise DomainError(
                f"The file was sent at {timezone.localtime(transfer.sent_at):%H:%M on %d/%m/%Y}; "
                "its receipt cannot be confirmed before then."
            )
        change = _move(transfer, TransferStatus.RECEIPT_CONFIRMED, actor)
        transfer.receipt_confirmed_at = confirmed_at
        transfer.receipt_confirmed_by = confirmed_by
        transfer.receipt_method = method
        transfer.receipt_note = " ".join((note or "").split())[:300]
        transfer.receipt_recorded_by = actor
        transfer.save(
            update_fields=[
                "status",
                "receipt_confirmed_at",
                "receipt_confirmed_by",
                "receipt_method",
                "receipt_note",
                "receipt_recorded_by",
                "modified_at",
            ]
        )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=transfer,
            person_id=transfer.child_id,
            detail={
                "what": "safeguarding file receipt confirmed",
                "confirmed_at": confirmed_at.isoformat(),
                "confirmed_by": confirmed_by,
                "method": method,
            },
        )
        project(change)
    return transfer


def transfer_file_cancel(*, actor, transfer: TransferFile, reason: str, request=None):
    """Cancel a transfer, with the reason. A prepared file not yet downloaded is removed
    from storage at once; a file already sent stays recorded as sent in the chronology."""
    require(rules.can_view_transfer(actor, transfer), NOT_ALLOWED)
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise DomainError("Say why the transfer is cancelled.")
    with transaction.atomic():
        transfer = _locked(transfer)
        change = _move(transfer, TransferStatus.CANCELLED, actor, note=reason)
        transfer.cancelled_reason = reason
        transfer.cancelled_at = clock.now()
        transfer.save(update_fields=["status", "cancelled_reason", "cancelled_at", "modified_at"])
        stale = None
        if transfer.export_id:
            export = Export.objects.for_org(transfer.organisation).get(pk=transfer.export_id)
            if export.downloaded_at is None and export.storage_name:
                stale = export.storage_name
                Export.objects.for_org(transfer.organisation).filter(pk=export.pk).update(
                    storage_name="", expires_at=clock.now()
                )
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=transfer,
            person_id=transfer.child_id,
            detail={"what": "safeguarding file transfer cancelled", "reason": reason},
        )
        project(change)
        if stale:
            transaction.on_commit(lambda: remove(stale))
    return transfer
