"""Every kind of platform page, opened in a real browser and checked with axe-core.

Each test walks the pages one persona uses and fails on any serious or critical WCAG 2.2 AA
violation, listing them all (page, rule, element) so one run shows everything to fix.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from haven.access.decorators import VERIFIED_AT
from haven.accounts import services as account_services
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core.testing.factories import TEST_PASSWORD, TeamFactory, UserFactory
from haven.drafts.services import draft_save
from haven.notifications.models import Kind
from haven.notifications.services import notify
from haven.people.services import person_create

pytestmark = pytest.mark.browser


def _heading(page, text: str):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def test_a_dsl_signs_in_with_a_real_code_and_every_page_they_use_passes_axe(
    page, dsl, fresh_code, accessibility
):
    notify(recipients=[dsl], kind=Kind.SECURITY, title="Your password was changed", url="/account/")

    page.goto("/sign-in/")
    _heading(page, "Sign in to Haven")
    accessibility.check(page, "sign-in")

    page.get_by_label("Email address").fill(dsl.email)
    page.get_by_label("Password", exact=True).fill("not the right password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("do not match an account")
    expect(summary).to_be_focused()
    accessibility.check(page, "sign-in with an error summary")

    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/code/$"))
    _heading(page, "Enter your code")
    accessibility.check(page, "sign-in code")

    page.get_by_label("Code", exact=True).fill(fresh_code(dsl))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".site-header").get_by_text("Elevated", exact=True)).to_be_visible()
    _heading(page, f"Good to see you, {dsl.full_name}")
    accessibility.check(page, "home")

    for path, heading in [
        ("/notifications/", "Notifications"),
        ("/account/", "My account"),
        ("/account/password/", "Change your password"),
        ("/account/recovery-codes/", "Recovery codes"),
        ("/account/two-factor/", "Replace your authenticator"),
    ]:
        page.goto(path)
        _heading(page, heading)
        accessibility.check(page, path)

    page.goto("/account/password/")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    accessibility.check(page, "change password with errors")

    # A DSL is not an administrator: the audit log is refused with Haven's own 403 page.
    response = page.goto("/audit/")
    assert response.status == 403
    _heading(page, "You do not have access to this")
    accessibility.check(page, "403")

    response = page.goto("/no-such-page/")
    assert response.status == 404
    _heading(page, "Page not found")
    accessibility.check(page, "404")

    accessibility.assert_clean()


def test_an_administrator_elevates_and_every_administration_and_audit_page_passes_axe(
    page, admin, dsl, org, sign_in_browser, fresh_code, server_session, accessibility
):
    team = TeamFactory(organisation=org, name="Early years")
    team.members.add(dsl)
    account_services.invitation_create(
        actor=admin,
        email="new.starter@example.org",
        full_name="Nia Newstarter",
        role_codes=["staff"],
    )
    draft_save(
        author=admin,
        form_key="organisation-settings",
        label="Organisation settings",
        url="/administration/organisation/",
        data={"safeguarding_guidance": "Ring Dana on 0123"},
    )
    child = person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Ada",
            "last_name": "Viewed",
            "date_of_birth": date(2019, 4, 1),
        },
    )
    for what in ("record", "chronology"):
        record_event(action=Action.VIEW, actor=dsl, person_id=child.pk, detail={"what": what})

    sign_in_browser(page, admin, second_factor="skip")
    page.goto("/account/elevate/")
    _heading(page, "Confirm it's you")
    accessibility.check(page, "elevate")
    page.get_by_label("Code", exact=True).fill(fresh_code(admin))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".site-header").get_by_text("Elevated", exact=True)).to_be_visible()

    for path, heading in [
        ("/administration/staff/", "Staff"),
        ("/administration/staff/invite/", "Invite a member of staff"),
        (f"/administration/staff/{dsl.pk}/", dsl.full_name),
        ("/administration/teams/", "Teams"),
        ("/administration/teams/new/", "Add a team"),
        (f"/administration/teams/{team.pk}/", "Early years"),
        ("/administration/organisation/", "Organisation settings"),
        ("/audit/", "Audit log"),
        (f"/audit/people/{child.pk}/", "Who has viewed this record"),
    ]:
        page.goto(path)
        _heading(page, heading)
        accessibility.check(page, path)

    expect(page.get_by_role("table")).to_contain_text("chronology")

    page.goto("/administration/staff/invite/")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    accessibility.check(page, "invite with errors")

    page.goto("/audit/")
    page.get_by_label("From (dd/mm/yyyy)").fill("02/01/2026")
    page.get_by_label("To (dd/mm/yyyy)").fill("01/01/2026")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("before the start date")
    accessibility.check(page, "audit log with a filter error")

    # The export wants a second factor from the last 15 minutes: make this one older.
    session = server_session(page.context)
    session[VERIFIED_AT] -= 16 * 60
    session.save()
    page.goto("/audit/")
    page.get_by_role("link", name="Download as CSV").click()
    expect(page).to_have_url(re.compile(r"/account/elevate/\?.*fresh=1"))
    expect(page.get_by_text("a code from the last 15 minutes")).to_be_visible()
    accessibility.check(page, "elevate again for an export")
    page.get_by_label("Code", exact=True).fill(fresh_code(admin))
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirm").click()
    assert re.fullmatch(r"haven-audit-\d{8}-\d{4}\.csv", download.value.suggested_filename)

    accessibility.assert_clean()


def test_pages_before_and_during_account_set_up_pass_axe(
    new_context, admin, org, sign_in_browser, accessibility, mailoutbox
):
    account_services.invitation_create(
        actor=admin, email="nia@example.org", full_name="Nia Newstarter", role_codes=["staff"]
    )
    link = re.search(r"https?://\S+/invitations/\S+/", mailoutbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]

    visitor = new_context().new_page()
    visitor.goto(path)
    _heading(visitor, "Welcome to Haven, Nia Newstarter")
    accessibility.check(visitor, "accept an invitation")
    visitor.get_by_label("New password", exact=True).fill("too short")
    visitor.get_by_label("New password again").fill("too short")
    visitor.get_by_role("button", name="Create my account").click()
    expect(visitor.locator("[data-error-summary]")).to_contain_text("too short")
    accessibility.check(visitor, "accept an invitation with errors")

    response = visitor.goto("/invitations/not-a-real-invitation/")
    assert response.status == 410
    _heading(visitor, "This invitation cannot be used")
    accessibility.check(visitor, "invalid invitation")

    # A key person whose role needs a second factor and who has none is sent to set one up.
    newcomer = UserFactory(organisation=org, roles=["practitioner"], authenticator=False)
    learner = new_context().new_page()
    sign_in_browser(learner, newcomer, second_factor=None)
    learner.goto("/account/")
    expect(learner).to_have_url(re.compile(r"/account/two-factor/$"))
    _heading(learner, "Set up two-factor authentication")
    expect(learner.locator(".secret")).to_have_text(re.compile(r"^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$"))
    accessibility.check(learner, "two-factor set-up")

    accessibility.assert_clean()
