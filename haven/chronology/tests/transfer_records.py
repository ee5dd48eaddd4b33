"""Safeguarding file transfers for tests in any app."""

from __future__ import annotations

from datetime import date, timedelta

from haven.chronology import transfer_services as services
from haven.chronology.models import TransferFile, TransferStatus, TransferStatusChange
from haven.core import clock


def start_transfer(dsl, child, *, destination="Northfield Academy", leaving_date=None):
    """A transfer started the way a DSL starts one (the zip is built): the transfer, the
    download token and what went into the zip."""
    return services.transfer_file_start(
        actor=dsl,
        child=child,
        leaving_date=leaving_date or clock.today(),
        destination=destination,
    )


def send(dsl, transfer, *, sent_to="Jo Patel, DSL", method="secure_email"):
    return services.transfer_file_record_sent(
        actor=dsl, transfer=transfer, method=method, sent_at=clock.now(), sent_to=sent_to
    )


def quick_transfer(dsl, child, *, due_date: date, status=TransferStatus.GENERATED, **fields):
    """A transfer row with no zip behind it, for tests about lists and counts that need many
    (building the PDF for each would only make them slow)."""
    now = clock.now()
    extra = {}
    if status in (TransferStatus.SENT, TransferStatus.RECEIPT_CONFIRMED):
        extra = {"sent_at": now, "sent_method": "by_hand", "sent_to": "Office", "sent_by": dsl}
    if status == TransferStatus.RECEIPT_CONFIRMED:
        extra |= {"receipt_confirmed_at": now, "receipt_confirmed_by": "R. Lead"}
    transfer = TransferFile.objects.create(
        organisation=child.organisation,
        created_by=dsl,
        child=child,
        leaving_date=due_date - timedelta(days=7),
        destination=fields.pop("destination", "Hillside Primary"),
        due_date=due_date,
        status=status,
        generated_at=now,
        generated_by=dsl,
        **extra,
        **fields,
    )
    TransferStatusChange.objects.create(
        organisation=child.organisation, created_by=dsl, transfer=transfer, to_status=status
    )
    return transfer
