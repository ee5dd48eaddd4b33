"""The workforce in a real browser: a volunteer added, inducted and trained; the matrix
turning green, then overdue three years on, with the line manager reminded."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from haven.configuration.services import seed_organisation
from haven.core import clock
from haven.notifications.models import Kind, Notification
from haven.workforce.models import StaffMember, TrainingRecord

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_an_administrator_adds_a_volunteer_and_three_years_later_the_manager_is_reminded(
    page, new_context, admin, manager, sign_in_browser, accessibility
):
    seed_organisation(admin.organisation)
    sign_in_browser(page, admin)

    page.get_by_role("link", name="Workforce", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workforce")
    accessibility.check(page, "workforce home")

    # A course first.
    page.locator(".subnav").get_by_role("link", name="Courses").click()
    accessibility.check(page, "courses")
    page.get_by_role("link", name="Add a course").click()
    accessibility.check(page, "add a course")
    page.get_by_label("Name", exact=True).fill("Safeguarding children (level 2)")
    page.locator("fieldset", has_text="Levels it covers").get_by_label("Level 1").check()
    page.locator("fieldset", has_text="Levels it covers").get_by_label("Level 2").check()
    page.get_by_label("Recognising the signs of abuse and neglect").check()
    page.get_by_role("button", name="Save course").click()
    expect(page.get_by_role("link", name="Safeguarding children (level 2)")).to_be_visible()

    # The volunteer, who will never sign in to Haven.
    page.locator(".subnav").get_by_role("link", name="Add a person").click()
    accessibility.check(page, "add a person")
    page.get_by_label("Full name").fill("Vera Volunteer")
    page.get_by_label("Post or role").fill("Play worker")
    page.get_by_label("Volunteer", exact=True).check()
    page.get_by_label(re.compile(r"^Level 2: ")).check()
    page.get_by_label("Started with the organisation").fill(f"{clock.today():%d/%m/%Y}")
    page.get_by_label("Line manager").select_option(str(manager.pk))
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vera Volunteer")
    accessibility.check(page, "staff record")
    vera = StaffMember.objects.for_org(admin.organisation).get()
    assert vera.user is None and vera.is_volunteer and vera.level == 2

    # Induction: every item, today.
    page.get_by_role("link", name="Sign off induction items").click()
    accessibility.check(page, "induction")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("induction items signed off")).to_be_visible()

    # The DBS check.
    page.get_by_role("link", name="Record a DBS check").click()
    expect(page.get_by_label("Certificate number")).to_be_visible()
    accessibility.check(page, "DBS check")
    page.get_by_label("Enhanced with barred list").check()
    page.get_by_label("Certificate number").fill("0012 3456 7890")
    page.get_by_label("Date of issue").fill(f"{clock.today():%d/%m/%Y}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("DBS check recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="001234567890")).to_be_visible()

    # The course, with its certificate.
    page.get_by_role("link", name="Record training").click()
    accessibility.check(page, "record training")
    page.get_by_label("Course").select_option(label="Safeguarding children (level 2)")
    page.get_by_label("Date completed").fill(f"{clock.today():%d/%m/%Y}")
    page.get_by_label("Certificate").set_input_files(
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Training recorded.")).to_be_visible()
    assert TrainingRecord.objects.for_org(admin.organisation).get().has_certificate

    # The matrix is green.
    page.locator(".subnav").get_by_role("link", name="Compliance").click()
    accessibility.check(page, "compliance matrix")
    row = page.get_by_role("row", name=re.compile("Vera Volunteer"))
    expect(row.locator(".status--done")).to_have_count(3)
    expect(row.locator(".status--overdue, .status--missing, .status--due")).to_have_count(0)
    expect(page.get_by_text("1 fully up to date")).to_be_visible()

    # Three years on: the reminders go out, and the matrix shows it overdue.
    with clock.travel(timedelta(days=3 * 366)):
        call_command("send_reminders")
        later = new_context().new_page()
        sign_in_browser(later, admin)
        later.goto("/workforce/compliance/")
        row = later.get_by_role("row", name=re.compile("Vera Volunteer"))
        expect(row.locator(".status--overdue")).to_have_count(2)  # training and DBS
        expect(row).to_contain_text("Overdue")

        reminded = Notification.objects.for_org(admin.organisation).filter(
            recipient=manager, kind=Kind.TRAINING_DUE
        )
        titles = sorted(reminded.values_list("title", flat=True))
        assert titles == [
            "Vera Volunteer: DBS check: renewal is overdue",
            "Vera Volunteer: “Safeguarding children (level 2)” has expired",
        ]
        managers = new_context().new_page()
        sign_in_browser(managers, manager)
        managers.goto("/notifications/")
        expired = "Vera Volunteer: “Safeguarding children (level 2)” has expired"
        expect(managers.get_by_text(expired, exact=True)).to_be_visible()
        managers.goto(f"/workforce/staff/{vera.pk}/")
        expect(managers.get_by_role("heading", level=1)).to_have_text("Vera Volunteer")
        expect(managers.get_by_text("Book it now")).to_be_visible()
        # Shown masked to a line manager.
        expect(managers.get_by_text("001234567890")).to_have_count(0)
    accessibility.assert_clean()


def test_every_other_workforce_page_passes_the_accessibility_checks(
    page, new_context, admin, dsl, staff_member, leader, sign_in_browser, accessibility
):
    from haven.workforce import services
    from haven.workforce.tests.records import workforce_records

    records = workforce_records(admin, None)
    services.staff_create(
        actor=admin,
        data={
            "full_name": staff_member.full_name,
            "user": staff_member,
            "post_title": "Teacher",
            "kind": "paid",
            "level": 2,
            "started_on": clock.today() - timedelta(days=4 * 365),
        },
    )
    sign_in_browser(page, admin)
    for path, name in (
        ("/workforce/sessions/new/", "record a session"),
        ("/workforce/settings/", "workforce settings"),
        ("/workforce/analyses/", "learning-needs analyses"),
        ("/workforce/analyses/new/", "new learning-needs analysis"),
        (f"/workforce/analyses/{records.analysis.pk}/", "learning-needs analysis"),
        (f"/workforce/analyses/{records.analysis.pk}/activities/new/", "add an activity"),
        (f"/workforce/courses/{records.course.pk}/", "edit a course"),
        (f"/workforce/staff/{records.staff.pk}/edit/", "edit a staff record"),
        ("/workforce/compliance/counts/", "compliance counts"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        accessibility.check(page, name)

    # A bulk entry with a problem marks the row.
    page.goto("/workforce/sessions/new/")
    page.get_by_label("Course").select_option(label=records.course.name)
    page.get_by_label("Date of the session").fill(f"{clock.today():%d/%m/%Y}")
    page.get_by_role("checkbox", name="Vera Volunteer").check()
    page.get_by_role("button", name="Record the session").click()
    expect(page.get_by_text("already has this course on")).to_be_visible()
    accessibility.check(page, "record a session, with a row refused")

    staff_page = new_context().new_page()
    sign_in_browser(staff_page, staff_member, second_factor=None)
    expect(staff_page.get_by_role("heading", name="Your safeguarding training")).to_be_visible()
    staff_page.get_by_role("link", name="My training").click()
    expect(staff_page.get_by_role("heading", name="What you need to do next")).to_be_visible()
    accessibility.check(staff_page, "my training")

    leader_page = new_context().new_page()
    sign_in_browser(leader_page, leader, second_factor=None)
    leader_page.get_by_role("link", name="Workforce", exact=True).click()
    leader_page.get_by_role("link", name="Compliance counts").click()
    expect(leader_page.get_by_role("heading", level=1)).to_contain_text("counts")
    accessibility.check(leader_page, "counts for a governor")

    dsl_page = new_context().new_page()
    sign_in_browser(dsl_page, dsl)
    expect(dsl_page.get_by_role("heading", name="Safeguarding training expired")).to_be_visible()
    accessibility.check(dsl_page, "home with the expired-training panel")
    accessibility.assert_clean()
