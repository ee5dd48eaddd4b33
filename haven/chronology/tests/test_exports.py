"""Exports of a child's chronology: PDF and CSV, redaction, single-use links, access."""

import csv
import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest

from haven.access.decorators import VERIFIED_AT
from haven.accounts.services import LAST_SEEN, SIGNED_IN_AT
from haven.audit.models import Action, AuditEvent
from haven.cases.tests.records import case_records
from haven.chronology import exports
from haven.chronology.models import Export
from haven.chronology.redaction import Redactor
from haven.chronology.services import _token_hash as _hash
from haven.core import clock
from haven.people import services as people_services
from haven.safeguarding.tests.records import concern_records, make_child

pytestmark = pytest.mark.django_db
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils is not installed",
)


@pytest.fixture
def family(dsl):
    """Bella, her brother Tobias, and Sam Okafor in another family whom a concern names."""
    bella = make_child(dsl, "Bella", "Hartley")
    tobias = people_services.person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Tobias",
            "last_name": "Hartley",
            "known_as": "Toby",
            "date_of_birth": date(2015, 2, 1),
        },
        household=bella.household,
        duplicate_reason="test data",
    )
    sam = make_child(dsl, "Sam", "Okafor")
    concern_records(
        dsl,
        bella,
        account="Bella said TOBY pushed her; Sam Okafor saw it. "
        "Later sam okafor told Tobias Hartley off.",
    )
    concern_records(dsl, bella, account="Bella was upset after Tobias missed tea.")
    return bella, tobias, sam


def add_entries(dsl, child, pairs: int) -> None:
    """``pairs`` statuses started and ended: two chronology entries each."""
    for n in range(pairs):
        day = clock.today() - timedelta(days=300 - n)
        status = people_services.flag_start(
            person=child, actor=dsl, flag="young_carer", start_date=day
        )
        people_services.flag_end(status=status, actor=dsl, end_date=day)


def _export(client, child, **fields):
    data = {"format": "pdf", **fields}
    page = client.post(f"/chronology/child/{child.pk}/export/", data)
    assert page.status_code == 200, page.content.decode()[:500]
    token = page.context["token"]
    return client.get(f"/chronology/exports/{token}/"), token


