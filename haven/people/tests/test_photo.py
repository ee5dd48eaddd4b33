"""A person's photo: checked by content, cleaned of metadata, private, audited, removable."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from haven.audit.models import Action, AuditEvent
from haven.core.errors import DomainError, NotAllowed
from haven.core.testing.factories import UserFactory
from haven.documents import storage
from haven.documents.demo import tiny_pdf
from haven.people import photos
from haven.people.merge import person_merge
from haven.people.models import Person
from haven.people.photo_demo import initials_avatar, load_demo_photos

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def jpeg_with_exif(width=2000, height=1000, *, orientation=None) -> bytes:
    """A camera-like JPEG: a GPS position, a camera make and (optionally) an orientation."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    # The left half blue, so that turning it upright can be seen in the pixels.
    image.paste((30, 30, 200), (0, 0, width // 2, height))
    exif = Image.Exif()
    exif[MAKE] = "Riverside Phone"
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 0.0)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at 4 Mill Lane")
    return out.getvalue()


def encoded(fmt: str, size=(60, 40), mode="RGB", colour=(10, 120, 60), **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt, **options)
    return out.getvalue()


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


class Sized(io.BytesIO):
    """A file that says it is bigger than it is, so the limit is tested without 10 MB."""

    def __init__(self, content: bytes, size: int, name: str):
        super().__init__(content)
        self.size = size
        self.name = name


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT) / "photos"
    return sorted(p for p in root.rglob("*") if p.is_file())


def stored_image(person: Person) -> Image.Image:
    person = Person.unscoped.get(pk=person.pk)
    with storage.open_for_reading(person.photo_name) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def photo_events(person: Person) -> list[str]:
    events = AuditEvent.objects.filter(person_id=person.pk, action=Action.UPDATE).order_by("id")
    return [e.detail.get("what") for e in events if "photo" in (e.detail.get("what") or "")]


@pytest.fixture
def bugs(add_person):
    return add_person("Bugs", "Bunny")


@pytest.fixture
def teacher(org):
    """A member of staff who may read people's records but not change them."""
    return UserFactory(organisation=org, roles=["staff"], authenticator=True)


# --- The service ---------------------------------------------------------------------------


def test_a_photo_is_shrunk_turned_upright_and_kept_without_its_exif_or_gps(bugs, dsl):
    photos.person_photo_set(
        person=bugs, actor=dsl, upload=upload(jpeg_with_exif(2000, 1000, orientation=6))
    )

    image = stored_image(bugs)
    assert image.format == "JPEG"
    # Orientation 6 means "turn a quarter clockwise to view": 2000 × 1000 becomes tall.
    assert image.size == (256, 512)
    assert not image.getexif()
    assert "exif" not in image.info and "comment" not in image.info
    with storage.open_for_reading(Person.unscoped.get(pk=bugs.pk).photo_name) as handle:
        raw = handle.read()
    assert b"Riverside Phone" not in raw and b"Mill Lane" not in raw
    # The blue half (the left of the original) is now at the top.
    assert image.getpixel((128, 10))[2] > 150
    assert image.getpixel((128, 500))[0] > 150


def test_png_with_transparency_and_webp_photos_are_accepted_as_jpeg(bugs, dsl):
    for content in (
        encoded("PNG", mode="RGBA", colour=(10, 120, 60, 0)),
        encoded("WEBP", size=(700, 300)),
    ):
        photos.person_photo_set(person=bugs, actor=dsl, upload=upload(content, "x.bin"))
        image = stored_image(bugs)
        assert image.format == "JPEG" and image.mode == "RGB"
    assert image.size == (512, 219)
    assert stored_image(bugs).size == (512, 219)


def test_a_small_photo_is_not_enlarged(bugs, dsl):
    photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG", size=(90, 120))))
    assert stored_image(bugs).size == (90, 120)


