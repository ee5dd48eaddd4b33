"""The idle warning (WCAG 2.2.1, timing adjustable) and the idle sign-out, in a real browser.

The page's own timers run on Playwright's fake clock so that minutes pass in an instant;
the server's clock is real, so the session's last activity is moved back instead.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from haven.accounts.services import LAST_SEEN
from haven.core import clock

pytestmark = pytest.mark.browser

IDLE_MINUTES = 5


@pytest.fixture
def signed_in_page(page, org, staff_member, sign_in_browser):
    org.idle_timeout_minutes = IDLE_MINUTES
    org.save(update_fields=["idle_timeout_minutes"])
    page.clock.install()
    sign_in_browser(page, staff_member, second_factor=None)
    # The bell asks the server once as the page loads: wait for that answer, so the session
    # is only aged once nothing from the page is still on its way.
    with page.expect_response("**/notifications/bell/"):
        page.goto("/account/")
    page.wait_for_load_state("networkidle")
    return page


def _idle_for(page, server_session, seconds: float) -> None:
    """Make the server believe nobody has done anything here for ``seconds``."""
    session = server_session(page.context)
    session[LAST_SEEN] = clock.now().timestamp() - seconds
    session.save()


def _move_page_clock_to_just_before_the_warning(page):
    """Jump the page's clock to 2 min 30 s before its idle limit, while the session is fine.

    The page's clock also runs in real time from the moment it loaded, so the jump leaves
    half a minute to spare before the warning's two minutes: a busy machine that is slow to
    get here must not have the page ask the server already. The jump also fires the
    notification bell's once-a-minute refresh; letting it happen now means the session is
    only aged once nothing from the page is on its way.
    """
    with page.expect_response("**/notifications/bell/"):
        page.clock.fast_forward((IDLE_MINUTES * 60 - 150) * 1000)


def _let_the_page_ask_the_server(page):
    # Now inside the last two minutes, the page asks the server how long is really left.
    with page.expect_request("**/session/status/"):
        page.clock.fast_forward(31_000)


def test_the_idle_warning_appears_takes_focus_and_stay_signed_in_keeps_the_session(
    signed_in_page, server_session, accessibility
):
    page = signed_in_page
    dialog = page.locator("[data-timeout-dialog]")
    expect(dialog).to_be_hidden()

    _move_page_clock_to_just_before_the_warning(page)
    _idle_for(page, server_session, IDLE_MINUTES * 60 - 100)
    _let_the_page_ask_the_server(page)

    expect(dialog).to_be_visible()
    expect(page.get_by_role("dialog", name="You are about to be signed out")).to_be_visible()
    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    expect(dialog).to_contain_text(re.compile(r"signed out in (1 minute|2 minutes|\d+ seconds)"))
    accessibility.check(page, "idle warning")

    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    seen = server_session(page.context)[LAST_SEEN]
    assert clock.now().timestamp() - seen < 5, "Stay signed in did not reset the idle clock"

    page.reload()
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    accessibility.assert_clean()


def test_letting_the_warning_run_out_signs_out_and_says_why(signed_in_page, server_session):
    page = signed_in_page
    _move_page_clock_to_just_before_the_warning(page)
    # Four seconds of real time left on the server when the page asks.
    _idle_for(page, server_session, IDLE_MINUTES * 60 - 4)
    _let_the_page_ask_the_server(page)
    expect(page.locator("[data-timeout-dialog]")).to_be_visible()

    expect(page).to_have_url(re.compile(r"/sign-in/\?next=%2Faccount%2F$"), timeout=10_000)
    expect(page.get_by_role("status")).to_have_text(
        "You were signed out because the page was left idle. Sign in to carry on."
    )
    page.goto("/account/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))


def test_a_page_that_wakes_after_the_session_ended_goes_to_sign_in_and_says_why(
    signed_in_page, server_session
):
    # A laptop lid closed for longer than the idle limit: the server ended the session
    # before the page's timers ran again.
    page = signed_in_page
    _move_page_clock_to_just_before_the_warning(page)
    _idle_for(page, server_session, IDLE_MINUTES * 60 + 30)
    _let_the_page_ask_the_server(page)

    expect(page).to_have_url(re.compile(r"/sign-in/\?next=%2Faccount%2F$"))
    expect(page.get_by_role("status")).to_have_text(
        "You were signed out because the page was left idle. Sign in to carry on."
    )


def test_a_background_refresh_after_the_session_ended_still_says_why(
    signed_in_page, server_session
):
    page = signed_in_page
    _idle_for(page, server_session, IDLE_MINUTES * 60 + 30)
    # A minute on the page clock: only the notification bell asks the server.
    with page.expect_request("**/notifications/bell/"):
        page.clock.fast_forward(61_000)

    expect(page).to_have_url(re.compile(r"/sign-in/(\?|$)"))
    expect(page.get_by_role("status")).to_have_text(
        "You were signed out because the page was left idle. Sign in to carry on.",
        timeout=2_000,
    )
