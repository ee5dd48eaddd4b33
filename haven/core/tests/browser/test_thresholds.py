"""The guided threshold decision in a real browser, and the administrators' framework pages.

A DSL triaging a concern opens the organisation's threshold framework, ticks three early help
indicators in three domains, sees "child in need" suggested because together they are a
cluster, chooses early help with a rationale, and finds the decision on the concern and in
the child's chronology.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from haven.access import roles
from haven.configuration.services import seed_organisation
from haven.frontdoor.models import Status
from haven.frontdoor.testing import make_contact, make_front_door, make_person, make_staff
from haven.safeguarding.taxonomy import seed_safeguarding
from haven.safeguarding.tests.records import concern_records, make_child
from haven.thresholds.services import seed_frameworks

pytestmark = pytest.mark.browser

TICKS = {
    "Low mood, worries or withdrawal noticed by staff": "Quiet and tearful in class all week.",
    "Hygiene, clothing or meals are sometimes not good enough": "Same jumper since Monday.",
    "Money worries, debt or the risk of losing the home": "Mum mentioned rent arrears.",
}


def test_a_dsl_chooses_early_help_over_a_child_in_need_suggestion_with_a_rationale(
    page, staff_member, dsl, sign_in_browser, accessibility
):
    org = dsl.organisation
    seed_organisation(org)
    seed_safeguarding(org)
    seed_frameworks(org)
    child = make_child(dsl, "Rosie", "Marsh", date(2017, 5, 4))
    concern = concern_records(staff_member, child, alert_people=[dsl]).concern
    sign_in_browser(page, dsl)

    # From the triage queue to the concern's triage page, then to the framework.
    page.goto("/concerns/triage/")
    page.get_by_role("table").get_by_role("link", name=re.compile(f"{concern.number}")).click()
    page.get_by_role("link", name="Decide the level of need with the threshold framework").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Threshold decision on concern {concern.number}"
    )
    suggestion = page.locator("#threshold-suggestion")
    expect(suggestion).to_contain_text("Universal")
    accessibility.check(page, "threshold decision")

    for text, note in TICKS.items():
        page.get_by_role("checkbox", name=re.compile(re.escape(text))).check()
        page.get_by_label(f"Note on: {text}").fill(note)
    expect(suggestion).to_contain_text("Child in need")
    expect(suggestion).to_contain_text("span 3 domains")
    expect(page.get_by_role("radio", name=re.compile("^Child in need"))).to_be_checked()

    page.get_by_role("radio", name=re.compile("^Early help")).check()
    expect(page.locator("[data-chosen-response]")).to_contain_text("early help assessment")
    expect(page.locator("[data-differs-hint]")).to_contain_text("say why")
    page.get_by_label("Why (required if it differs from the suggestion)").fill(
        "Mum asked the family hub for help last week and is engaging well."
    )
    page.get_by_role("button", name="Save the decision").click()

    # The decision on the concern.
    expect(page.get_by_role("status").first).to_contain_text("Threshold decision recorded")
    panel = page.get_by_role("region", name="Threshold decisions")
    expect(panel).to_contain_text("Early help")
    expect(panel).to_contain_text("the framework suggested Child in need")
    expect(panel).to_contain_text("engaging well")
    expect(panel).to_contain_text("Mum mentioned rent arrears.")
    accessibility.check(page, "concern with a threshold decision")

    # And in the child's chronology.
    page.goto(f"/people/{child.pk}/?tab=chronology")
    entry = page.get_by_role("cell", name=re.compile("^Threshold decision: Early help"))
    expect(entry).to_contain_text("the framework suggested Child in need")
    accessibility.check(page, "chronology with a threshold decision")

    # Back at triage, the decision starts where early help leads: referring on to early help.
    page.goto(f"/concerns/{concern.pk}/triage/")
    expect(page.locator("#threshold-prefill")).to_contain_text("refer on to early help")
    expect(page.get_by_role("radio", name="Refer on")).to_be_checked()
    expect(page.get_by_label("Refer to")).to_have_value("early_help")
    accessibility.check(page, "triage started from a threshold decision")
    page.get_by_label("Rationale").fill("Early help assessment agreed with mum.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status").first).to_contain_text("refer on")


def test_an_administrator_reviews_copies_edits_and_imports_frameworks(
    page, admin, sign_in_browser, accessibility
):
    seed_frameworks(admin.organisation)
    sign_in_browser(page, admin)
    page.goto("/thresholds/frameworks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Threshold frameworks")
    accessibility.check(page, "threshold frameworks")

    page.get_by_role("link", name="Four-tier needs matrix").click()
    expect(page.get_by_role("heading", name="Domains and indicators")).to_be_visible()
    accessibility.check(page, "threshold framework")

    page.get_by_role("link", name="Copy").click()
    accessibility.check(page, "copy a threshold framework")
    page.get_by_label("Name of the copy").fill("Riverside matrix")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside matrix")

    page.get_by_role("link", name=re.compile("^Edit")).click()
    accessibility.check(page, "edit a threshold framework")
    page.get_by_label("Name of the framework").fill("Riverside matrix")
    page.get_by_label("Indicator 1", exact=True).fill("")
    page.get_by_role("button", name="Publish a new version").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Indicator 1: give it a text.")
    accessibility.check(page, "edit a threshold framework, with errors")
    page.get_by_label("Indicator 1", exact=True).fill("Often arrives late and hungry")
    page.get_by_label("New indicator 1", exact=True).fill("Moved school twice this year")
    page.get_by_label("Level of new indicator 1").select_option(label="Early help")
    page.get_by_role("button", name="Publish a new version").click()
    expect(page.get_by_role("status").first).to_contain_text("Version 2")
    expect(page.get_by_text("Moved school twice this year")).to_be_visible()

    page.get_by_role("link", name=re.compile("^Edit")).click()
    page.get_by_role("link", name="edit the framework as JSON").click()
    accessibility.check(page, "edit a threshold framework as JSON")
    page.get_by_label("Framework (JSON)").fill('{"name": "Broken"}')
    page.get_by_role("button", name="Publish a new version").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("at least one")

    page.goto("/thresholds/frameworks/import/")
    accessibility.check(page, "import a threshold framework")
    page.goto("/thresholds/frameworks/")
    page.get_by_role("row", name=re.compile("Riverside matrix")).get_by_role(
        "button", name=re.compile("^Use this one")
    ).click()
    expect(page.get_by_role("status").first).to_contain_text("now uses “Riverside matrix”")


def test_a_senior_practitioner_rates_a_contact_from_a_threshold_decision(
    page, sign_in_browser, accessibility
):
    front_door = make_front_door()
    senior = make_staff(front_door, roles.SENIOR_PRACTITIONER, "Priya Senior")
    child = make_person(senior, first="Milo", last="Hart")
    contact = make_contact(front_door, children=[child], actor=senior, status=Status.RATING)
    urgent = "A child under 11 is missing"
    sign_in_browser(page, senior)

    # The rating page offers the framework; nothing is chosen until a decision is made.
    page.goto(f"/front-door/contacts/{contact.pk}/rate/")
    expect(page.get_by_role("radio", name="Red")).not_to_be_checked()
    page.get_by_role("link", name="Decide the level of need with the threshold framework").click()
    page.get_by_role("checkbox", name=re.compile(re.escape(urgent))).check()
    page.get_by_label(f"Note on: {urgent}").fill("Missing overnight; police searching.")
    expect(page.locator("#threshold-suggestion")).to_contain_text("Child protection")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("status").first).to_contain_text("Threshold decision recorded")

    # The rating starts at the level's RAG rating; the practitioner still gives the reasons.
    page.goto(f"/front-door/contacts/{contact.pk}/rate/")
    expect(page.locator("#threshold-prefill")).to_contain_text("Started at red")
    expect(page.get_by_role("radio", name="Red")).to_be_checked()
    accessibility.check(page, "RAG rating started from a threshold decision")
    page.get_by_label("Rationale").fill("Missing overnight, aged 8: immediate risk.")
    page.get_by_role("button", name="Save the rating").click()
    expect(page.get_by_role("status").first).to_contain_text("is rated red")
