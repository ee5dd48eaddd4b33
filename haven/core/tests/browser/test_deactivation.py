"""Deactivating an account ends its sessions at once, wherever they are open."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _deactivate(new_context, admin, person, sign_in_browser):
    admin_page = new_context().new_page()
    sign_in_browser(admin_page, admin)
    admin_page.goto(f"/administration/staff/{person.pk}/")
    confirmations = []

    def accept(dialog):
        confirmations.append(dialog.message)
        dialog.accept()

    admin_page.on("dialog", accept)
    admin_page.get_by_role("button", name="Deactivate account").click()
    expect(admin_page.get_by_role("status")).to_contain_text(
        f"{person.full_name} can no longer sign in"
    )
    assert confirmations == [
        f"Deactivate {person.full_name}? They will be signed out everywhere at once."
    ]


def test_a_deactivated_member_of_staff_is_signed_out_at_their_next_page_load(
    new_context, admin, staff_member, sign_in_browser, server_session
):
    staff_page = new_context().new_page()
    sign_in_browser(staff_page, staff_member, second_factor=None)
    session_key = server_session(staff_page.context).session_key
    assert Session.objects.filter(session_key=session_key).exists()

    _deactivate(new_context, admin, staff_member, sign_in_browser)

    assert not Session.objects.filter(session_key=session_key).exists()
    staff_page.goto("/account/")
    expect(staff_page).to_have_url(re.compile(r"/sign-in/\?next=/account/$"))
    expect(staff_page.get_by_role("button", name="Sign out")).to_have_count(0)

    staff_page.get_by_label("Email address").fill(staff_member.email)
    staff_page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    staff_page.get_by_role("button", name="Sign in").click()
    expect(staff_page.locator("[data-error-summary]")).to_contain_text("do not match an account")


def test_a_page_left_open_by_a_deactivated_person_goes_to_sign_in_at_its_next_refresh(
    new_context, admin, staff_member, sign_in_browser
):
    staff_page = new_context().new_page()
    staff_page.clock.install()
    sign_in_browser(staff_page, staff_member, second_factor=None)
    staff_page.wait_for_load_state("networkidle")

    _deactivate(new_context, admin, staff_member, sign_in_browser)

    # The notification bell refreshes every minute; its answer is now the sign-in page,
    # which must replace this page rather than appear inside its header.
    with staff_page.expect_request("**/notifications/bell/"):
        staff_page.clock.fast_forward(61_000)
    expect(staff_page).to_have_url(re.compile(r"/sign-in/\?next=%2F$"))
    expect(staff_page.get_by_role("heading", level=1)).to_have_text("Sign in to Haven")
    expect(staff_page.get_by_role("banner")).to_have_count(1)
