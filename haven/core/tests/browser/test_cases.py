"""Safeguarding cases in a real browser: from opening a High case in a family centre
engagement to the line manager approving its closure, with the engagement still open."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from haven.cases import services as case_services
from haven.cases.models import SafeguardingCase, Status
from haven.configuration.services import seed_organisation
from haven.core import clock
from haven.people import services as people_services
from haven.programmes import services as programme_services
from haven.programmes.models import Stage

pytestmark = pytest.mark.browser


def _add_monitoring(page, what: str) -> None:
    page.get_by_role("link", name="Add a monitoring action").click()
    page.get_by_label("Their job title or role").fill("Key person")
    page.get_by_label("What was done").fill(what)
    page.get_by_label("Our staff").check()
    page.get_by_label("Why these actions were taken").fill("Agreed when the case opened.")
    page.get_by_role("button", name="Save the monitoring action").click()
    expect(page.get_by_text("The monitoring action has been added")).to_be_visible()


def _request_closure(page, comments: str) -> None:
    page.get_by_role("link", name="Request closure").click()
    page.get_by_label("Why the case can close").fill(comments)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Your closure request has gone to Max Manager")).to_be_visible()


def _decide(page, case, decision: str, comment: str) -> None:
    page.goto("/cases/")
    page.get_by_role("link", name=re.compile(rf"Case {case.reference}")).click()
    page.get_by_label(decision).check()
    page.get_by_label("Comment").fill(comment)
    page.get_by_role("button", name="Record the decision").click()


def test_a_case_from_opening_through_overdue_to_approved_closure(
    page, new_context, key_person, manager, dsl, admin, sign_in_browser, accessibility
):
    org = key_person.organisation
    seed_organisation(org)
    case_services.thresholds_seed(org)
    centre = programme_services.programme_save(
        actor=admin, data={"name": "St Francis Family Centre", "code": "SF", "status": "active"}
    )
    child = people_services.person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Leo",
            "last_name": "Brennan",
            "date_of_birth": clock.today() - timedelta(days=3 * 365),
        },
        address={"address_line_1": "4 Mill Lane"},
        duplicate_reason="test data",
    )
    engagement = programme_services.engagement_create(
        actor=key_person,
        child=child,
        programme=centre,
        data={"referral_date": clock.today() - timedelta(days=30), "key_person": key_person},
    )
    sign_in_browser(page, key_person)

    # The key person opens a High case from the child's engagement.
    page.goto(f"/engagements/{engagement.pk}/")
    page.get_by_role("link", name="New safeguarding case").click()
    accessibility.check(page, "new safeguarding case")
    page.get_by_label("Type", exact=True).select_option(label="Safeguarding")
    page.get_by_label("Category", exact=True).select_option(label="Domestic abuse")
    page.get_by_label("High — update within 7 days").check()
    page.get_by_label("Description").fill("Mum said at collection she is afraid to go home.")
    page.get_by_label("Raised with: name").fill("Dana Lead")
    page.get_by_label("Raised with: job title").fill("Centre manager")
    page.get_by_label("Actions agreed").fill("DSL to speak with mum privately today.")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding case 00000001")
    accessibility.check(page, "case page")
    case = SafeguardingCase.objects.for_org(org).get()
    assert case.engagement == engagement and case.threshold.name == "High"

    # A monitoring action; the next update falls due a week later.
    page.get_by_role("link", name="Add a monitoring action").click()
    accessibility.check(page, "monitoring action form")
    page.go_back()
    _add_monitoring(page, "DSL met mum and gave her the helpline number.")
    expect(page.get_by_text("Status: Monitoring")).to_be_visible()

    with clock.travel(timedelta(days=8)):
        # Eight days on with no update (and signed in again: a sign-in lasts 12 hours), the
        # case shows as overdue, here and at home.
        sign_in_browser(page, key_person)
        page.goto(f"/cases/{case.pk}/")
        expect(page.locator("main").get_by_text("Overdue", exact=True).first).to_be_visible()
        page.goto("/")
        panel = page.locator(
            "section", has=page.get_by_role("heading", name="My safeguarding cases")
        )
        expect(panel.get_by_text("1 overdue")).to_be_visible()
        accessibility.check(page, "home with an overdue case")
        page.goto(f"/cases/{case.pk}/")

        # The owner asks for closure; it goes to their line manager by default.
        page.get_by_role("link", name="Request closure").click()
        accessibility.check(page, "closure request form")
        page.go_back()
        _request_closure(page, "Mum is working with the outreach service; actions are done.")

        # The manager rejects it: the case goes back to monitoring.
        manager_page = new_context().new_page()
        sign_in_browser(manager_page, manager)
        manager_page.goto("/cases/")
        manager_page.get_by_role("link", name=re.compile(rf"Case {case.reference}")).click()
        accessibility.check(manager_page, "closure decision form")
        manager_page.go_back()
        _decide(manager_page, case, "Reject: keep monitoring", "Wait for the outreach review.")
        expect(manager_page.get_by_text("goes back to monitoring")).to_be_visible()
        expect(manager_page.get_by_text("Status: Monitoring")).to_be_visible()

        # The owner adds an update and asks again; this time the manager approves.
        page.reload()
        _add_monitoring(page, "Outreach review held; mum and Leo are safe at a refuge.")
        _request_closure(page, "The outreach review is done and the family is safe.")
        _decide(manager_page, case, "Approve: close the case", "Agreed.")
        expect(
            manager_page.get_by_text(f"Safeguarding case {case.reference} is closed")
        ).to_be_visible()

        # The approval history shows both requests; the engagement is still open.
        history = manager_page.locator("table", has_text="Approver")
        expect(history.get_by_text("Rejected")).to_be_visible()
        expect(history.get_by_text("Approved")).to_be_visible()
        manager_page.get_by_role("link", name=engagement.name).click()
        expect(manager_page.get_by_text("Stage: In progress")).to_be_visible()

    case.refresh_from_db()
    engagement.refresh_from_db()
    assert case.status == Status.CLOSED
    assert engagement.stage == Stage.IN_PROGRESS
    accessibility.assert_clean()


def test_thresholds_and_tasks_pages_are_accessible(
    page, admin, key_person, sign_in_browser, new_context, accessibility
):
    case_services.thresholds_seed(admin.organisation)
    sign_in_browser(page, admin)
    page.goto("/administration/case-thresholds/")
    expect(page.get_by_role("cell", name="High", exact=True)).to_be_visible()
    accessibility.check(page, "case thresholds")

    key_page = new_context().new_page()
    sign_in_browser(key_page, key_person)
    key_page.goto("/tasks/")
    key_page.get_by_label("Task", exact=True).fill("Ring the health visitor")
    key_page.get_by_role("button", name="Add the task").click()
    expect(key_page.get_by_role("cell", name="Ring the health visitor", exact=True)).to_be_visible()
    accessibility.check(key_page, "my tasks")
    key_page.get_by_role("button", name=re.compile("^Mark done.*Ring the health visitor")).click()
    expect(key_page.get_by_text("“Ring the health visitor” is done.")).to_be_visible()
    accessibility.assert_clean()


def test_a_dsl_opens_a_school_case_records_the_local_authority_and_reopens_it(
    page, dsl, key_person, manager, sign_in_browser, accessibility
):
    org = dsl.organisation
    seed_organisation(org)
    case_services.thresholds_seed(org)
    child = people_services.person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Tyler",
            "last_name": "Okoro",
            "date_of_birth": clock.today() - timedelta(days=8 * 365),
        },
        address={"address_line_1": "4 Mill Court"},
        duplicate_reason="test data",
    )
    people_services.flag_start(person=child, actor=dsl, flag="cin_plan", start_date=clock.today())
    sign_in_browser(page, dsl)

    # From the child's record: the form says why the case starts at High.
    page.goto(f"/people/{child.pk}/?tab=cases")
    accessibility.check(page, "child's safeguarding cases tab")
    page.get_by_role("link", name="Open a safeguarding case").click()
    expect(page.get_by_text("active child in need plan")).to_be_visible()
    expect(page.get_by_label("High — update within 7 days")).to_be_checked()
    page.get_by_label("Type", exact=True).select_option(label="Safeguarding")
    page.get_by_label("Category", exact=True).select_option(label="Neglect")
    page.get_by_label("Description").fill("Came to school hungry all week.")
    page.get_by_label("Raised with: name").fill("Dee Lawson")
    page.get_by_label("Raised with: job title").fill("Deputy head")
    page.get_by_label("Actions agreed").fill("Breakfast club; ring the social worker.")
    page.get_by_label("Case owner (key person)").select_option(value=str(key_person.pk))
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding case 00000001")
    case = SafeguardingCase.objects.for_org(org).get()
    assert case.engagement is None

    # The DSL records that the local authority was notified.
    page.get_by_role("link", name="Record local authority notification").click()
    accessibility.check(page, "local authority notified form")
    page.get_by_label("Date notified").fill(f"{clock.today():%d/%m/%Y}")
    page.get_by_label("Time notified").fill("00:01")
    page.get_by_label("Local authority reference").fill("FD-2291")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("reference FD-2291")).to_be_visible()

    # The DSL edits the details: the change shows in the case's history.
    page.get_by_role("link", name="Edit the case details").click()
    expect(page.get_by_text("active child in need plan")).to_be_visible()
    accessibility.check(page, "edit case details form")
    page.get_by_label("Other notifications").fill("Told the school nurse.")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_text("has been updated: other notifications")).to_be_visible()
    edits = page.locator("table", has_text="Before")
    expect(edits.get_by_role("cell", name="Told the school nurse.")).to_be_visible()

    # Closed with the manager's approval, then reopened by the DSL with a reason.
    closure = case_services.case_request_closure(
        case=case, actor=key_person, approver=manager, comments="All done."
    )
    case_services.case_decide_closure(closure=closure, actor=manager, approve=True, comment="Yes")
    page.reload()
    page.get_by_role("link", name="Reopen the case").click()
    accessibility.check(page, "reopen form")
    page.get_by_label("Reason for reopening").fill("A new worry from the school nurse.")
    page.get_by_role("button", name="Reopen").click()
    expect(page.get_by_text("Status: Monitoring")).to_be_visible()
    accessibility.assert_clean()
