"""Storing a document: the content decides, nothing half-kept, everything audited."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from haven.audit.models import AuditEvent
from haven.chronology.models import Entry, Kind
from haven.core.errors import DomainError, NotAllowed
from haven.documents import services, storage
from haven.documents.demo import tiny_pdf, tiny_png
from haven.documents.models import Document
from haven.documents.tests.conftest import upload

pytestmark = pytest.mark.django_db


def files_on_disk() -> list[Path]:
    return [p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def documents_of(person) -> list[Document]:
    return list(Document.objects.for_org(person.organisation).filter(person=person))


class Sized(io.BytesIO):
    """A file that says it is bigger than it is, so the limit is tested without 25 MB."""

    def __init__(self, content: bytes, size: int, name: str):
        super().__init__(content)
        self.size = size
        self.name = name


def test_a_photo_is_kept_with_its_real_type_size_and_checksum(dsl, child):
    import hashlib

    content = tiny_png()
    document = services.document_store(
        actor=dsl, person=child, upload=upload(content, "bruise.jpg", "image/jpeg"), kind="Photo"
    )
    assert document.content_type == "image/png"
    assert document.extension == "png"
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.original_name == "bruise.jpg"
    assert document.title == "bruise"
    assert document.uploaded_by == dsl
    with storage.open_for_reading(document.storage_name) as handle:
        assert handle.read() == content


def test_the_stored_name_is_random_and_says_nothing_about_the_file_or_the_child(dsl, child):
    names = {
        services.document_store(
            actor=dsl,
            person=child,
            upload=upload(tiny_png(), "Poppy Meadows arm.png"),
            kind="Photo",
        ).storage_name
        for _ in range(3)
    }
    assert len(names) == 3
    for name in names:
        assert re.fullmatch(rf"documents/{dsl.organisation_id}/[0-9a-f]{{40}}\.png", name)
        assert "Poppy" not in name and "arm" not in name


def test_files_are_kept_outside_the_web_root_and_never_get_a_public_address(dsl, child, sign_in):
    document = services.document_store(
        actor=dsl, person=child, upload=upload(tiny_pdf("Plan")), kind="Plan"
    )
    (path,) = files_on_disk()
    assert Path(django_settings.STATIC_ROOT) not in path.parents
    assert path.name == document.storage_name.rsplit("/", 1)[1]
    client = sign_in(dsl)
    for guess in (f"/{document.storage_name}", f"/static/{document.storage_name}"):
        assert client.get(guess).status_code == 404, guess


def test_a_client_name_with_folders_is_only_a_label(dsl, child):
    document = services.document_store(
        actor=dsl, person=child, upload=upload(tiny_png(), "..\\..\\etc\\passwd.png"), kind="Photo"
    )
    assert document.original_name == "passwd.png"
    assert document.download_name == "passwd.png"


def test_storing_a_document_audits_it_and_adds_it_to_the_chronology(dsl, child):
    document = services.document_store(
        actor=dsl, person=child, upload=upload(tiny_png()), kind="Photo", title="Arm"
    )
    event = AuditEvent.objects.get(object_type="documents.document", object_id=str(document.pk))
    assert event.action == "create"
    assert event.detail["what"] == "document uploaded"
    assert event.person_id == child.pk
    entry = Entry.objects.for_org(child.organisation).get(kind=Kind.DOCUMENT_ADDED)
    assert entry.summary == "Photo added: Arm"
    assert entry.source_id == document.pk


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "letter.pdf", "not a type of file"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "drawing.png", "not a type of file"),
        (b"MZ\x90\x00\x03", "minutes.docx", "not a type of file"),
        (b"", "empty.txt", "is empty"),
    ],
)
def test_a_refused_file_leaves_no_row_no_file_and_says_why(dsl, child, content, name, message):
    with pytest.raises(services.DocumentRefused, match=message):
        services.document_store(actor=dsl, person=child, upload=upload(content, name), kind="Other")
    assert documents_of(child) == []
    assert files_on_disk() == []
    assert not AuditEvent.objects.filter(object_type="documents.document").exists()


def test_a_file_over_25_mb_is_refused_before_anything_is_stored(dsl, child):
    too_big = Sized(tiny_png(), services.MAX_BYTES + 1, "scan.png")
    with pytest.raises(services.DocumentRefused, match="larger than 25 MB"):
        services.document_store(actor=dsl, person=child, upload=too_big, kind="Photo")
    assert documents_of(child) == [] and files_on_disk() == []


def test_a_file_of_exactly_25_mb_is_accepted(dsl, child):
    content = b"%PDF-1.4\n" + b"0" * (services.MAX_BYTES - 9)
    document = services.document_store(
        actor=dsl, person=child, upload=upload(content, "big.pdf"), kind="Report"
    )
    assert document.size == services.MAX_BYTES


def test_if_saving_the_row_fails_the_stored_file_is_removed(dsl, child, monkeypatch):
    def broken(*args):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "project", broken)
    with pytest.raises(RuntimeError):
        services.document_store(actor=dsl, person=child, upload=upload(tiny_png()), kind="Photo")
    assert documents_of(child) == [] and files_on_disk() == []


def test_a_kind_outside_the_organisations_list_is_refused(dsl, child):
    with pytest.raises(DomainError, match="not a kind of document"):
        services.document_store(actor=dsl, person=child, upload=upload(tiny_png()), kind="Selfie")
    assert files_on_disk() == []


def test_nobody_adds_documents_to_another_organisations_child(stranger, child):
    with pytest.raises(NotAllowed):
        services.document_store(
            actor=stranger, person=child, upload=upload(tiny_png()), kind="Photo"
        )
    assert documents_of(child) == [] and files_on_disk() == []


def test_a_member_of_staff_may_attach_a_file_through_another_feature(staff_member, child):
    # Recording a concern needs no elevation and no right to edit the child's details.
    document = services.document_store(
        actor=staff_member, person=child, upload=upload(tiny_png()), kind="Photo"
    )
    assert document.uploaded_by == staff_member


def test_a_leader_may_not_attach_files(leader, child):
    with pytest.raises(NotAllowed):
        services.document_store(actor=leader, person=child, upload=upload(tiny_png()), kind="Photo")


def test_marking_entered_in_error_keeps_the_document_and_its_file(dsl, child):
    document = services.document_store(
        actor=dsl, person=child, upload=upload(tiny_png()), kind="Photo"
    )
    marked = services.document_mark_entered_in_error(
        document=document, actor=dsl, reason="  Wrong   child "
    )
    assert marked.entered_in_error and marked.error_reason == "Wrong child"
    assert marked.error_marked_by == dsl and marked.error_marked_at is not None
    assert len(files_on_disk()) == 1
    assert not Entry.objects.for_org(child.organisation).filter(kind=Kind.DOCUMENT_ADDED).exists()
    event = AuditEvent.objects.filter(object_id=str(document.pk)).order_by("seq").last()
    assert event.detail == {"what": "document entered in error", "reason": "Wrong child"}


def test_entered_in_error_needs_a_reason_and_happens_once(dsl, child):
    document = services.document_store(
        actor=dsl, person=child, upload=upload(tiny_png()), kind="Photo"
    )
    with pytest.raises(DomainError, match="Say why"):
        services.document_mark_entered_in_error(document=document, actor=dsl, reason="  ")
    services.document_mark_entered_in_error(document=document, actor=dsl, reason="Duplicate")
    document.refresh_from_db()
    with pytest.raises(DomainError, match="already"):
        services.document_mark_entered_in_error(document=document, actor=dsl, reason="Again")


def test_only_a_lead_or_the_uploader_marks_entered_in_error(dsl, key_person, staff_member, child):
    document = services.document_store(
        actor=staff_member, person=child, upload=upload(tiny_png()), kind="Photo"
    )
    with pytest.raises(NotAllowed):
        services.document_mark_entered_in_error(document=document, actor=key_person, reason="x")
    services.document_mark_entered_in_error(document=document, actor=staff_member, reason="Mine")


def test_a_document_entered_in_error_cannot_be_entered_without_a_reason_in_the_database(dsl, child):
    from django.db import IntegrityError, transaction

    document = services.document_store(
        actor=dsl, person=child, upload=upload(tiny_png()), kind="Photo"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.unscoped.filter(pk=document.pk).update(entered_in_error=True)


def test_documents_live_in_the_documents_storage(dsl, child, settings, tmp_path):
    # An operator swaps the backend (S3, say) in settings; the vault follows.
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "elsewhere")},
        },
    }
    services.document_store(actor=dsl, person=child, upload=upload(tiny_png()), kind="Photo")
    assert len(list((tmp_path / "elsewhere").rglob("*.png"))) == 1


def test_an_uploaded_file_object_from_another_form_works_too(dsl, child):
    file = SimpleUploadedFile("notes.txt", b"Seen at the gate at 8:40.\n")
    document = services.document_store(actor=dsl, person=child, upload=file, kind="Scanned note")
    assert document.content_type == "text/plain"
    assert document.title == "notes"


def test_rebuilding_the_chronology_gives_the_same_document_entries(dsl, child):
    from haven.chronology.projection import rebuild

    kept = services.document_store(
        actor=dsl, person=child, upload=upload(tiny_png()), kind="Photo", title="Kept"
    )
    withdrawn = services.document_store(
        actor=dsl, person=child, upload=upload(tiny_png()), kind="Photo", title="Withdrawn"
    )
    services.document_mark_entered_in_error(document=withdrawn, actor=dsl, reason="Duplicate")
    entries = Entry.objects.for_org(child.organisation).filter(kind=Kind.DOCUMENT_ADDED)
    before = list(entries.values_list("source_id", "summary", "occurred_at"))
    entries.delete()
    rebuild(child.organisation)
    assert list(entries.values_list("source_id", "summary", "occurred_at")) == before
    assert [source for source, *_ in before] == [kept.pk]


def test_merging_a_duplicate_record_brings_its_documents_and_their_chronology(dsl, child):
    import datetime

    from haven.people import services as people_services
    from haven.people.merge import person_merge

    duplicate = people_services.person_create(
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
    document = services.document_store(
        actor=dsl, person=duplicate, upload=upload(tiny_png()), kind="Photo", title="Moved"
    )
    person_merge(survivor=child, duplicate=duplicate, actor=dsl, reason="Same child")
    document.refresh_from_db()
    assert document.person == child
    entries = Entry.objects.for_org(child.organisation).filter(kind=Kind.DOCUMENT_ADDED)
    assert list(entries.values_list("child_id", "source_id")) == [(child.pk, document.pk)]


def test_the_sweep_removes_only_old_files_that_no_document_names(dsl, child):
    import os
    import time

    from django.core.management import call_command
    from django.db import transaction

    kept = services.document_store(
        actor=dsl, person=child, upload=upload(tiny_png()), kind="Photo", title="Kept"
    )
    # A form that attached a file and then failed: the row rolled back, the bytes stayed.
    with pytest.raises(RuntimeError), transaction.atomic():
        services.document_store(actor=dsl, person=child, upload=upload(tiny_png()), kind="Photo")
        raise RuntimeError("the concern could not be saved")
    assert len(files_on_disk()) == 2

    call_command("remove_orphan_documents")
    assert len(files_on_disk()) == 2  # too recent: it could still be saving

    day_ago = time.time() - 25 * 60 * 60
    for path in files_on_disk():
        os.utime(path, (day_ago, day_ago))
    call_command("remove_orphan_documents")
    (left,) = files_on_disk()
    assert left.name == kept.storage_name.rsplit("/", 1)[1]


def test_the_sweep_is_harmless_when_nothing_was_ever_stored(db):
    assert services.documents_remove_orphans() == 0


def test_a_file_that_understates_its_size_is_measured_and_refused(dsl, child, monkeypatch):
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    liar = Sized(b"%PDF-1.4\n" + b"0" * 200, 50, "small.pdf")
    with pytest.raises(services.DocumentRefused, match="larger than"):
        services.document_store(actor=dsl, person=child, upload=liar, kind="Report")
    assert documents_of(child) == [] and files_on_disk() == []
