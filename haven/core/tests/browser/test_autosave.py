"""Autosave: long forms are kept on the server as a draft while someone types."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from haven.accounts.models import Organisation
from haven.drafts.models import Draft

pytestmark = pytest.mark.browser

GUIDANCE = "Tell Dana Lead in the office by room 4, or ring 01632 960 123 the same day."


def test_a_draft_of_the_organisation_settings_is_saved_offered_back_and_gone_once_saved(
    page, admin, org, sign_in_browser
):
    # The page's timers run on a fake clock, so the five-second autosave needs no waiting.
    page.clock.install()
    sign_in_browser(page, admin)
    page.goto("/administration/organisation/")
    guidance = page.get_by_label("Who to contact with a safeguarding worry")
    guidance.fill(GUIDANCE)

    with page.expect_response("**/drafts/save/") as saved:
        page.clock.run_for(5_100)
    assert saved.value.ok
    expect(page.locator("[data-autosave-status]")).to_have_text(
        re.compile(r"^Draft saved at \d\d:\d\d\.$")
    )
    draft = Draft.unscoped.get(author=admin)
    assert draft.data["safeguarding_guidance"] == GUIDANCE
    assert "csrfmiddlewaretoken" not in draft.data

    page.reload()
    expect(guidance).to_have_value("")  # nothing was saved to the organisation itself
    offer = page.get_by_role("status").filter(has_text="You have unsaved changes")
    expect(offer).to_be_visible()
    offer.get_by_role("link", name="Restore them").click()
    expect(page).to_have_url(re.compile(r"/administration/organisation/\?restore=1$"))
    expect(guidance).to_have_value(GUIDANCE)

    page.goto("/")
    unfinished = page.get_by_role("region", name="Unfinished forms")
    expect(unfinished.get_by_role("link", name="Organisation settings")).to_be_visible()
    unfinished.get_by_role("link", name="Organisation settings").click()
    expect(guidance).to_have_value(GUIDANCE)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Organisation settings saved.")

    page.goto("/")
    expect(page.get_by_role("region", name="Worried about a child?")).to_contain_text(GUIDANCE)
    expect(page.get_by_role("region", name="Unfinished forms")).to_have_count(0)
    assert not Draft.unscoped.filter(author=admin).exists()
    assert Organisation.objects.get(pk=org.pk).safeguarding_guidance == GUIDANCE


def test_a_box_unticked_in_the_draft_comes_back_unticked(page, admin, org, sign_in_browser):
    assert org.always_alert_dsl_team
    page.clock.install()
    sign_in_browser(page, admin)
    page.goto("/administration/organisation/")
    box = page.get_by_label("Always alert the safeguarding team about every concern")
    box.uncheck()
    page.get_by_label("Who to contact with a safeguarding worry").fill(GUIDANCE)
    with page.expect_response("**/drafts/save/"):
        page.clock.run_for(5_100)

    page.reload()
    expect(box).to_be_checked()  # the saved setting, until the draft is restored
    page.get_by_role("link", name="Restore them").click()
    expect(page.get_by_label("Who to contact with a safeguarding worry")).to_have_value(GUIDANCE)
    expect(box).not_to_be_checked()
