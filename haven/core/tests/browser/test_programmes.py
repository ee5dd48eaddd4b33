"""Programmes in a real browser: a practitioner's work with a child at St Francis."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from haven.configuration.services import seed_organisation
from haven.people import services as people_services
from haven.programmes import services
from haven.programmes.models import Engagement, ServiceDelivery

pytestmark = pytest.mark.browser


def _child(actor, first, last, born):
    return people_services.person_create(
        actor=actor,
        data={"kind": "child", "first_name": first, "last_name": last, "date_of_birth": born},
        address={"address_line_1": "12 Warren Lane"},
        duplicate_reason="test data",
    )


def test_a_practitioner_works_with_a_child_from_referral_to_closing(
    page, key_person, dsl, admin, sign_in_browser, accessibility
):
    org = key_person.organisation
    seed_organisation(org)
    today = date.today()
    centre = services.programme_save(
        actor=admin,
        data={"name": "St Francis Family Centre", "code": "SF", "status": "active"},
    )
    for name in ("Nursery", "Trip"):
        services.service_save(actor=admin, programme=centre, data={"name": name})
    bugs = _child(dsl, "Bugs", "Bunny", date(2021, 6, 25))
    fred = _child(dsl, "Fred", "Flagg", date(2021, 7, 13))
    freds = services.engagement_create(
        actor=key_person,
        child=fred,
        programme=centre,
        data={"referral_date": today - timedelta(days=20), "key_person": key_person},
    )
    sign_in_browser(page, key_person)

    # Add the child to St Francis from the child's Engagements tab.
    page.goto(f"/people/{bugs.pk}/?tab=engagements")
    accessibility.check(page, "person engagements tab")
    page.get_by_role("link", name="Add to a programme").click()
    accessibility.check(page, "new engagement")
    page.get_by_label("Programme", exact=True).select_option(label="St Francis Family Centre")
    page.get_by_label("Referral date").fill(f"{today - timedelta(days=10):%d/%m/%Y}")
    page.get_by_role("button", name="Save").click()
    title = f"Bugs Bunny {today - timedelta(days=10):%d/%m/%Y}: St Francis Family Centre"
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    accessibility.check(page, "engagement page")
    engagement = Engagement.objects.for_org(org).get(child=bugs)

    # Three nursery sessions. The service is found by typing part of its name.
    for days_ago in (3, 2, 1):
        page.get_by_role("link", name="New service delivery").click()
        service = page.get_by_role("combobox", name="Service")
        service.fill("nurs")
        if days_ago == 3:
            expect(page.get_by_role("option", name="SF: Nursery")).to_be_visible()
            accessibility.check(page, "new service delivery, services listed")
        page.get_by_role("option", name="SF: Nursery").click()
        expect(service).to_have_value("SF: Nursery")
        page.get_by_label("Delivery date").fill(f"{today - timedelta(days=days_ago):%d/%m/%Y}")
        page.get_by_role("button", name="Save the session").click()
        expect(page.get_by_text("has been recorded")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Service deliveries \(3"))).to_be_visible()

    # Correct one session by keyboard: typing the code, arrow down, Enter.
    page.get_by_role("link", name=re.compile(r"^Correct\W+SF: Nursery")).first.click()
    accessibility.check(page, "correct a service delivery")
    service = page.get_by_role("combobox", name="Service")
    service.fill("SF: Tr")
    service.press("ArrowDown")
    service.press("Enter")
    expect(service).to_have_value("SF: Trip")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("The session has been corrected.")).to_be_visible()
    corrected = ServiceDelivery.objects.for_org(org).get(
        engagement=engagement, service__name="Trip"
    )
    assert corrected.version == 2
    page.goto(f"/deliveries/{corrected.pk}/")
    expect(page.get_by_text("“SF: Nursery” → “SF: Trip”")).to_be_visible()
    page.get_by_label("Why was this entered in error?").fill("It was the trip, recorded twice")
    page.get_by_role("button", name="Mark as entered in error").click()
    expect(page.get_by_role("heading", name=re.compile(r"Service deliveries \(2"))).to_be_visible()

    # A trip for both children by bulk entry: the child first, then their engagement.
    page.goto("/programmes/bulk/")
    accessibility.check(page, "bulk service deliveries")
    for row, child_name, name in (
        (0, "Bugs Bunny", engagement.name),
        (1, "Fred Flagg", freds.name),
    ):
        page.locator(f"#row-{row}-child").fill(child_name.split()[0])
        page.get_by_role("option", name=re.compile(child_name)).click()
        expect(page.locator(f"#row-{row}-engagement")).to_have_value(
            str(engagement.pk if row == 0 else freds.pk)
        )
        expect(page.locator(f"#row-{row}-engagement option:checked")).to_have_text(name)
        page.locator(f"#row-{row}-service").fill("trip")
        page.locator(f"#row-{row}-service").press("Enter")
        page.locator(f"#row-{row}-summary").fill("Trip to Southland")
    accessibility.check(page, "bulk service deliveries, filled in")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("2 service deliveries stored.")).to_be_visible()
    trips = ServiceDelivery.objects.for_org(org).filter(
        service__name="Trip", entered_in_error_at__isnull=True
    )
    assert trips.count() == 2

    # A consultation with two follow-up actions ("add another"), one for the DSL.
    page.goto(f"/engagements/{engagement.pk}/")
    page.get_by_role("link", name="New consultation").click()
    accessibility.check(page, "new consultation")
    page.get_by_label("Method").select_option(label="Telephone call")
    page.get_by_label("Held with (anyone else, with their role)").fill("Lola Bunny, mother")
    page.get_by_label("Summary of key information").fill("Mum says Bugs loved the trip.")
    page.locator("#id_actions-0-description").fill("Send photos of the trip")
    page.locator("#id_actions-0-due_on").fill(f"{today + timedelta(days=7):%d/%m/%Y}")
    page.get_by_role("button", name="Add another action").click()
    expect(page.locator("#id_actions-1-description")).to_be_focused()
    expect(page.locator("#id_actions-0-description")).to_have_value("Send photos of the trip")
    page.locator("#id_actions-1-description").fill("Ask the GP about the rash")
    page.locator("#id_actions-1-due_on").fill(f"{today - timedelta(days=1):%d/%m/%Y}")
    page.locator("#id_actions-1-assignee").select_option(label=dsl.full_name)
    page.get_by_role("button", name="Save the consultation").click()
    expect(page.get_by_text("Mum says Bugs loved the trip.")).to_be_visible()
    expect(page.get_by_text(re.compile("Ask the GP about the rash .* overdue"))).to_be_visible()
    consultation = engagement.consultations.get()
    page.goto(f"/consultations/{consultation.pk}/")
    accessibility.check(page, "correct a consultation")

    # Close it, then a new delivery is refused.
    page.goto(f"/engagements/{engagement.pk}/")
    page.get_by_role("link", name="Close the engagement").click()
    accessibility.check(page, "close engagement")
    page.get_by_label("Reason").select_option(label="Work completed")
    page.get_by_role("button", name="Close the engagement").click()
    expect(page.get_by_text("Stage: Closed")).to_be_visible()
    expect(page.get_by_role("link", name="New service delivery")).to_have_count(0)
    page.goto(f"/engagements/{engagement.pk}/deliveries/new/")
    expect(page.get_by_text("takes no new service deliveries").first).to_be_visible()
    current = ServiceDelivery.objects.for_org(org).filter(
        engagement=engagement, entered_in_error_at__isnull=True
    )
    assert current.count() == 3

    # Open-access sessions: record a count, correct it.
    page.goto(f"/programmes/{centre.pk}/open-access/")
    accessibility.check(page, "open-access sessions")
    page.get_by_role("combobox", name="Service").fill("SF: Nur")
    page.get_by_role("option", name="SF: Nursery").click()
    page.get_by_label("Total attendees").fill("17")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("17 attendees recorded.")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Correct\W+SF: Nursery")).click()
    accessibility.check(page, "correct an open-access session")

    # The programme page, its register and reports.
    page.goto(f"/programmes/{centre.pk}/")
    accessibility.check(page, "programme page")
    page.get_by_role("link", name="Take the register").click()
    page.get_by_role("combobox", name="Service").fill("nursery")
    page.get_by_role("option", name="SF: Nursery").click()
    page.get_by_role("button", name="Show the register").click()
    expect(page.get_by_role("rowheader", name="Fred Flagg")).to_be_visible()
    accessibility.check(page, "register")
    page.goto(f"/programmes/{centre.pk}/reports/")
    accessibility.check(page, "programme reports")
    page.goto("/programmes/mine/")
    accessibility.check(page, "my engagements")


def test_an_overdue_follow_up_is_on_the_home_page_and_marked_done_there(
    page, key_person, dsl, admin, sign_in_browser, accessibility
):
    seed_organisation(key_person.organisation)
    today = date.today()
    centre = services.programme_save(
        actor=admin, data={"name": "St Francis Family Centre", "code": "SF", "status": "active"}
    )
    bugs = _child(dsl, "Bugs", "Bunny", date(2021, 6, 25))
    engagement = services.engagement_create(
        actor=key_person,
        child=bugs,
        programme=centre,
        data={"referral_date": today - timedelta(days=20), "key_person": key_person},
    )
    services.consultation_record(
        engagement=engagement,
        actor=key_person,
        held_on=today - timedelta(days=3),
        method="phone",
        summary="Mum rang",
        others="Lola Bunny, mother",
        actions=[("Ring the health visitor", today - timedelta(days=1))],
    )
    sign_in_browser(page, key_person)
    page.goto("/")
    panel = page.get_by_role("region", name="Your follow-up actions")
    expect(panel).to_contain_text("1 overdue")
    accessibility.check(page, "home page with follow-up actions")
    panel.get_by_role("button", name=re.compile(r"^Mark done\W+Ring the health visitor")).click()
    expect(page.get_by_text("“Ring the health visitor” is done.")).to_be_visible()
    expect(page.get_by_role("region", name="Your follow-up actions")).to_have_count(0)


def test_programme_administration_pages_pass_axe(page, admin, sign_in_browser, accessibility):
    centre = services.programme_save(
        actor=admin, data={"name": "St Francis Family Centre", "code": "SF", "status": "active"}
    )
    sign_in_browser(page, admin)
    page.goto("/administration/programmes/")
    accessibility.check(page, "programmes administration")
    page.goto(f"/administration/programmes/{centre.pk}/")
    accessibility.check(page, "programme administration")
    page.goto("/administration/agencies/")
    accessibility.check(page, "agency directory")
