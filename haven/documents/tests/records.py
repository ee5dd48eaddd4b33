"""Documents made the way the application makes them, for tests in any app."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from haven.configuration.services import seed_organisation
from haven.documents import services
from haven.documents.demo import tiny_pdf, tiny_png
from haven.documents.models import Document


@dataclass
class DocumentRecords:
    photo: Document
    withdrawn: Document


def document_records(
    actor, person, *, title: str = "Photo of the playground fence", description: str = ""
) -> DocumentRecords:
    """A photo in ``person``'s vault, and a letter marked entered in error, by ``actor``."""
    seed_organisation(actor.organisation)
    photo = services.document_store(
        actor=actor,
        person=person,
        upload=SimpleUploadedFile("fence.png", tiny_png(), content_type="image/png"),
        kind="Photo",
        title=title,
        description=description,
    )
    letter = services.document_store(
        actor=actor,
        person=person,
        upload=SimpleUploadedFile("letter.pdf", tiny_pdf("Letter"), content_type="application/pdf"),
        kind="Letter",
        title="Letter sent to the wrong family",
    )
    withdrawn = services.document_mark_entered_in_error(
        document=letter, actor=actor, reason="Belongs to another child"
    )
    return DocumentRecords(photo=photo, withdrawn=withdrawn)
