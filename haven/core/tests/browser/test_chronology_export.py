"""A DSL filters a child's chronology, exports it as a redacted PDF, and the file names no
other child; the link then says it has been used. The household chronology is checked too."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from haven.people import services as people_services
from haven.safeguarding.tests.records import concern_records

pytestmark = pytest.mark.browser


@pytest.fixture
def bella(dsl):
    child = people_services.person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Bella",
            "last_name": "Hartley",
            "date_of_birth": datetime.date(2016, 9, 1),
        },
        address={"address_line_1": "3 Weir Road"},
        duplicate_reason="test data",
    )
    people_services.person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Sam",
            "last_name": "Okafor",
            "date_of_birth": datetime.date(2016, 4, 2),
        },
        address={"address_line_1": "9 Lock Street"},
        duplicate_reason="test data",
    )
    concern_records(dsl, child, account="Bella said Sam Okafor pushed her at lunch.")
    concern_records(dsl, child, account="Bella was tired and hungry on Monday.")
    return child


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_a_dsl_exports_a_redacted_chronology_that_names_no_other_child(
    page, dsl, bella, sign_in_browser, accessibility, tmp_path
):
    sign_in_browser(page, dsl)
    page.goto(f"/people/{bella.pk}/?tab=chronology")
    page.get_by_label("Contains").fill("pushed")
    page.get_by_role("button", name="Show").click()
    table = page.locator("table.chronology")
    expect(table).to_contain_text("Sam Okafor pushed her")
    expect(table).not_to_contain_text("tired and hungry")
    accessibility.check(page, "chronology tab, filtered")

    page.get_by_role("link", name="Export PDF or CSV").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Export the chronology")
    expect(page.get_by_label("Contains")).to_have_value("pushed")
    accessibility.check(page, "export a chronology")
    page.get_by_label(re.compile("Replace other children")).check()
    page.get_by_role("button", name="Create the export").click()
    expect(page.get_by_role("heading", name="The export is ready")).to_be_visible()
    accessibility.check(page, "export ready")

    link = page.get_by_role("link", name="Download the PDF")
    href = link.get_attribute("href")
    with page.expect_download() as info:
        link.click()
    pdf = tmp_path / "chronology.pdf"
    Path(info.value.path()).replace(pdf)
    text = subprocess.run(  # noqa: S603 - our own file, a fixed command
        [shutil.which("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert "Okafor" not in text and "Sam" not in text
    assert "Child A pushed her" in text and "OFFICIAL-SENSITIVE" in text
    assert "Page 1 of 1" in text
    subprocess.run(  # noqa: S603 - our own file, a fixed command
        [
            shutil.which("pdftoppm"),
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    (first_page,) = tmp_path.glob("page*.png")
    assert first_page.stat().st_size > 1000

    page.goto(href)
    expect(page.get_by_role("heading", name="This download link no longer works")).to_be_visible()
    accessibility.check(page, "export link used")

    page.goto(f"/chronology/household/{bella.household_id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Household chronology")
    expect(page.locator("table.chronology")).to_contain_text("Bella Hartley")
    accessibility.check(page, "household chronology")
    accessibility.assert_clean()