def _bomb() -> bytes:
    # 10,000 × 10,000 pixels of one shade compress to a few kilobytes.
    return encoded("PNG", size=(10_000, 10_000), mode="1", colour=0)


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"Just some notes about the family.\n", "notes.jpg", "is not a JPEG, PNG or WebP"),
        (tiny_pdf("A letter"), "letter.png", "is not a JPEG, PNG or WebP"),
        (encoded("GIF"), "animation.gif", "is not a JPEG, PNG or WebP"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "face.png", "is not a JPEG"),
        (b"", "empty.jpg", "is empty"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "broken.jpg", "could not be read as a photo"),
        (encoded("JPEG")[:300], "cut-short.jpg", "could not be read as a photo"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 nonsense", "fake.webp", "could not be read as a photo"),
        (_bomb(), "enormous.png", "more pixels than Haven accepts"),
        (
            encoded("PNG", size=(8_000, 7_000), mode="1", colour=0),
            "panorama.png",
            "more pixels than Haven accepts",
        ),
    ],
    ids=[
        "text",
        "pdf",
        "gif",
        "svg",
        "empty",
        "broken",
        "truncated",
        "fake-webp",
        "bomb",
        "too-many-pixels",
    ],
)
def test_a_file_that_is_not_a_usable_photo_is_refused_and_changes_nothing(
    bugs, dsl, content, name, words
):
    photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG"), "first.jpg"))
    before = Person.unscoped.get(pk=bugs.pk)
    files, events = stored_files(), AuditEvent.objects.count()

    with pytest.raises(photos.PhotoRefused) as refused:
        photos.person_photo_set(person=bugs, actor=dsl, upload=upload(content, name))

    assert words in str(refused.value)
    assert "has not been changed" in str(refused.value)
    after = Person.unscoped.get(pk=bugs.pk)
    assert (after.photo_name, after.photo_updated_at) == (
        before.photo_name,
        before.photo_updated_at,
    )
    assert stored_files() == files and AuditEvent.objects.count() == events


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(bugs, dsl):
    big = Sized(encoded("JPEG"), photos.MAX_BYTES + 1, "holiday.jpg")
    with pytest.raises(photos.PhotoRefused, match="larger than 10 MB"):
        photos.person_photo_set(person=bugs, actor=dsl, upload=big)
    assert not Person.unscoped.get(pk=bugs.pk).photo_name
    assert stored_files() == []


def test_someone_who_may_not_edit_the_person_cannot_change_the_photo(bugs, dsl, teacher):
    with pytest.raises(NotAllowed):
        photos.person_photo_set(person=bugs, actor=teacher, upload=upload(encoded("JPEG")))
    photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG")))
    with pytest.raises(NotAllowed):
        photos.person_photo_remove(person=bugs, actor=teacher)
    assert Person.unscoped.get(pk=bugs.pk).photo_name
    assert stored_files() != []


def test_adding_replacing_and_removing_are_in_the_persons_history_and_old_bytes_go(
    bugs, dsl, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG")))
    (first,) = stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("PNG"), "b.png"))
    (second,) = stored_files()
    assert second != first
    with django_capture_on_commit_callbacks(execute=True):
        photos.person_photo_remove(person=bugs, actor=dsl)

    assert stored_files() == []
    assert Person.unscoped.get(pk=bugs.pk).photo_name == ""
    assert photo_events(bugs) == ["photo added", "photo replaced", "photo removed"]
    added = AuditEvent.objects.filter(person_id=bugs.pk, detail__what="photo added").get()
    assert added.actor == dsl and len(added.detail["sha256"]) == 64
    with pytest.raises(DomainError, match="no photo"):
        photos.person_photo_remove(person=bugs, actor=dsl)


