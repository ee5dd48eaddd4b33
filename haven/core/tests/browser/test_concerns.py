"""Recording a concern in a real browser: a teacher with no second factor, two children, a
body map mark, the safeguarding lead alerted."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from haven.accounts import services as account_services
from haven.safeguarding.models import Alert, Concern, SafeguardingSettings
from haven.safeguarding.taxonomy import seed_safeguarding
from haven.safeguarding.tests.records import make_child, subcategory

pytestmark = pytest.mark.browser


def test_a_teacher_records_a_concern_about_two_children_with_a_body_map_mark(
    page, staff_member, dsl, admin, sign_in_browser, accessibility
):
    org = staff_member.organisation
    seed_safeguarding(org)
    team = account_services.team_save(
        actor=admin, organisation=org, name="Safeguarding team", members=[dsl]
    )
    SafeguardingSettings.objects.for_org(org).update(dsl_team=team, always_alert_dsl_team=True)
    babs = make_child(dsl, "Babs", "Bunny", date(2018, 4, 2), year_group="3", class_group="3B")
    bugs = make_child(dsl, "Bugs", "Bunny", date(2018, 9, 9), year_group="3", class_group="3B")
    sign_in_browser(page, staff_member, second_factor=None)

    # One click from any page, with no second factor.
    page.get_by_role("link", name="Record a concern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a concern")
    expect(page.get_by_text("The Safeguarding team is always alerted")).to_be_visible()

    # The child, found by typing; then a linked child.
    page.get_by_label("Find the child").fill("Babs")
    found = page.get_by_role("radio", name="Babs Bunny, born 02/04/2018, Year 3, 3B")
    expect(found).to_be_visible()
    accessibility.check(page, "record a concern, child found")
    found.check()
    page.get_by_label("Find a child to link").fill("Bugs")
    page.get_by_role("checkbox", name="Bugs Bunny, born 09/09/2018").check()

    page.get_by_label("Category", exact=True).select_option(label="Child on child")
    physical = subcategory(org, "Child on child", "Physical")  # Bullying has a "Physical" too
    page.get_by_label("Sub-category").select_option(value=str(physical.pk))
    page.get_by_label("Where").fill("Playground")
    page.get_by_label("What happened").fill(
        "At 12:35 I saw Bugs push Babs off the climbing frame. She landed on her left arm."
    )
    page.get_by_label("What the child said, in their words").fill("“He pushed me.”")

    # A mark on the body map, by pointer.
    page.locator("#id_body_map_front").click(position={"x": 60, "y": 110})
    mark = page.get_by_role("list", name="Marks").get_by_role("listitem").first
    mark.get_by_label("Type").select_option("Bruise")
    mark.get_by_label("Size (optional)").fill("3 cm")
    accessibility.check(page, "record a concern, filled in")

    page.get_by_role("button", name="Record the concern").click()
    expect(
        page.get_by_text(re.compile(r"Concern 1 has been recorded and 1 person alerted"))
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Concern 1: Child on child")
    accessibility.check(page, "concern page")

    concern = Concern.objects.for_org(org).get()
    assert concern.child == babs
    assert {c.person_id for c in concern.children.all()} == {babs.pk, bugs.pk}
    assert [m["kind"] for m in concern.body_map] == ["bruise"]
    assert [a.recipient for a in Alert.objects.for_org(org).filter(concern=concern)] == [dsl]
    accessibility.assert_clean()


def test_the_concern_pages_and_configuration_pages_pass_axe(
    page, staff_member, dsl, admin, sign_in_browser, accessibility
):
    from haven.safeguarding.tests.records import concern_records

    org = dsl.organisation
    seed_safeguarding(org)
    child = make_child(dsl, "Babs", "Bunny", date(2018, 4, 2))
    concern = concern_records(staff_member, child).concern
    sign_in_browser(page, dsl)
    for url, name in (
        (f"/people/{child.pk}/?tab=concerns", "child's concerns tab"),
        (f"/people/{child.pk}/?tab=chronology", "chronology with a concern"),
        (f"/concerns/{concern.pk}/edit/", "edit a concern"),
        (f"/concerns/{concern.pk}/entered-in-error/", "mark entered in error"),
        ("/concerns/mine/", "my concerns"),
    ):
        page.goto(url)
        accessibility.check(page, name)
    admin_page = page.context.new_page()
    admin_page.context.clear_cookies()
    sign_in_browser(admin_page, admin)
    for url, name in (
        ("/concerns/configuration/categories/", "concern categories"),
        ("/concerns/configuration/permissions/", "team category permissions"),
        ("/concerns/configuration/settings/", "safeguarding settings"),
    ):
        admin_page.goto(url)
        expect(admin_page.get_by_role("heading", level=1)).to_be_visible()
        accessibility.check(admin_page, name)
    accessibility.assert_clean()
