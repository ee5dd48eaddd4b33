"""The optional photo in a person's header: checked, cleaned, kept privately, audited.

A photo helps staff recognise a child at the door; it is not evidence (photos that are
evidence go in the document vault, where nothing is ever deleted). So a person has at most
one photo, and replacing or removing it takes the old bytes away once the change commits.
Who added, replaced or removed a photo, and when, stays in the person's audit trail
("Who has viewed this record") with the new photo's checksum.

* **Checked by content.** The file's first bytes must say JPEG, PNG or WebP
  (``haven.documents.sniffing``, the vault's own check), and Pillow must agree and decode
  it. The name and the browser's declared type are ignored.
* **Cleaned.** Every photo is decoded, turned upright from its EXIF orientation, shrunk to
  at most ``MAX_SIDE`` pixels a side and written afresh as a JPEG with no metadata at all:
  no EXIF, so no GPS position of where a child was photographed, no camera serial number,
  no embedded thumbnail of the uncropped original.
* **Kept privately.** The bytes go to the vault's storage (``haven.documents.storage``:
  outside the web root, or the S3-compatible store it is pointed at) under a random name in
  ``photos/<organisation id>/``, apart from ``documents/`` so that the vault's orphan sweep
  leaves them alone. They are only ever sent by ``views.person_photo_image``, which checks
  access, audits the read and forbids caching.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.core.errors import DomainError, require
from haven.documents import sniffing, storage
from haven.people.models import Person

MAX_BYTES = 10 * 1024 * 1024
MAX_LABEL = "10 MB"
# Room for the usual phone photo (12 to 48 megapixels). Checked before decoding, so a small
# file that claims to be a huge picture (a "decompression bomb") never reaches memory.
MAX_PIXELS = 50_000_000
MAX_SIDE = 512
JPEG_QUALITY = 85
CONTENT_TYPE = "image/jpeg"
ACCEPTED = {sniffing.JPEG, sniffing.PNG, sniffing.WEBP}
ACCEPTED_LABEL = "a JPEG, PNG or WebP photo"
logger = logging.getLogger(__name__)
_PILLOW_FORMATS = {"JPEG": sniffing.JPEG, "PNG": sniffing.PNG, "WEBP": sniffing.WEBP}


class PhotoRefused(DomainError):
    """The file is too large, empty, not a photo we accept, or cannot be read."""


@dataclass(frozen=True)
class PreparedPhoto:
    content: bytes
    width: int
    height: int
    source: sniffing.FileType

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _label(upload) -> str:
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return f"“{name}”" if name else "The file"


def photo_prepare(upload) -> PreparedPhoto:
    """The cleaned JPEG for ``upload``, or ``PhotoRefused`` saying why not. Changes nothing.

    ``upload`` is a Django ``UploadedFile`` or any seekable binary file with ``size``.
    """
    label = _label(upload)
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise PhotoRefused(
            f"{label} is larger than {MAX_LABEL}. The photo has not been changed; choose a "
            "smaller photo."
        )
    if size == 0:
        raise PhotoRefused(f"{label} is empty. The photo has not been changed.")
    found = sniffing.sniff(upload)
    if found not in ACCEPTED:
        raise PhotoRefused(
            f"{label} is not {ACCEPTED_LABEL}, whatever its name says. The photo has not been "
            "changed."
        )
    unreadable = PhotoRefused(
        f"{label} could not be read as a photo (it may be damaged). The photo has not been changed."
    )
    too_many_pixels = PhotoRefused(
        f"{label} has more pixels than Haven accepts. The photo has not been changed; choose a "
        "smaller photo."
    )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(_PILLOW_FORMATS)) as image:
                if _PILLOW_FORMATS.get(image.format) != found:
                    raise unreadable
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise too_many_pixels
                cleaned = _clean(image)
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except UnidentifiedImageError:
        raise unreadable from None
    except Exception:
        # Decoders meet hostile bytes here; whatever they raise, the answer is the same.
        raise unreadable from None
    finally:
        upload.seek(0)
    out = io.BytesIO()
    cleaned.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, exif=b"")
    return PreparedPhoto(
        content=out.getvalue(), width=cleaned.width, height=cleaned.height, source=found
    )


def _clean(image: Image.Image) -> Image.Image:
    """Upright, small, RGB, and carrying nothing but pixels."""
    if image.format == "JPEG":
        # Let the decoder shrink by a power of two first: a 12-megapixel photo is decoded
        # at a fraction of the memory.
        image.draft("RGB", (MAX_SIDE * 2, MAX_SIDE * 2))
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image from the pixels alone: nothing of the original's metadata (EXIF, XMP,
    # ICC profile, comments, text chunks) can travel on.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def _new_name(organisation_id: int) -> str:
    return f"photos/{organisation_id}/{secrets.token_hex(20)}.jpg"


def _store(prepared: PreparedPhoto, organisation_id: int) -> str:
    return storage.document_storage().save(
        _new_name(organisation_id), ContentFile(prepared.content)
    )


def open_photo(person: Person):
    """The stored photo of ``person`` for reading; ``FileNotFoundError`` if it is gone."""
    if not person.photo_name:
        raise FileNotFoundError("no photo")
    return storage.open_for_reading(person.photo_name)


def _discard(name: str) -> None:
    """Remove a photo's bytes after the change that dropped them has committed. A failure
    here (a storage outage) must not turn a saved change into an error page."""
    try:
        storage.remove(name)
    except Exception:
        logger.exception("Could not remove a replaced photo from storage")


def _locked(person: Person, actor) -> Person:
    return Person.objects.for_org(actor.organisation).select_for_update().get(pk=person.pk)


def _check_may_change(person: Person, actor) -> None:
    require(
        rules.can_edit_person(actor, person),
        "You cannot change the photo on this record.",
    )
    if person.merged_into_id:
        raise DomainError("This record was merged into another; change the photo there.")


def person_photo_set(*, person: Person, actor, upload, request=None) -> Person:
    """Add a photo to ``person``'s record, or replace the one there.

    Refuses (``NotAllowed``) anyone who may not edit the person, and (``PhotoRefused``) a
    file that is too large, not a JPEG, PNG or WebP photo, or unreadable; on any error the
    record and its current photo are as they were and no new file is left behind. Audited
    as "photo added" or "photo replaced" with the new photo's checksum and size.
    """
    _check_may_change(person, actor)
    prepared = photo_prepare(upload)
    stored = _store(prepared, actor.organisation.pk)
    try:
        return _change(
            person,
            actor,
            stored,
            request=request,
            detail={
                "sha256": prepared.sha256,
                "size": len(prepared.content),
                "width": prepared.width,
                "height": prepared.height,
                "uploaded_type": prepared.source.content_type,
            },
        )
    except Exception:
        storage.remove(stored)
        raise


def person_photo_remove(*, person: Person, actor, request=None) -> Person:
    """Take the photo off ``person``'s record; its bytes go once the change commits.

    Audited as "photo removed". ``DomainError`` if there is no photo to remove.
    """
    _check_may_change(person, actor)
    return _change(person, actor, "", request=request)


def _change(person: Person, actor, name: str, *, request, detail=None) -> Person:
    """Put the stored photo ``name`` (or none) on the locked record, audit it, and let the
    previous photo's bytes go once the change has committed."""
    with transaction.atomic():
        locked = _locked(person, actor)
        previous = locked.photo_name
        if not name and not previous:
            raise DomainError("There is no photo on this record to remove.")
        locked.photo_name, locked.photo_updated_at = name, clock.now()
        locked.save(update_fields=["photo_name", "photo_updated_at", "modified_at"])
        what = "photo removed" if not name else ("photo replaced" if previous else "photo added")
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            person_id=locked.pk,
            detail={"what": what, **(detail or {})},
        )
        if previous:
            transaction.on_commit(lambda: _discard(previous))
    person.photo_name, person.photo_updated_at = locked.photo_name, locked.photo_updated_at
    return locked


def person_photo_viewed(*, person: Person, actor, request=None) -> None:
    """Audit that someone's browser fetched a person's photo, as for any read of a record."""
    record_event(
        action=Action.VIEW,
        actor=actor,
        request=request,
        obj=person,
        person_id=person.pk,
        detail={"what": "photo"},
    )
