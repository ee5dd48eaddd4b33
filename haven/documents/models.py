"""The document vault: files about a person (photos, scanned notes, letters, plans, minutes).

A ``Document`` row describes one stored file. The bytes live in the document storage (local
disk outside the web root by default; see ``haven.documents.storage``) under a random name
that says nothing about the person or the file. Nothing here is ever hard-deleted: a
document recorded by mistake is marked "entered in error" with a reason, leaves the default
lists, and stays, audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from haven.core.models import OrgScopedModel


class Document(OrgScopedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="documents")
    kind = models.ForeignKey("configuration.Option", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # What the uploader's computer called it: a label only, never a path on our disk.
    original_name = models.CharField(max_length=255)
    # Read from the file's first bytes, not from its name or the browser's say-so.
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255, unique=True)
    # Who may see it beyond "may see this person", as in the chronology: e.g. "concern:12"
    # for an attachment to a restricted concern. Empty means everyone who may see the person.
    scope = models.CharField(max_length=60, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    entered_in_error = models.BooleanField(default=False)
    error_reason = models.CharField(max_length=300, blank=True)
    error_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error_marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The person's list, newest first, paged by id: constant cost however many.
            models.Index(fields=["person", "entered_in_error", "-id"], name="document_person_list"),
            models.Index(fields=["organisation", "sha256"], name="document_checksum"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entered_in_error=False)
                | (~models.Q(error_reason="") & models.Q(error_marked_at__isnull=False)),
                name="document_error_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def download_name(self) -> str:
        """A safe name to save the file as: the original's letters, digits, spaces, hyphens
        and underscores, with the extension of what the file really is."""
        original = self.original_name
        stem = original.rsplit(".", 1)[0] if "." in original else original
        safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in stem)
        safe = " ".join(safe.split())[:80].strip(" _")
        return f"{safe or 'document'}.{self.extension}"

    @property
    def size_label(self) -> str:
        if self.size < 1024:
            return f"{self.size} bytes"
        if self.size < 1024 * 1024:
            return f"{self.size / 1024:.0f} KB"
        return f"{self.size / (1024 * 1024):.1f} MB"
