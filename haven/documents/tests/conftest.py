import datetime
import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.configuration.services import seed_organisation
from haven.people import services as people_services


@pytest.fixture
def seeded(org):
    seed_organisation(org)
    return org


@pytest.fixture
def child(dsl, seeded):
    return people_services.person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Poppy",
            "last_name": "Meadows",
            "date_of_birth": datetime.date(2017, 3, 14),
        },
        address={"address_line_1": "4 Mill Lane"},
        duplicate_reason="test data",
    )


@pytest.fixture
def other_child(stranger):
    seed_organisation(stranger.organisation)
    return people_services.person_create(
        actor=stranger,
        data={
            "kind": "child",
            "first_name": "Ollie",
            "last_name": "Elsewhere",
            "date_of_birth": datetime.date(2016, 1, 2),
        },
        address={"address_line_1": "9 Far Road"},
        duplicate_reason="test data",
    )


def png_bytes() -> bytes:
    """A real one-pixel PNG."""
    from haven.documents.demo import tiny_png

    return tiny_png()


def pdf_bytes() -> bytes:
    from haven.documents.demo import tiny_pdf

    return tiny_pdf("A short letter")


def upload(content: bytes, name: str = "file.bin", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def zip_bytes(entries: dict[str, bytes], *, stored_first: bool = False) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            kind = (
                zipfile.ZIP_STORED if stored_first and name == "mimetype" else zipfile.ZIP_DEFLATED
            )
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


__all__ = ["png_bytes", "pdf_bytes", "upload", "zip_bytes", "zlib"]
