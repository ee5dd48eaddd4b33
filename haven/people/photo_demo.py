"""Demo photos: coloured squares with a child's initials, drawn when the demo is loaded.

No picture of anyone is kept in the repository: the demo shows what a photo looks like in
the header without a real face, and it goes through the same service (checks, shrinking,
audit) as a photo staff upload.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from haven.people import photos
from haven.people.models import Person

# Dark enough for white initials to pass WCAG contrast.
COLOURS = ((30, 94, 140), (122, 46, 110), (28, 110, 74), (150, 64, 20))


def initials_avatar(initials: str, colour=COLOURS[0], size: int = 640) -> bytes:
    """A PNG of ``initials`` in white on a square of ``colour``."""
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.load_default(size=size * 2 // 5)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        font = ImageFont.load_default()
    draw.text((size / 2, size / 2), initials.upper()[:3], fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def load_demo_photos(*, actor, people: list[Person]) -> None:
    """Give each of ``people`` an initials photo, added by ``actor`` through the service."""
    for number, person in enumerate(people):
        initials = f"{person.first_name[:1]}{person.last_name[:1]}"
        upload = SimpleUploadedFile(
            f"{initials.lower()}.png",
            initials_avatar(initials, COLOURS[number % len(COLOURS)]),
            content_type="image/png",
        )
        photos.person_photo_set(person=person, actor=actor, upload=upload)
