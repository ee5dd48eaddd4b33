"""A child's photo in a real browser: a DSL is told a program is no photo, adds a real one,
sees it in the header (loaded through its access-checked address under the strict CSP),
and removes it after confirming."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from haven.people.models import Person

pytestmark = pytest.mark.browser


def test_a_dsl_adds_a_photo_sees_it_in_the_header_and_removes_it(
    page, dsl, child, sign_in_browser, accessibility, tmp_path
):
    sign_in_browser(page, dsl)
    page.goto(f"/people/{child.pk}/")
    page.get_by_role("link", name="Add a photo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a photo")
    accessibility.check(page, "add a photo")

    program = tmp_path / "smile.jpg"
    program.write_bytes(b"MZ\x90\x00 not a photo at all")
    page.get_by_label("Photo", exact=True).set_input_files(str(program))
    page.get_by_role("button", name="Add the photo").click()
    expect(page.get_by_text("is not a JPEG, PNG or WebP photo").first).to_be_visible()
    accessibility.check(page, "add a photo, refused")
    assert not Person.unscoped.get(pk=child.pk).photo_name

    photo = tmp_path / "poppy.png"
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (40, 90, 160)).save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())
    page.get_by_label("Photo", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="Add the photo").click()

    expect(page.get_by_text("The photo has been added.")).to_be_visible()
    header_photo = page.get_by_role("img", name="Photo of Poppy Meadows")
    expect(header_photo).to_be_visible()
    # Really loaded (not a broken image): the browser decodes the shrunk JPEG. decode()
    # waits for the image to arrive, and fails if it cannot be decoded.
    assert header_photo.evaluate("img => img.decode().then(() => img.naturalWidth)") == 512
    accessibility.check(page, "person page with a photo")

    page.get_by_role("link", name="Change the photo").click()
    expect(page.get_by_role("img", name="Current photo of Poppy Meadows")).to_be_visible()
    accessibility.check(page, "change the photo")
    confirmations = []

    def accept(dialog):
        confirmations.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="Remove the photo").click()
    expect(page.get_by_text("The photo has been removed.")).to_be_visible()
    assert confirmations and "Remove Poppy Meadows's photo?" in confirmations[0]
    expect(page.get_by_role("img", name="Photo of Poppy Meadows")).to_have_count(0)
    assert not Person.unscoped.get(pk=child.pk).photo_name
