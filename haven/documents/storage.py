"""Where document bytes live: the "documents" storage, never anywhere a web server serves.

By default this is Django's FileSystemStorage under ``HAVEN_FILES_DIR`` (``var/files``,
outside the web root and never given a URL). To keep documents in an S3-compatible store,
point ``STORAGES["documents"]`` at that backend in settings; nothing else changes, because
every read and write goes through this module. Names are random: ``documents/<organisation
id>/<40 hex characters>.<extension>``, so a name says nothing about the person or the file
and cannot be guessed.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import storages

STORAGE_ALIAS = "documents"


def document_storage():
    alias = STORAGE_ALIAS if STORAGE_ALIAS in settings.STORAGES else "default"
    return storages[alias]


def new_name(*, organisation_id: int, extension: str) -> str:
    return f"documents/{organisation_id}/{secrets.token_hex(20)}.{extension}"


def save(stream, *, organisation_id: int, extension: str) -> str:
    """Write the bytes under a fresh random name; returns the name the storage used."""
    stream.seek(0)
    name = new_name(organisation_id=organisation_id, extension=extension)
    return document_storage().save(name, File(stream))


def open_for_reading(name: str):
    return document_storage().open(name, "rb")


def remove(name: str) -> None:
    """Take back a file whose record was never saved (an upload that failed half-way)."""
    storage = document_storage()
    if name and storage.exists(name):
        storage.delete(name)
