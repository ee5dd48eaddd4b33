"""Certificates: checked by their content, stored under random names, read back by path.

Files go through Django's default storage (``HAVEN_FILES_DIR`` on local disk, outside the web
root; an S3-compatible store by settings), under ``workforce/<organisation>/<random>``. The
name someone gave the file is kept only as a label: it never reaches the file system, and
its extension is not trusted — the type is read from the first bytes.
"""

from __future__ import annotations

import secrets

from django.core.files.base import File
from django.core.files.storage import default_storage

from haven.core.errors import DomainError

MAX_BYTES = 25 * 1024 * 1024
# What a certificate may be, told by its first bytes: (signature, content type, extension).
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
ALLOWED_LABEL = "a PDF, PNG or JPEG file"


def sniff(head: bytes) -> tuple[str, str] | None:
    """The content type and extension of a file from its first bytes, if we accept it."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def check_upload(upload) -> tuple[str, str]:
    """Refuse anything too big or not a PDF/PNG/JPEG by content. Returns (type, extension)."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise DomainError("The certificate is larger than 25 MB. Upload a smaller file.")
    if upload.size == 0:
        raise DomainError("The certificate file is empty.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        raise DomainError(
            f"The certificate must be {ALLOWED_LABEL}. This file is not one, whatever its name."
        )
    return found


def store(upload, *, organisation_id: int, extension: str) -> str:
    """Save the upload under a new random name; returns the storage path."""
    name = f"workforce/{organisation_id}/{secrets.token_hex(20)}.{extension}"
    upload.seek(0)
    return default_storage.save(name, File(upload))


def open_for_reading(path: str):
    return default_storage.open(path, "rb")


def remove(path: str) -> None:
    if path and default_storage.exists(path):
        default_storage.delete(path)


def display_name(original: str, extension: str) -> str:
    """A safe download name: the original's letters and digits, with the real extension."""
    stem = original.rsplit(".", 1)[0] if "." in original else original
    safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in stem).strip()[:80]
    return f"{safe or 'certificate'}.{extension}"
