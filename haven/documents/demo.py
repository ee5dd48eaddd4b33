"""Demo documents: a tiny photo and a tiny letter on a demo child, made in code."""

from __future__ import annotations

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def tiny_png(width: int = 4, height: int = 4, colour=(46, 110, 158)) -> bytes:
    """A small, valid PNG of one colour (no image library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(colour) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` in Helvetica, with a correct cross-reference table."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def demo_upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def load_documents(*, dsl, keyperson, child) -> None:
    """A photo and a letter in a Riverside child's vault, uploaded by the key person and
    the DSL, so the Documents tab has something to show and download."""
    from haven.configuration.services import seed_organisation
    from haven.documents.services import document_store

    seed_organisation(child.organisation)
    document_store(
        actor=keyperson,
        person=child,
        upload=demo_upload("playground-graze.png", tiny_png(8, 8, (196, 120, 90))),
        kind="Photo",
        title="Photo of the graze on the playground",
        description="Taken by the key person after first aid, for the accident record.",
    )
    document_store(
        actor=dsl,
        person=child,
        upload=demo_upload(
            "school-nurse-letter.pdf",
            tiny_pdf("Letter from the school nurse: hearing check booked for next month."),
        ),
        kind="Letter",
        title="Letter from the school nurse",
        description="Hearing check booked; copy sent home.",
    )