def _pdf_text(tmp_path, content: bytes) -> str:
    pdf = tmp_path / "chronology.pdf"
    pdf.write_bytes(content)
    return subprocess.run(  # noqa: S603 - our own file, a fixed command
        [shutil.which("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def test_a_redactor_gives_each_other_child_one_letter_wherever_their_names_are(dsl, family):
    bella, tobias, sam = family
    redactor = Redactor(people=[tobias, sam], protected={"bella", "hartley", "bella hartley"})
    first = redactor.apply("TOBY pushed Bella Hartley; Sam Okafor and sam saw. Tobiasz stayed.")
    second = redactor.apply("Tobias Hartley, then okafor.")
    assert first == "Child A pushed Bella Hartley; Child B and Child B saw. Tobiasz stayed."
    # The sister's shared surname stays; the brother's full name is still his letter.
    assert second == "Child A, then Child B."


def test_an_adult_of_the_household_keeps_a_surname_another_child_shares(dsl, family):
    bella, tobias, sam = family
    redactor = Redactor(people=[sam], protected={"bella"}, kept={"Grace Okafor"})
    assert redactor.apply("Grace Okafor rang about Sam Okafor.") == (
        "Grace Okafor rang about Child A."
    )


def test_redaction_finds_children_named_only_in_free_text(dsl, family):
    bella, tobias, sam = family
    document = exports.build(user=dsl, child=bella, filters={}, redact=True)
    text = " ".join(e.summary for e in document.entries)
    assert "Okafor" not in text and "Sam" not in text and "sam" not in text
    assert "Tobias" not in text and "TOBY" not in text
    assert "Child A" in text and "Child B" in text and "Bella" in text


@needs_poppler
def test_a_redacted_pdf_names_no_other_child_and_is_marked_on_every_page(
    dsl, key_person, manager, family, sign_in, tmp_path
):
    bella, tobias, sam = family
    case_records(dsl, key_person, manager, bella, words="Sam Okafor's mother rang.")
    add_entries(dsl, bella, 35)
    response, _ = _export(sign_in(dsl), bella, redact="on", order="oldest")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = _pdf_text(tmp_path, response.content)
    assert "Okafor" not in text and "Tobias" not in text and "TOBY" not in text
    assert "Child A" in text and "Child B" in text
    assert "Chronology of Bella Hartley" in text
    assert "Safeguarding case summary" in text and "Next update due" in text
    assert "Closure requested by" in text or "closure requested by" in text
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in page
        assert f"Page {number} of {len(pages)}" in page
    assert "Dana Lead" in text  # produced by
    assert "Oldest first" in text or "oldest first" in text


@needs_poppler
def test_without_redaction_the_names_stay(dsl, family, sign_in, tmp_path):
    bella = family[0]
    response, _ = _export(sign_in(dsl), bella)
    assert "Sam Okafor" in _pdf_text(tmp_path, response.content)


def test_a_body_map_is_drawn_in_the_pdf(dsl, sign_in):
    child = make_child(dsl, "Ivy", "Marsh")
    marks = [{"side": "front", "x": 40, "y": 30, "kind": "bruise", "size": "2cm", "note": "Ivy"}]
    concern_records(dsl, child, body_map=marks)
    document = exports.build(user=dsl, child=child, filters={}, redact=False)
    from django.template.loader import render_to_string

    html = render_to_string("chronology/export_pdf.html", {"doc": document})
    assert "<svg" in html and "Body map, front and back, with 1 mark" in html
    assert exports.to_pdf(document).startswith(b"%PDF")


def test_the_csv_neutralises_formulas(dsl, sign_in):
    child = make_child(dsl, "Nia", "Evans")
    concern_records(dsl, child, account='=HYPERLINK("http://x")')
    people_services.flag_start(
        person=child, actor=dsl, flag="young_carer", start_date=clock.today()
    )
    response, _ = _export(sign_in(dsl), child, format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert any("HYPERLINK" in cell for cell in cells)


def test_a_link_works_once_then_says_it_is_gone(dsl, family, sign_in):
    bella = family[0]
    client = sign_in(dsl)
    first, token = _export(client, bella, format="csv")
    assert first.status_code == 200
    export = Export.objects.for_org(bella.organisation).get()
    assert export.downloaded_at is not None
    from haven.documents.storage import document_storage

    assert not document_storage().exists(export.storage_name)
    again = client.get(f"/chronology/exports/{token}/")
    assert again.status_code == 410 and "used already" in again.content.decode()


def test_a_link_expires_after_ten_minutes(dsl, family, sign_in):
    bella = family[0]
    client = sign_in(dsl)
    url = f"/chronology/child/{bella.pk}/export/"
    late = client.post(url, {"format": "csv"}).context["token"]
    in_time = client.post(url, {"format": "csv"}).context["token"]

    def _get_at(delta, token):
        with clock.travel(delta):
            session = client.session
            session[SIGNED_IN_AT] = session[LAST_SEEN] = clock.now().timestamp()
            session.save()
            return client.get(f"/chronology/exports/{token}/")

    assert _get_at(timedelta(minutes=9, seconds=50), in_time).status_code == 200
    gone = _get_at(timedelta(minutes=10, seconds=1), late)
    assert gone.status_code == 410 and "expired" in gone.content.decode()


def test_only_the_person_who_made_it_may_download_it(dsl, deputy_dsl, family, sign_in):
    bella = family[0]
    page = sign_in(dsl).post(f"/chronology/child/{bella.pk}/export/", {"format": "csv"})
    token = page.context["token"]
    assert sign_in(deputy_dsl).get(f"/chronology/exports/{token}/").status_code == 404
    assert sign_in(dsl).get("/chronology/exports/not-a-token/").status_code == 404


def test_an_export_wants_a_recent_second_factor_and_is_audited_with_its_filters(
    dsl, family, sign_in
):
    bella = family[0]
    client = sign_in(dsl)
    session = client.session
    session[VERIFIED_AT] = clock.now().timestamp() - 16 * 60
    session.save()
    url = f"/chronology/child/{bella.pk}/export/"
    stale = client.post(url, {"format": "pdf"})
    assert stale.status_code == 302 and "fresh=1" in stale["Location"]
    assert not Export.objects.for_org(bella.organisation).exists()
    fresh = sign_in(dsl)
    fresh.post(url, {"format": "csv", "text": "Tobias", "significant": "", "redact": "on"})
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.detail["what"] == "chronology" and event.detail["redacted"] is True
    assert event.detail["filters"] == {"text": "Tobias"}
    assert event.person_id == bella.pk


def test_strangers_and_bad_input_get_nothing(dsl, stranger, family, sign_in):
    bella = family[0]
    url = f"/chronology/child/{bella.pk}/export/"
    assert sign_in(stranger).post(url, {"format": "pdf"}).status_code == 404
    bad = sign_in(dsl).post(
        url, {"format": "docx", "date_from": "31/12/2026", "date_to": "1/1/2026"}
    )
    assert bad.status_code == 400 and "before the start date" in bad.content.decode()
    assert not Export.objects.for_org(bella.organisation).exists()


def test_a_restricted_concern_is_not_in_another_users_export(dsl, deputy_dsl, sign_in):
    child = make_child(dsl, "Rory", "Quill")
    concern_records(
        dsl, child, account="Rory disclosed something only the lead may read.", restricted=True
    )
    people_services.flag_start(
        person=child, actor=dsl, flag="young_carer", start_date=clock.today()
    )
    theirs, _ = _export(sign_in(deputy_dsl), child, format="csv")
    assert theirs.status_code == 200
    assert "only the lead may read" not in theirs.content.decode("utf-8-sig")
    mine, _ = _export(sign_in(dsl), child, format="csv")
    assert "only the lead may read" in mine.content.decode("utf-8-sig")


def test_building_an_export_takes_the_same_queries_for_more_entries(
    dsl, key_person, manager, django_assert_num_queries
):
    child = make_child(dsl, "Cal", "Short")
    sibling = make_child(dsl, "Dee", "Short")
    case_records(dsl, key_person, manager, child)
    concern_records(dsl, child, account=f"Cal and {sibling.first_name} argued.")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        exports.build(user=dsl, child=child, filters={}, redact=True)
    for n in range(30):
        concern_records(dsl, child, account=f"Cal mentioned Dee {n} times.")
    case_records(dsl, key_person, manager, child, task_title="Ring the school nurse")
    with django_assert_num_queries(len(few.captured_queries)):
        exports.build(user=dsl, child=child, filters={}, redact=True)


def test_the_export_page_carries_the_chronology_filters(dsl, family, sign_in):
    bella = family[0]
    page = sign_in(dsl).get(f"/chronology/child/{bella.pk}/export/", {"text": "upset"})
    assert page.status_code == 200
    assert re.search(r'name="text"[^>]*value="upset"', page.content.decode())


def test_an_expired_unused_export_leaves_no_file_behind(dsl, family, sign_in):
    from django.core.management import call_command

    from haven.documents.storage import document_storage

    bella = family[0]
    client = sign_in(dsl)
    client.post(f"/chronology/child/{bella.pk}/export/", {"format": "csv"})
    export = Export.objects.for_org(bella.organisation).get()
    assert document_storage().exists(export.storage_name)
    with clock.travel(timedelta(minutes=11)):
        call_command("purge_chronology_exports", stdout=io.StringIO())
    assert not document_storage().exists(export.storage_name)
    export.refresh_from_db()
    assert export.storage_name == ""
    # Its link, if anyone still had it, says it has expired; the storage is not touched.
    from haven.chronology.services import ExportGone, chronology_export_take

    Export.unscoped.filter(pk=export.pk).update(token_hash=_hash("known"))
    with pytest.raises(ExportGone, match="expired"), clock.travel(timedelta(minutes=12)):
        chronology_export_take(actor=dsl, token="known")
