"""The chronology: one time-ordered list of everything significant about a child.

It is a projection. Services write an entry in the same transaction as the record it
describes; ``haven rebuild_chronology`` can recreate every entry from the source records.
Pages read it by (child, occurred_at, id) with keyset paging, so the first page costs the
same for a child with twenty entries or twenty thousand.
"""

from django.conf import settings
from django.db import models

from haven.core.models import OrgScopedModel


class Kind(models.TextChoices):
    STATUS_STARTED = "status_started", "Status started"
    STATUS_ENDED = "status_ended", "Status ended"
    RELATIONSHIP_ADDED = "relationship_added", "Relationship added"
    RELATIONSHIP_ENDED = "relationship_ended", "Relationship ended"
    HOUSEHOLD_MOVE = "household_move", "Moved household"
    RECORDS_MERGED = "records_merged", "Records merged"
    ENGAGEMENT_OPENED = "engagement_opened", "Programme engagement opened"
    ENGAGEMENT_CLOSED = "engagement_closed", "Programme engagement closed"
    SERVICE_DELIVERY = "service_delivery", "Service delivery"
    CONSULTATION = "consultation", "Consultation"
    CASE_OPENED = "case_opened", "Safeguarding case opened"
    CASE_MONITORING = "case_monitoring", "Safeguarding case monitoring action"
    CASE_CLOSURE_REQUESTED = "case_closure_requested", "Safeguarding case closure requested"
    CASE_CLOSURE_DECIDED = "case_closure_decided", "Safeguarding case closure decided"
    CASE_CLOSED = "case_closed", "Safeguarding case closed"
    CASE_REOPENED = "case_reopened", "Safeguarding case reopened"
    CASE_EDITED = "case_edited", "Safeguarding case details edited"
    DOCUMENT_ADDED = "document_added", "Document added"
    CONCERN = "concern", "Concern"
    CONCERN_ACTION = "concern_action", "Action on a concern"
    TRIAGE_DECISION = "triage_decision", "Safeguarding team decision on a concern"
    TRANSFER_SENT = "transfer_sent", "Safeguarding file transferred"
    TRANSFER_RECEIVED = "transfer_received", "Safeguarding file receipt confirmed"
    TRANSFER_CANCELLED = "transfer_cancelled", "Safeguarding file transfer cancelled"
    FRONT_DOOR_REFERRAL = "front_door_referral", "Referred to the front door"
    FRONT_DOOR_OUTCOME = "front_door_outcome", "Front door outcome received"
    THRESHOLD_DECISION = "threshold_decision", "Level of need decided (threshold framework)"


class Entry(OrgScopedModel):
    # No index of its own: ``chronology_timeline`` starts with the child. With both, the
    # planner took the plain one for a child it guessed had few entries, then sorted them
    # all; with only the timeline it reads the first page in order and stops.
    child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="chronology_entries",
        db_index=False,
    )
    occurred_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    category = models.CharField(max_length=120, blank=True)
    summary = models.CharField(max_length=300)
    # The record this entry describes, for the link and for rebuilding.
    source_type = models.CharField(max_length=60)
    source_id = models.BigIntegerField()
    # Who may see it beyond "may see this child": e.g. "engagement:12" for work inside an
    # engagement. Empty means everyone who may see the child.
    scope = models.CharField(max_length=60, blank=True)
    significant = models.BooleanField(default=False)
    # Routine entries (e.g. every session attended) are hidden until the reader asks for them.
    routine = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["child", "-occurred_at", "-id"], name="chronology_timeline"),
            models.Index(fields=["source_type", "source_id"], name="chronology_source"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "kind", "child"],
                name="chronology_one_entry_per_event",
            )
        ]

    def __str__(self) -> str:
        return self.summary


class Export(OrgScopedModel):
    """A chronology export waiting to be downloaded once.

    The file lives in the "documents" storage, outside the web root, under a random name.
    Only a hash of the link's token is kept, so a database reader cannot download it; the
    first download stamps ``downloaded_at`` and removes the file, and after ``expires_at``
    the link answers 410 Gone.
    """

    class Format(models.TextChoices):
        PDF = "pdf", "PDF for a case conference"
        CSV = "csv", "CSV for a spreadsheet"
        ZIP = "zip", "Safeguarding file for transfer (zip)"

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=3, choices=Format.choices)
    filters = models.JSONField(default=dict)
    redacted = models.BooleanField(default=False)
    entry_count = models.PositiveIntegerField(default=0)
    storage_name = models.CharField(max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "expires_at"], name="chronology_export_due")
        ]

    def __str__(self) -> str:
        return f"Chronology export {self.pk} ({self.format})"


# --- Transfer of a child's safeguarding file ----------------------------------------------
# When a child leaves for another school or setting, a safeguarding lead prepares the child's
# safeguarding file (chronology, case summaries, body maps and the documents vault as one
# zip), sends it, and records the receiving setting's confirmation that it arrived. The date
# it must go by (five school days after the child leaves) is stored when the transfer starts,
# so "due" and "overdue" are indexed queries.


