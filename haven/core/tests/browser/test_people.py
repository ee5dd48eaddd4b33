"""People in a real browser: adding a family, linking them, finding them, importing them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from haven.core.testing.factories import UserFactory
from haven.people.models import Household, Person

pytestmark = pytest.mark.browser


def test_a_practitioner_adds_a_child_then_the_mother_and_links_them(
    page, key_person, sign_in_browser, accessibility
):
    from haven.configuration.services import seed_organisation

    seed_organisation(key_person.organisation)
    sign_in_browser(page, key_person)

    page.goto("/people/")
    accessibility.check(page, "find a person")
    page.get_by_role("link", name="Add a child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a child")
    accessibility.check(page, "add a child")
    page.get_by_label("First name").fill("Bugs")
    page.get_by_label("Last name").fill("Bunny")
    page.get_by_label("Date of birth", exact=True).fill("25/06/2021")
    page.get_by_label("Address line 1").fill("12 Warren Lane")
    page.get_by_label("Postcode").fill("rv1 2ab")
    page.get_by_role("button", name="Check and add").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bugs Bunny")
    expect(page.get_by_text("Bunny Household")).to_be_visible()
    accessibility.check(page, "person page")
    child = Person.objects.for_org(key_person.organisation).get(first_name="Bugs")

    page.goto(f"/households/{child.household_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bunny Household")
    accessibility.check(page, "household")
    page.get_by_role("link", name="Add an adult to this household").click()
    page.get_by_label("First name").fill("Lola")
    page.get_by_label("Last name").fill("Smith")
    page.get_by_label("Mobile").fill("07700 900123")
    page.get_by_role("button", name="Check and add").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lola Smith")
    expect(page.get_by_role("link", name="Bunny and Smith Household")).to_be_visible()
    assert Household.objects.for_org(key_person.organisation).get().name == (
        "Bunny and Smith Household"
    )

    page.goto(f"/people/{child.pk}/?tab=relationships")
    accessibility.check(page, "relationships tab")
    page.get_by_role("link", name="Add a relationship").click()
    accessibility.check(page, "add a relationship")
    page.get_by_label(re.compile("^Lola Smith")).check()
    page.get_by_label("They are this person's").select_option("mother")
    page.get_by_label("Parental responsibility").check()
    page.get_by_role("button", name="Save relationship").click()
    row = page.get_by_role("row", name=re.compile("Lola Smith"))
    expect(row).to_contain_text("Mother")

    page.get_by_role("link", name="Lola Smith").click()
    page.get_by_role("link", name=re.compile(r"^Relationships")).click()
    expect(page.get_by_role("row", name=re.compile("Bugs"))).to_contain_text("Child")

    page.get_by_role("searchbox", name="Find a person").fill("bunny bugs")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("link", name=re.compile("Bugs"))).to_be_visible()
    accessibility.check(page, "search results")
    accessibility.assert_clean()


def test_the_duplicate_check_stops_a_second_record_until_a_reason_is_given(
    page, key_person, sign_in_browser, accessibility
):
    from datetime import date

    from haven.people import services

    services.person_create(
        actor=key_person,
        data={
            "kind": "child",
            "first_name": "Bugs",
            "last_name": "Bunny",
            "date_of_birth": date(2021, 6, 25),
        },
    )
    sign_in_browser(page, key_person)
    page.goto("/people/new/?kind=child")
    page.get_by_label("First name").fill("Bunny")
    page.get_by_label("Last name").fill("Bugs")
    page.get_by_label("Date of birth", exact=True).fill("25/06/2021")
    page.get_by_role("button", name="Check and add").click()
    expect(page.get_by_text("This person may already be recorded")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Use this person"))).to_be_visible()
    accessibility.check(page, "possible duplicates")
    accessibility.assert_clean()
    assert Person.objects.for_org(key_person.organisation).count() == 1


def test_administration_and_import_pages_pass_axe(page, org, sign_in_browser, accessibility):
    from haven.configuration.services import seed_organisation

    seed_organisation(org)
    admin = UserFactory(organisation=org, roles=["administrator"], authenticator=True)
    sign_in_browser(page, admin)
    for path, name in [
        ("/administration/lists/", "picklists"),
        ("/administration/lists/first_language/", "one picklist"),
        ("/people/import/", "import upload"),
    ]:
        page.goto(path)
        accessibility.check(page, name)
    page.get_by_label("CSV export from your MIS").set_input_files(
        files=[
            {
                "name": "pupils.csv",
                "mimeType": "text/csv",
                "buffer": b"UPN,Surname,Forename,DOB\nB801200005001,Bunny,Bugs,25/06/2021\n",
            }
        ]
    )
    page.get_by_role("button", name="Upload and choose columns").click()
    expect(page.get_by_role("heading", name="Which column is which?")).to_be_visible()
    accessibility.check(page, "import columns")
    accessibility.assert_clean()
