"""Exports for inspections: CSV without spreadsheet formulas, a PDF marked OFFICIAL-SENSITIVE
with page numbers, a recent second factor required, and every export audited."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest

from haven.access.decorators import VERIFIED_AT
from haven.audit.models import Action, AuditEvent
from haven.core import clock
from haven.workforce import exports, services

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils is not installed (make system-deps installs it)",
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20", "'+44 20"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Vera Volunteer", "Vera Volunteer"),
        ("", ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert exports.neutralise(value) == expected


def test_the_csv_has_one_row_per_person_with_formulas_neutralised(
    add_staff, admin, level_2_course, sign_in
):
    add_staff("=cmd|' /C calc'!A0", post_title="@Trustee")
    add_staff("Vera Volunteer")
    response = sign_in(admin).get("/workforce/compliance.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="haven-workforce-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Name", "Post or role", "Paid or volunteer"]
    assert "Safeguarding training at their level" in rows[0]
    names = sorted(row[0] for row in rows[1:])
    assert names == ["'=cmd|' /C calc'!A0", "Vera Volunteer"]
    assert any(row[1] == "'@Trustee" for row in rows[1:])
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_exports_want_a_second_factor_from_the_last_fifteen_minutes_and_are_audited(
    add_staff, admin, sign_in
):
    add_staff()
    client = sign_in(admin)
    session = client.session
    session[VERIFIED_AT] = clock.now().timestamp() - 16 * 60
    session.save()
    for url in ("/workforce/compliance.csv", "/workforce/compliance.pdf"):
        stale = client.get(url)
        assert stale.status_code == 302 and "fresh=1" in stale["Location"], url
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
    fresh = sign_in(admin)
    assert fresh.get("/workforce/compliance.csv", {"level": "2"}).status_code == 200
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.detail["what"] == "workforce compliance"
    assert event.detail["format"] == "csv" and event.detail["rows"] == 1
    assert event.detail["filters"]["level"] == 2


def test_a_line_manager_exports_only_the_people_they_manage(add_staff, admin, manager, sign_in):
    add_staff("Mina Mine")
    add_staff("Theo Theirs", line_manager=admin)
    body = sign_in(manager).get("/workforce/compliance.csv").content.decode()
    assert "Mina Mine" in body and "Theo Theirs" not in body


@needs_poppler
def test_the_pdf_is_marked_official_sensitive_on_every_page_with_page_numbers(
    add_staff, admin, level_2_course, sign_in, tmp_path
):
    for i in range(60):
        staff = add_staff(f"Person{i:02d}", post_title="Play worker")
        if i % 2:
            services.training_record_add(
                staff=staff, course=level_2_course, actor=admin, completed_on=clock.today()
            )
    response = sign_in(admin).get("/workforce/compliance.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "compliance.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603 - our own file, a fixed command
        [shutil.which("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in page
        assert f"Page {number} of {len(pages)}" in page
    assert "Person00" in text and "Person59" in text
    assert "Safeguarding training, induction and DBS checks" in text
    page_one = [shutil.which("pdftoppm"), "-png", "-r", "40", "-f", "1", "-l", "1"]
    subprocess.run([*page_one, str(pdf), str(tmp_path / "page")], check=True)  # noqa: S603
    assert list(tmp_path.glob("page*.png"))
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.detail["format"] == "pdf" and event.detail["rows"] == 60


def test_the_pdf_loads_nothing_from_anywhere(add_staff, admin, seeded):
    from haven.workforce import queries

    add_staff('<img src="http://127.0.0.1:9/leak.png"> Ivy')
    matrix = queries.compliance(seeded, queries.current_staff(seeded))
    pdf = exports.to_pdf(matrix, organisation=seeded, filters="everyone")
    assert pdf.startswith(b"%PDF-")
