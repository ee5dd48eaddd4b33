"""The document vault in a real browser: a key person uploads a photo to a child's record
(after a disguised web page is refused), finds it listed, downloads it, and marks it as
entered in error; it leaves the list and is kept under its own link."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from haven.configuration.services import seed_organisation
from haven.documents.demo import tiny_png
from haven.documents.models import Document

pytestmark = pytest.mark.browser


@pytest.fixture
def child(child):
    """The browser tests' child, in an organisation with its document kinds set up."""
    seed_organisation(child.organisation)
    return child


def test_a_key_person_uploads_finds_downloads_and_withdraws_a_photo(
    page, key_person, child, sign_in_browser, accessibility, tmp_path
):
    sign_in_browser(page, key_person)
    page.goto(f"/people/{child.pk}/")
    page.get_by_role("link", name="Documents", exact=True).click()
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    expect(page.get_by_text("No documents yet.")).to_be_visible()
    accessibility.check(page, "documents tab, empty")

    # A web page renamed as a photo is refused, with what was typed kept.
    page.get_by_role("link", name="Add a document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a document")
    accessibility.check(page, "add a document")
    disguised = tmp_path / "bruise.jpg"
    disguised.write_bytes(b"<html><script>alert('hi')</script></html>")
    page.get_by_label("File", exact=True).set_input_files(str(disguised))
    page.get_by_label("Kind of document").select_option(label="Photo")
    page.get_by_label("Title").fill("Bruise on the left forearm")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("is not a type of file Haven keeps").first).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Bruise on the left forearm")
    accessibility.check(page, "add a document, refused")
    assert not Document.objects.for_org(child.organisation).exists()

    # The real photo.
    photo = tmp_path / "forearm.png"
    photo.write_bytes(tiny_png())
    page.get_by_label("File", exact=True).set_input_files(str(photo))
    page.get_by_label("Description").fill("Taken in the medical room with the DSL present.")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("has been added to the documents")).to_be_visible()
    row = page.get_by_role("row", name="Bruise on the left forearm")
    expect(row).to_contain_text("forearm.png")
    expect(row).to_contain_text("Kim Keyperson")
    accessibility.check(page, "documents tab, one photo")

    with page.expect_download() as info:
        row.get_by_role("link", name="Bruise on the left forearm (download)").click()
    download = info.value
    assert download.suggested_filename == "forearm.png"
    assert Path(download.path()).read_bytes() == tiny_png()

    # Uploaded in error: it leaves the list, and is kept with the reason.
    row.get_by_role("link", name="Entered in error").click()
    accessibility.check(page, "mark entered in error")
    page.get_by_role("button", name="Mark as entered in error").click()
    expect(page.get_by_text("This field is required").first).to_be_visible()
    page.get_by_label("Why was this document entered in error?").fill(
        "Photo of another child's arm"
    )
    page.get_by_role("button", name="Mark as entered in error").click()
    expect(page.get_by_text("is marked as entered in error")).to_be_visible()
    expect(page.get_by_role("row", name="Bruise on the left forearm")).to_have_count(0)
    page.get_by_role("link", name="Documents entered in error").click()
    expect(page.get_by_role("row", name="Bruise on the left forearm")).to_contain_text(
        "Photo of another child's arm"
    )
    accessibility.check(page, "documents entered in error")
    accessibility.assert_clean()
