"""From an administrator's invitation to a signed-in, elevated key person, in a real browser."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from haven.accounts.models import Invitation, User

pytestmark = pytest.mark.browser

NEW_PASSWORD = "kettle orchard lantern pebble"


def code_from_secret(secret: str) -> str:
    """What an authenticator app shows for the key typed in from the set-up page."""
    compact = "".join(secret.split())
    key = b32decode(compact + "=" * (-len(compact) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def test_an_invited_key_person_sets_a_password_and_an_authenticator_and_lands_elevated(
    new_context, admin, settings, live_server, mailoutbox, sign_in_browser, accessibility
):
    settings.BASE_URL = live_server.url
    admin_page = new_context().new_page()
    sign_in_browser(admin_page, admin)
    admin_page.goto("/administration/staff/invite/")
    admin_page.get_by_label("Full name").fill("Kit Newperson")
    admin_page.get_by_label("Email address").fill("Kit.Newperson@example.org")
    admin_page.get_by_label("Job title").fill("Family support worker")
    admin_page.get_by_label("Practitioner / key person").check()
    admin_page.get_by_role("button", name="Send invitation").click()
    expect(admin_page.get_by_role("status")).to_contain_text(
        "Invitation sent to kit.newperson@example.org"
    )
    expect(admin_page.get_by_role("table").first).to_contain_text("Kit Newperson")

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["kit.newperson@example.org"]
    link = re.search(r"https?://\S+/invitations/\S+/", email.body).group(0)
    assert link.startswith(live_server.url)

    invitee = new_context().new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Welcome to Haven, Kit Newperson")
    invitee.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    invitee.get_by_label("New password again").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Create my account").click()

    # A key person reads children's records, so a second factor comes before anything else.
    expect(invitee).to_have_url(re.compile(r"/account/two-factor/$"))
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    secret = invitee.locator(".secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{1,4}", secret), secret
    invitee.get_by_label("Code from your authenticator app").fill(code_from_secret(secret))
    invitee.get_by_role("button", name="Turn on two-factor authentication").click()

    expect(invitee.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = invitee.locator("ol.codes li").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[0-9a-f]{5} [0-9a-f]{5}", code) for code in codes), codes
    assert len(set(codes)) == 10
    accessibility.check(invitee, "recovery codes issued")
    invitee.get_by_role("link", name=re.compile("I have kept my codes")).click()

    expect(invitee.get_by_role("heading", level=1)).to_have_text("Good to see you, Kit Newperson")
    header = invitee.locator(".site-header")
    expect(header.get_by_text("Elevated", exact=True)).to_be_visible()
    expect(header).to_contain_text("Kit Newperson")

    person = User.unscoped.get(email="kit.newperson@example.org")
    assert person.role_codes == {"practitioner"}
    assert TOTPDevice.objects.filter(user=person, confirmed=True).count() == 1
    assert Invitation.unscoped.get(email=person.email).accepted_at is not None
    accessibility.assert_clean()
