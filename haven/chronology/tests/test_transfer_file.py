"""Transferring a child's safeguarding file: the zip, the due date, the moves, who may."""

import hashlib
import io
import shutil
import subprocess
import zipfile
from datetime import date, timedelta

import pytest
from django.urls import reverse

from haven.access.decorators import VERIFIED_AT
from haven.audit.models import Action, AuditEvent
from haven.cases.tests.records import case_records
from haven.chronology import transfer_services as services
from haven.chronology.models import (
    Entry,
    Export,
    Kind,
    TransferFile,
    TransferStatus,
    TransferStatusChange,
)
from haven.chronology.tests.transfer_records import send, start_transfer
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.documents.storage import document_storage
from haven.documents.tests.records import document_records
from haven.safeguarding.tests.records import concern_records, make_child

pytestmark = pytest.mark.django_db
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed"
)
MARKS = [{"side": "front", "x": 40, "y": 30, "kind": "bruise", "size": "2cm", "note": "left arm"}]


@pytest.fixture
def bella(dsl):
    return make_child(dsl, "Bella", "Hartley")


@pytest.fixture
def full_record(dsl, key_person, manager, bella):
    """A concern with a body map, safeguarding cases in every state, a photo in the vault
    and a letter entered in error."""
    concern_records(dsl, bella, account="Bella had a bruise on her left arm.", body_map=MARKS)
    case_records(dsl, key_person, manager, bella)
    return document_records(dsl, bella)


def _start(client, child, **fields):
    data = {"leaving_date": clock.today().strftime("%d/%m/%Y"), "destination": "Northfield Academy"}
    return client.post(reverse("chronology:transfer_start", args=[child.pk]), data | fields)


