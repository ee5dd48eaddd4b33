"""Hide screen: someone walks up to the desk, and the page must vanish at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _assert_hidden(page):
    # is_visible() does not wait: the cover must be up the moment the event is handled.
    assert page.locator("[data-screen-cover]").is_visible()
    assert not page.locator("main").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert page.title() == "Haven"
    expect(page.get_by_role("button", name="Show the page again")).to_be_focused()


def _assert_shown(page, title):
    assert not page.locator("[data-screen-cover]").is_visible()
    assert page.locator("main").is_visible()
    assert page.title() == title


def test_the_hide_screen_button_covers_the_page_at_once_and_show_brings_it_back(
    page, staff_member, sign_in_browser
):
    sign_in_browser(page, staff_member, second_factor=None)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Good to see you, {staff_member.full_name}"
    )
    _assert_shown(page, "Home – Haven")

    hide = page.get_by_role("button", name="Hide screen")
    hide.click()
    _assert_hidden(page)

    page.get_by_role("button", name="Show the page again").click()
    _assert_shown(page, "Home – Haven")
    # Keyboard users carry on where they were.
    expect(hide).to_be_focused()


def test_alt_shift_h_covers_the_page_even_while_typing_and_the_keyboard_brings_it_back(
    page, staff_member, sign_in_browser
):
    sign_in_browser(page, staff_member, second_factor=None)
    page.goto("/account/password/")
    field = page.get_by_label("Current password")
    field.fill("half-typed")

    page.keyboard.press("Alt+Shift+H")
    _assert_hidden(page)
    assert field.input_value() == "half-typed"  # the shortcut typed nothing

    page.keyboard.press("Enter")  # activates "Show the page again", which has focus
    _assert_shown(page, "Change your password – Haven")
    expect(field).to_be_focused()

    page.keyboard.press("Alt+Shift+H")
    _assert_hidden(page)
    page.keyboard.press("Alt+Shift+H")  # the shortcut toggles
    _assert_shown(page, "Change your password – Haven")
    expect(field).to_be_focused()