def test_if_saving_fails_the_new_file_is_taken_back(bugs, dsl, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(photos, "record_event", broken)
    with pytest.raises(RuntimeError):
        photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG")))
    assert stored_files() == []
    assert not Person.unscoped.get(pk=bugs.pk).photo_name


def test_photos_are_stored_apart_from_documents_under_random_names(bugs, dsl):
    photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG"), "bugs.jpg"))
    name = Person.unscoped.get(pk=bugs.pk).photo_name
    assert name.startswith(f"photos/{bugs.organisation_id}/") and name.endswith(".jpg")
    assert "bugs" not in name.lower() and "bunny" not in name.lower()


def test_the_demo_avatar_is_an_accepted_photo(bugs, dsl):
    photos.person_photo_set(
        person=bugs, actor=dsl, upload=upload(initials_avatar("BB"), "bb.png", "image/png")
    )
    assert stored_image(bugs).size == (512, 512)


def test_the_demo_gives_children_drawn_initials_through_the_service(add_person, bugs, dsl):
    babs = add_person("Babs", "Bunny")
    load_demo_photos(actor=dsl, people=[bugs, babs])
    first, second = stored_image(bugs), stored_image(babs)
    assert first.getpixel((5, 5)) != second.getpixel((5, 5))  # a colour each
    # White initials in the middle of a dark square.
    assert first.getpixel((5, 5))[0] < 100
    assert max(first.getpixel((x, 256))[0] for x in range(150, 360)) > 200
    assert photo_events(bugs) == photo_events(babs) == ["photo added"]


# --- The pages -----------------------------------------------------------------------------


def test_a_dsl_adds_a_photo_and_it_shows_in_the_header_with_the_name_as_alt_text(
    bugs, dsl, sign_in
):
    client = sign_in(dsl)
    page = client.get(f"/people/{bugs.pk}/").content.decode()
    assert "Add a photo" in page and "/photo/image/" not in page

    response = client.post(
        f"/people/{bugs.pk}/photo/", {"photo": upload(jpeg_with_exif(), "IMG_0001.JPG")}
    )

    assert response.status_code == 302 and response["Location"] == f"/people/{bugs.pk}/"
    page = client.get(f"/people/{bugs.pk}/").content.decode()
    assert "The photo has been added." in page
    assert f'src="/people/{bugs.pk}/photo/image/?v=' in page
    assert 'alt="Photo of Bugs Bunny"' in page
    assert "Change the photo" in page


def test_a_bad_file_is_refused_on_the_page_with_a_message_and_nothing_changes(bugs, dsl, sign_in):
    client = sign_in(dsl)
    response = client.post(
        f"/people/{bugs.pk}/photo/", {"photo": upload(b"MZ\x90\x00 a program", "selfie.jpg")}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "is not a JPEG, PNG or WebP photo" in body and "selfie.jpg" in body
    assert not Person.unscoped.get(pk=bugs.pk).photo_name
    assert stored_files() == []
    empty = client.post(f"/people/{bugs.pk}/photo/", {})
    assert empty.status_code == 400


def test_replacing_and_removing_through_the_pages(bugs, dsl, sign_in):
    client = sign_in(dsl)
    client.post(f"/people/{bugs.pk}/photo/", {"photo": upload(encoded("JPEG"))})
    form = client.get(f"/people/{bugs.pk}/photo/").content.decode()
    assert "Replace the photo" in form and "Remove the photo" in form

    client.post(f"/people/{bugs.pk}/photo/", {"photo": upload(encoded("WEBP"), "b.webp")})
    response = client.post(f"/people/{bugs.pk}/photo/remove/", follow=True)

    assert "The photo has been removed." in response.content.decode()
    assert Person.unscoped.get(pk=bugs.pk).photo_name == ""
    assert photo_events(bugs) == ["photo added", "photo replaced", "photo removed"]
    again = client.post(f"/people/{bugs.pk}/photo/remove/", follow=True)
    assert "There is no photo on this record to remove." in again.content.decode()


def test_the_image_is_sent_privately_never_cached_and_every_view_is_audited(
    bugs, dsl, key_person, sign_in
):
    photos.person_photo_set(person=bugs, actor=dsl, upload=upload(jpeg_with_exif()))
    response = sign_in(key_person).get(f"/people/{bugs.pk}/photo/image/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")
    content = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(content)).size == (512, 256)
    assert AuditEvent.objects.filter(
        action=Action.VIEW, person_id=bugs.pk, actor=key_person, detail__what="photo"
    ).exists()


def test_a_person_without_a_photo_has_no_image(bugs, dsl, sign_in):
    assert sign_in(dsl).get(f"/people/{bugs.pk}/photo/image/").status_code == 404


def test_someone_who_may_read_but_not_edit_sees_the_photo_but_cannot_change_it(
    bugs, dsl, teacher, sign_in
):
    photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG")))
    before = Person.unscoped.get(pk=bugs.pk).photo_name
    client = sign_in(teacher)

    page = client.get(f"/people/{bugs.pk}/").content.decode()
    assert 'alt="Photo of Bugs Bunny"' in page and "Change the photo" not in page
    assert client.get(f"/people/{bugs.pk}/photo/image/").status_code == 200
    assert client.get(f"/people/{bugs.pk}/photo/").status_code == 403
    refused = client.post(f"/people/{bugs.pk}/photo/", {"photo": upload(encoded("PNG"), "x.png")})
    assert refused.status_code == 403
    assert client.post(f"/people/{bugs.pk}/photo/remove/").status_code == 403
    assert Person.unscoped.get(pk=bugs.pk).photo_name == before


def test_another_organisation_finds_neither_the_photo_nor_its_pages(bugs, dsl, stranger, sign_in):
    photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG")))
    before = Person.unscoped.get(pk=bugs.pk).photo_name
    client = sign_in(stranger)
    for path in ("photo/", "photo/image/"):
        assert client.get(f"/people/{bugs.pk}/{path}").status_code == 404, path
    assert client.post(f"/people/{bugs.pk}/photo/remove/").status_code == 404
    posted = client.post(f"/people/{bugs.pk}/photo/", {"photo": upload(encoded("PNG"), "x.png")})
    assert posted.status_code == 404
    assert Person.unscoped.get(pk=bugs.pk).photo_name == before
    assert not AuditEvent.objects.filter(actor=stranger, person_id=bugs.pk).exists()


def test_signed_out_and_leaders_get_no_image(bugs, dsl, leader, sign_in, client):
    photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG")))
    signed_out = client.get(f"/people/{bugs.pk}/photo/image/")
    assert signed_out.status_code == 302 and "/sign-in/" in signed_out["Location"]
    assert sign_in(leader).get(f"/people/{bugs.pk}/photo/image/").status_code == 403


def test_a_teacher_limited_to_their_classes_cannot_see_another_class_photo(
    org, add_person, dsl, sign_in
):
    from haven.core.testing.factories import TeamFactory

    org.limit_staff_to_team_groups = True
    org.save()
    otters = add_person("Olly", "Otter", year_group="3", class_group="Otters")
    hedgehog = add_person("Hattie", "Hedgehog", year_group="R", class_group="Hedgehogs")
    for child in (otters, hedgehog):
        photos.person_photo_set(person=child, actor=dsl, upload=upload(encoded("JPEG")))
    teacher = UserFactory(organisation=org, roles=["staff"], authenticator=True)
    team = TeamFactory(organisation=org, name="Otters team", class_groups=["Otters"])
    team.members.add(teacher)
    client = sign_in(teacher)
    assert client.get(f"/people/{otters.pk}/photo/image/").status_code == 200
    assert client.get(f"/people/{hedgehog.pk}/photo/image/").status_code == 404


def test_a_merged_away_record_shows_no_photo(add_person, bugs, dsl, sign_in):
    duplicate = add_person("Bugsy", "Bunny")
    photos.person_photo_set(person=duplicate, actor=dsl, upload=upload(encoded("JPEG")))
    person_merge(survivor=bugs, duplicate=duplicate, actor=dsl, reason="Same child")
    client = sign_in(dsl)
    assert client.get(f"/people/{duplicate.pk}/photo/image/").status_code == 404
    # The survivor had none, so the child's only photo came with them.
    assert client.get(f"/people/{bugs.pk}/photo/image/").status_code == 200
    with pytest.raises(DomainError, match="merged"):
        photos.person_photo_set(
            person=Person.unscoped.get(pk=duplicate.pk), actor=dsl, upload=upload(encoded("PNG"))
        )


def test_the_photo_adds_no_query_to_the_person_page(
    bugs, dsl, sign_in, django_assert_num_queries, django_assert_max_num_queries
):
    client = sign_in(dsl)
    client.get(f"/people/{bugs.pk}/")
    with django_assert_max_num_queries(100) as without:
        assert client.get(f"/people/{bugs.pk}/").status_code == 200
    photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG")))
    with django_assert_num_queries(len(without.captured_queries)):
        page = client.get(f"/people/{bugs.pk}/")
    assert 'alt="Photo of Bugs Bunny"' in page.content.decode()


def test_a_photo_whose_bytes_are_gone_is_not_found_rather_than_an_error(bugs, dsl, sign_in):
    photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG")))
    storage.remove(Person.unscoped.get(pk=bugs.pk).photo_name)
    assert sign_in(dsl).get(f"/people/{bugs.pk}/photo/image/").status_code == 404


def test_a_merge_keeps_the_survivors_own_photo(add_person, bugs, dsl):
    photos.person_photo_set(person=bugs, actor=dsl, upload=upload(encoded("JPEG")))
    kept = Person.unscoped.get(pk=bugs.pk).photo_name
    duplicate = add_person("Bugsy", "Bunny")
    photos.person_photo_set(person=duplicate, actor=dsl, upload=upload(encoded("PNG")))
    person_merge(survivor=bugs, duplicate=duplicate, actor=dsl, reason="Same child")
    assert Person.unscoped.get(pk=bugs.pk).photo_name == kept