def _download(client, token):
    response = client.get(reverse("chronology:download", args=[token]))
    # Reading the stream to its end closes the response, as a WSGI server would (the test
    # client does it without closing the test's database connection).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def _pdf_text(tmp_path, content: bytes) -> str:
    pdf = tmp_path / "file.pdf"
    pdf.write_bytes(content)
    return subprocess.run(  # noqa: S603 - our own file, a fixed command
        [shutil.which("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


@needs_poppler
def test_the_file_is_one_pdf_every_visible_document_and_a_manifest_of_checksums(
    dsl, bella, full_record, sign_in, tmp_path
):
    client = sign_in(dsl)
    page = _start(client, bella)
    assert page.status_code == 200, page.content.decode()[:500]
    assert "Download the zip file" in page.content.decode()
    response, body = _download(client, page.context["token"])
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = archive.namelist()
    pdf_name, manifest_name = "chronology-and-case-summaries.pdf", "manifest.txt"
    assert pdf_name in names and manifest_name in names
    pdf = archive.read(pdf_name)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(tmp_path, pdf)
    assert "Bella Hartley" in text and "OFFICIAL-SENSITIVE" in text
    assert "Safeguarding case summary" in text
    assert "Bruise — front" in text  # the body map's key
    assert "Transfer of the safeguarding file to Northfield Academy" in text
    # The photo is there; the letter entered in error is not.
    (photo_name,) = [n for n in names if n.startswith("documents/")]
    assert photo_name.endswith(".png")
    photo = archive.read(photo_name)
    assert hashlib.sha256(photo).hexdigest() == full_record.photo.sha256
    manifest = archive.read(manifest_name).decode()
    sums = {
        line.split("  ", 1)[1]: line.split("  ", 1)[0]
        for line in manifest.splitlines()
        if len(line) > 66 and line[64:66] == "  "
    }
    assert set(sums) == {pdf_name, photo_name}
    for name, digest in sums.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert "Letter sent to the wrong family" not in manifest
    assert "OFFICIAL-SENSITIVE" in manifest and "To: Northfield Academy" in manifest
    # Downloaded once: the file has left storage.
    export = Export.objects.for_org(bella.organisation).get(format=Export.Format.ZIP)
    assert export.downloaded_at is not None
    assert not document_storage().exists(export.storage_name)


def test_preparing_is_audited_with_everything_that_went_in(dsl, bella, full_record):
    transfer, _, bundle = start_transfer(dsl, bella)
    event = AuditEvent.objects.get(action=Action.EXPORT, person_id=bella.pk)
    assert event.detail["what"] == "safeguarding file transfer prepared"
    assert event.detail["destination"] == "Northfield Academy"
    assert event.detail["filters"] == {"transfer": transfer.pk, "routine": True, "order": "oldest"}
    assert event.detail["entries"] == bundle.entry_count > 0
    assert event.detail["case_summaries"] == 3  # open, awaiting closure and closed
    assert [d["sha256"] for d in event.detail["documents"]] == [full_record.photo.sha256]
    assert transfer.export.format == Export.Format.ZIP


def test_the_due_date_is_five_school_days_after_leaving_over_a_bank_holiday_weekend(dsl, bella):
    # Friday 22 May 2026; Monday 25 May is the spring bank holiday.
    assert services.transfer_due_date(date(2026, 5, 22)) == date(2026, 6, 1)
    # Thursday before Easter 2026: Good Friday and Easter Monday do not count.
    assert services.transfer_due_date(date(2026, 4, 2)) == date(2026, 4, 13)
    transfer, _, _ = start_transfer(dsl, bella, leaving_date=date(2026, 5, 22))
    assert TransferFile.objects.for_org(bella.organisation).get(pk=transfer.pk).due_date == (
        date(2026, 6, 1)
    )


def test_moves_out_of_turn_are_refused_with_clear_messages_and_change_nothing(dsl, bella):
    transfer, _, _ = start_transfer(dsl, bella)

    def _confirm():
        services.transfer_file_confirm_receipt(
            actor=dsl,
            transfer=transfer,
            confirmed_at=clock.now(),
            confirmed_by="Jo Patel",
            method="email",
        )

    with pytest.raises(DomainError, match="before confirming that it arrived"):
        _confirm()
    rows = TransferStatusChange.objects.for_org(bella.organisation)
    assert rows.count() == 1
    with pytest.raises(DomainError, match="cannot be in the future"):
        services.transfer_file_record_sent(
            actor=dsl,
            transfer=transfer,
            method="by_hand",
            sent_at=clock.now() + timedelta(hours=1),
            sent_to="Office",
        )
    with pytest.raises(DomainError, match="cannot have been sent before then"):
        services.transfer_file_record_sent(
            actor=dsl,
            transfer=transfer,
            method="by_hand",
            sent_at=clock.now() - timedelta(days=1),
            sent_to="Office",
        )
    send(dsl, transfer)
    with pytest.raises(DomainError, match="already recorded as sent on"):
        send(dsl, transfer)
    with pytest.raises(DomainError, match="Say why"):
        services.transfer_file_cancel(actor=dsl, transfer=transfer, reason="  ")
    _confirm()
    with pytest.raises(DomainError, match="already confirmed: the transfer is complete"):
        services.transfer_file_cancel(actor=dsl, transfer=transfer, reason="Changed mind")
    assert rows.count() == 3
    assert TransferFile.objects.for_org(bella.organisation).get(pk=transfer.pk).status == (
        TransferStatus.RECEIPT_CONFIRMED
    )


def test_a_cancelled_transfer_stays_cancelled_and_its_unused_file_is_removed(
    dsl, bella, django_capture_on_commit_callbacks
):
    transfer, token, _ = start_transfer(dsl, bella)
    stored = transfer.export.storage_name
    assert document_storage().exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_file_cancel(actor=dsl, transfer=transfer, reason="Not leaving after all")
    assert not document_storage().exists(stored)
    with pytest.raises(DomainError, match="was cancelled, so it cannot change"):
        send(dsl, transfer)
    # The child may now have a new transfer started.
    again, _, _ = start_transfer(dsl, bella, destination="Southfield School")
    assert again.status == TransferStatus.GENERATED


def test_a_second_transfer_for_the_same_child_is_refused_while_one_is_in_progress(
    dsl, bella, sign_in
):
    start_transfer(dsl, bella)
    page = _start(sign_in(dsl), bella, destination="Another School")
    assert page.status_code == 400
    assert "already being transferred to Northfield Academy" in page.content.decode()
    assert TransferFile.objects.for_org(bella.organisation).count() == 1


def test_bad_input_gets_a_clear_message_and_nothing_is_prepared(dsl, bella, sign_in):
    client = sign_in(dsl)
    page = _start(client, bella, leaving_date="31/02/2026", destination="")
    assert page.status_code == 400
    assert "New school or setting" in page.content.decode()
    far = (clock.today() + timedelta(days=400)).strftime("%d/%m/%Y")
    page = _start(client, bella, leaving_date=far)
    assert page.status_code == 400 and "more than a year away" in page.content.decode()
    assert not TransferFile.objects.for_org(bella.organisation).exists()
    assert not Export.objects.for_org(bella.organisation).exists()


def test_only_the_leads_of_the_childs_organisation_may_transfer_a_file(
    dsl, deputy_dsl, key_person, staff_member, manager, stranger, bella, sign_in
):
    transfer, _, _ = start_transfer(dsl, bella)
    pages = [
        reverse("chronology:transfer_start", args=[bella.pk]),
        reverse("chronology:transfer", args=[transfer.pk]),
        reverse("chronology:transfer_sent", args=[transfer.pk]),
        reverse("chronology:transfer_cancel", args=[transfer.pk]),
    ]
    for url in pages:
        assert sign_in(deputy_dsl).get(url).status_code == 200, url
        assert sign_in(key_person).get(url).status_code == 403, url
        assert sign_in(manager).get(url).status_code == 403, url
        assert sign_in(staff_member, elevated=False).get(url).status_code == 403, url
        assert sign_in(stranger).get(url).status_code == 404, url
    refused = sign_in(key_person).post(pages[0], {"leaving_date": "01/12/2026", "destination": "X"})
    assert refused.status_code == 403
    with pytest.raises(NotAllowed):
        services.transfer_file_start(
            actor=key_person, child=bella, leaving_date=clock.today(), destination="X"
        )
    with pytest.raises(NotAllowed):
        send(stranger, transfer)
    assert TransferFile.objects.for_org(bella.organisation).count() == 1


def test_the_download_link_works_once_and_only_for_whoever_prepared_it(
    dsl, deputy_dsl, bella, sign_in
):
    _, token, _ = start_transfer(dsl, bella)
    assert sign_in(deputy_dsl).get(reverse("chronology:download", args=[token])).status_code == 404
    client = sign_in(dsl)
    first, body = _download(client, token)
    assert first.status_code == 200 and body.startswith(b"PK")
    again = client.get(reverse("chronology:download", args=[token]))
    assert again.status_code == 410 and "used already" in again.content.decode()


def test_preparing_the_file_wants_a_second_factor_from_the_last_fifteen_minutes(
    dsl, bella, sign_in
):
    client = sign_in(dsl)
    session = client.session
    session[VERIFIED_AT] = clock.now().timestamp() - 16 * 60
    session.save()
    stale = _start(client, bella)
    assert stale.status_code == 302 and "fresh=1" in stale["Location"]
    transfer, _, _ = start_transfer(dsl, bella)
    again = client.post(reverse("chronology:transfer_rebuild", args=[transfer.pk]))
    assert again.status_code == 302 and "fresh=1" in again["Location"]
    assert TransferFile.objects.for_org(bella.organisation).count() == 1
    assert Export.objects.for_org(bella.organisation).count() == 1


def test_preparing_again_gives_a_new_link(dsl, bella, sign_in):
    transfer, first_token, _ = start_transfer(dsl, bella)
    client = sign_in(dsl)
    page = client.post(reverse("chronology:transfer_rebuild", args=[transfer.pk]))
    assert page.status_code == 200
    token = page.context["token"]
    assert token != first_token
    assert _download(client, token)[0].status_code == 200
    transfer.refresh_from_db()
    assert Export.objects.for_org(bella.organisation).count() == 2
    assert transfer.export.downloaded_at is not None


def _now_fields() -> dict:
    now = clock.now().astimezone()
    return {"when_date": now.strftime("%d/%m/%Y"), "when_time": now.strftime("%H:%M")}


def test_sending_and_receipt_flag_the_child_as_transferred_on_their_record_and_chronology(
    dsl, key_person, bella, sign_in
):
    transfer, _, _ = start_transfer(dsl, bella)
    client = sign_in(dsl)
    record = reverse("people:detail", args=[bella.pk])
    page = client.get(record).content.decode()
    assert "is prepared for Northfield Academy" in page
    assert "Transfer the safeguarding file" not in page
    sent = client.post(
        reverse("chronology:transfer_sent", args=[transfer.pk]),
        {"method": "secure_email", "sent_to": "Jo Patel, DSL", **_now_fields()},
    )
    assert sent.status_code == 302, sent.content.decode()[:500]
    entry = Entry.objects.for_org(bella.organisation).get(kind=Kind.TRANSFER_SENT)
    assert entry.summary == (
        "Safeguarding file transferred to Northfield Academy (secure email, to Jo Patel, DSL)"
    )
    page = sign_in(key_person).get(record).content.decode()
    assert "Transferred:" in page and "Receipt not yet confirmed" in page
    assert reverse("chronology:transfer", args=[transfer.pk]) not in page
    confirmed = client.post(
        reverse("chronology:transfer_receipt", args=[transfer.pk]),
        {"confirmed_by": "Jo Patel", "method": "signed_slip", **_now_fields()},
    )
    assert confirmed.status_code == 302, confirmed.content.decode()[:500]
    receipt = Entry.objects.for_org(bella.organisation).get(kind=Kind.TRANSFER_RECEIVED)
    assert "confirmed by Jo Patel at Northfield Academy" in receipt.summary
    page = client.get(record).content.decode()
    assert "Receipt confirmed" in page and "Transfer the safeguarding file" in page
    chronology = client.get(record, {"tab": "chronology"}).content.decode()
    assert "Safeguarding file transferred to Northfield Academy" in chronology
    assert "Receipt of the safeguarding file confirmed" in chronology
    # Done: the steps now say why they cannot be taken.
    late = client.get(reverse("chronology:transfer_cancel", args=[transfer.pk]))
    assert late.status_code == 400 and "transfer is complete" in late.content.decode()


def test_the_chronology_entries_rebuild_the_same(dsl, bella):
    from haven.chronology.projection import rebuild

    transfer, _, _ = start_transfer(dsl, bella)
    send(dsl, transfer)
    services.transfer_file_cancel(actor=dsl, transfer=transfer, reason="Wrong school")
    before = sorted(
        Entry.objects.for_org(bella.organisation)
        .filter(category="Safeguarding file transfer")
        .values_list("kind", "summary")
    )
    assert [k for k, _ in before] == [Kind.TRANSFER_CANCELLED, Kind.TRANSFER_SENT]
    Entry.unscoped.filter(category="Safeguarding file transfer").delete()
    rebuild(bella.organisation)
    after = sorted(
        Entry.objects.for_org(bella.organisation)
        .filter(category="Safeguarding file transfer")
        .values_list("kind", "summary")
    )
    assert after == before


def test_a_document_missing_from_storage_is_named_in_the_manifest_not_silently_dropped(
    dsl, bella, full_record
):
    document_storage().delete(full_record.photo.storage_name)
    transfer, token, bundle = start_transfer(dsl, bella)
    assert [d.pk for d in bundle.missing] == [full_record.photo.pk]
    from haven.chronology.services import chronology_export_take

    _, content = chronology_export_take(actor=dsl, token=token)
    manifest = zipfile.ZipFile(io.BytesIO(content)).read("manifest.txt").decode()
    assert "NOT INCLUDED: Photo, “Photo of the playground fence”" in manifest
    event = AuditEvent.objects.get(action=Action.EXPORT, person_id=bella.pk)
    assert event.detail["missing_documents"] == [full_record.photo.pk]
