"""Haven works from the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from haven.core.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(
    page, staff_member, sign_in_browser
):
    sign_in_browser(page, staff_member, second_factor=None)
    page.goto("/account/")
    skip = page.get_by_role("link", name="Skip to main content")
    box = skip.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, "the skip link shows before it has focus"

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "a focused skip link is seen"

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_signing_in_with_a_password_and_a_code_needs_only_the_keyboard(page, dsl, fresh_code):
    page.goto("/sign-in/")
    email = page.get_by_label("Email address")
    expect(email).to_be_focused()  # autofocus: the page is ready to type into
    page.keyboard.type(dsl.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")

    code = page.get_by_label("Code", exact=True)
    expect(code).to_be_focused()
    page.keyboard.type(fresh_code(dsl))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Good to see you, {dsl.full_name}")
    expect(page.locator(".site-header").get_by_text("Elevated", exact=True)).to_be_visible()