class TransferStatus(models.TextChoices):
    GENERATED = "generated", "Prepared, not yet sent"
    SENT = "sent", "Sent, awaiting receipt"
    RECEIPT_CONFIRMED = "receipt_confirmed", "Receipt confirmed"
    CANCELLED = "cancelled", "Cancelled"


# Every move a transfer's status may make (DESIGN.md, rule 2). A file that has gone can still
# be cancelled (sent to the wrong setting, or the child did not leave after all); the record
# of its sending stays in the chronology.
TRANSFER_TRANSITIONS: dict[str, frozenset[str]] = {
    TransferStatus.GENERATED: frozenset({TransferStatus.SENT, TransferStatus.CANCELLED}),
    TransferStatus.SENT: frozenset({TransferStatus.RECEIPT_CONFIRMED, TransferStatus.CANCELLED}),
    TransferStatus.RECEIPT_CONFIRMED: frozenset(),
    TransferStatus.CANCELLED: frozenset(),
}
# Transfers a safeguarding lead still has to act on: send the file, or chase its receipt.
TRANSFER_OPEN = (TransferStatus.GENERATED, TransferStatus.SENT)
TRANSFER_CLOSED = (TransferStatus.RECEIPT_CONFIRMED, TransferStatus.CANCELLED)


class SendMethod(models.TextChoices):
    SECURE_EMAIL = "secure_email", "Secure email"
    BY_HAND = "by_hand", "By hand, signed for"
    RECORDED_POST = "recorded_post", "Recorded or special delivery post"
    PORTAL = "portal", "Secure transfer portal"


class ReceiptMethod(models.TextChoices):
    SIGNED_SLIP = "signed_slip", "Signed receipt slip returned"
    EMAIL = "email", "Email from the receiving setting"
    PORTAL = "portal", "Confirmed on the transfer portal"
    TELEPHONE = "telephone", "Telephone call from the receiving setting"


class TransferFile(OrgScopedModel):
    """One transfer of a child's safeguarding file to the school or setting they move to."""

    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="transfer_files"
    )
    leaving_date = models.DateField()
    destination = models.CharField("new school or setting", max_length=200)
    # Five school days after leaving, stored when the transfer starts (DESIGN.md, rule 5).
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=TransferStatus.choices, default=TransferStatus.GENERATED
    )
    # The latest file prepared (a new one replaces it when the link ran out before use).
    export = models.ForeignKey(
        Export, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_method = models.CharField(
        "how it was sent", max_length=20, choices=SendMethod.choices, blank=True
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_to = models.CharField("sent to (person or contact)", max_length=200, blank=True)
    receipt_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The receiving DSL is not a user of ours: their name as they gave it.
    receipt_confirmed_by = models.CharField("receipt confirmed by", max_length=150, blank=True)
    receipt_method = models.CharField(
        "how receipt was confirmed", max_length=20, choices=ReceiptMethod.choices, blank=True
    )
    receipt_note = models.CharField(max_length=300, blank=True)
    receipt_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_reason = models.CharField(max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            # The home page panel, the open part of the list and the overdue reminder:
            # organisation and status, then the due date.
            models.Index(fields=["organisation", "status", "due_date", "id"], name="transfer_due"),
            models.Index(fields=["status", "due_date"], name="transfer_overdue"),
            # The banner on a child's page: their latest transfer.
            models.Index(fields=["child", "-id"], name="transfer_child"),
            models.Index(fields=["organisation", "-id"], name="transfer_list"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status__in=["generated", "sent"]),
                name="transfer_one_open_per_child",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["sent", "receipt_confirmed"])
                | (models.Q(sent_at__isnull=False) & ~models.Q(sent_method="")),
                name="transfer_sent_has_when_and_how",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="receipt_confirmed")
                | (
                    models.Q(receipt_confirmed_at__isnull=False)
                    & ~models.Q(receipt_confirmed_by="")
                ),
                name="transfer_receipt_has_when_and_who",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | ~models.Q(cancelled_reason=""),
                name="transfer_cancelled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Safeguarding file transfer to {self.destination}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("chronology:transfer", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in TRANSFER_OPEN

    def is_overdue_on(self, day) -> bool:
        """Not sent by its due date (a file sent and awaiting receipt is never overdue)."""
        return self.status == TransferStatus.GENERATED and self.due_date < day


class TransferStatusChange(OrgScopedModel):
    """One row per change of a transfer's status (and one for its start)."""

    transfer = models.ForeignKey(
        TransferFile, on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=TransferStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=TransferStatus.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["transfer", "id"], name="transfer_status_history")]

    def __str__(self) -> str:
        before = self.get_from_status_display() or "New"
        return f"{before} → {self.get_to_status_display()}"
