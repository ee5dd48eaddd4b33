"""The front door's page types in a real browser, each checked with axe-core: the worklist,
logging a contact, screening and rating, the contact page, the MASH workspace with its
onward record, consultations, reports, and a partner agency member's requests."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from haven.core import clock
from haven.frontdoor.models import InformationRequest, Rag, Status
from haven.frontdoor.testing import agency, make_contact, make_person
from haven.frontdoor.tests.tenancy_rows import front_door_rows

pytestmark = pytest.mark.browser


@pytest.fixture
def rows(db):
    return front_door_rows()


def _visit(page, accessibility, url: str, name: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    accessibility.check(page, name)


def test_the_mash_manager_s_pages_pass_axe(page, rows, sign_in_browser, accessibility):
    sign_in_browser(page, rows.reader)
    _visit(page, accessibility, reverse("frontdoor:worklist"), "front-door worklist")
    for url in rows.pages:
        _visit(page, accessibility, url, f"front-door page {url}")
    _visit(page, accessibility, reverse("frontdoor:contact_new"), "log a contact")
    _visit(page, accessibility, reverse("frontdoor:consultations"), "consultations")
    _visit(page, accessibility, reverse("frontdoor:reports"), "front-door reports")
    report = reverse("frontdoor:report", kwargs={"slug": "decisions-within-timescale"})
    _visit(page, accessibility, report, "a front-door report")
    accessibility.assert_clean()


def test_screening_and_rating_pages_pass_axe(page, rows, sign_in_browser, accessibility):
    organisation = rows.organisation
    child = make_person(rows.senior, first="Juniper", last="Marsh")
    waiting = make_contact(organisation, children=[child], actor=rows.senior)
    rating = make_contact(organisation, children=[child], status=Status.RATING, known="not_known")
    sign_in_browser(page, rows.senior)
    screen = reverse("frontdoor:contact_screen", kwargs={"pk": waiting.pk})
    _visit(page, accessibility, screen, "screen a contact")
    _visit(page, accessibility, reverse("frontdoor:contact_rate", kwargs={"pk": rating.pk}), "rate")
    page.get_by_role("button", name="Save the rating").click()
    expect(page.locator("[data-error-summary], .error-summary").first).to_be_visible()
    accessibility.check(page, "rating form with errors")
    accessibility.assert_clean()


def test_a_partner_member_s_pages_pass_axe(page, rows, sign_in_browser, accessibility):
    contact = make_contact(
        rows.organisation,
        children=[make_person(rows.senior, first="Rowan", last="Marsh")],
        status=Status.INFORMATION_GATHERING,
        initial_rag=Rag.RED,
    )
    request = InformationRequest.objects.create(
        organisation=rows.organisation,
        contact=contact,
        agency=agency(rows.organisation, "police"),
        question="What do you hold on this family?",
        due_at=clock.now(),
    )
    sign_in_browser(page, rows.partner)
    _visit(page, accessibility, reverse("frontdoor:requests"), "partner's requests")
    _visit(page, accessibility, reverse("frontdoor:request", kwargs={"pk": request.pk}), "answer")
    accessibility.assert_clean()
