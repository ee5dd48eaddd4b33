"""How a safeguarding file transfer appears in the child's chronology.

Sending and the receiving setting's confirmation are entries (and a cancellation after the
file had gone). Preparing the file is not: nothing has left the organisation yet. Entries
carry no narrower scope: whoever may read the child's chronology learns that the child's
file went to their new setting, as they would from the banner on the child's record.
"""

from __future__ import annotations

from haven.chronology.models import Kind, TransferStatus, TransferStatusChange
from haven.chronology.projection import Spec, projector

CATEGORY = "Safeguarding file transfer"


@projector(TransferStatusChange)
def transfer_entries(change: TransferStatusChange):
    transfer = change.transfer
    if change.to_status == TransferStatus.SENT:
        yield Spec(
            child=transfer.child,
            kind=Kind.TRANSFER_SENT,
            occurred_at=transfer.sent_at,
            summary=(
                f"Safeguarding file transferred to {transfer.destination} "
                f"({transfer.get_sent_method_display().lower()}, to {transfer.sent_to})"
            ),
            recorded_by_id=change.created_by_id,
            category=CATEGORY,
        )
    elif change.to_status == TransferStatus.RECEIPT_CONFIRMED:
        yield Spec(
            child=transfer.child,
            kind=Kind.TRANSFER_RECEIVED,
            occurred_at=transfer.receipt_confirmed_at,
            summary=(
                f"Receipt of the safeguarding file confirmed by {transfer.receipt_confirmed_by} "
                f"at {transfer.destination} ({transfer.get_receipt_method_display().lower()})"
            ),
            recorded_by_id=change.created_by_id,
            category=CATEGORY,
        )
    elif change.to_status == TransferStatus.CANCELLED and change.from_status == TransferStatus.SENT:
        yield Spec(
            child=transfer.child,
            kind=Kind.TRANSFER_CANCELLED,
            occurred_at=change.created_at,
            summary=(
                f"Transfer of the safeguarding file to {transfer.destination} cancelled: "
                f"{change.note}"
            ),
            recorded_by_id=change.created_by_id,
            category=CATEGORY,
        )
