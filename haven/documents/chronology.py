"""How the document vault appears in a child's chronology (registered with the projection)."""

from __future__ import annotations

from haven.chronology.models import Kind
from haven.chronology.projection import Spec, projector
from haven.documents.models import Document


@projector(Document)
def document_entries(document: Document):
    # A document entered in error leaves the chronology, as it leaves the vault's list;
    # the row, the file and the audit trail stay.
    if document.entered_in_error:
        return
    yield Spec(
        child=document.person,
        kind=Kind.DOCUMENT_ADDED,
        occurred_at=document.uploaded_at,
        summary=f"{document.kind.label} added: {document.title}",
        recorded_by_id=document.uploaded_by_id,
        category=document.kind.label,
        scope=document.scope,
    )
