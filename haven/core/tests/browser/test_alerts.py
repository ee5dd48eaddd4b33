"""Alerts and triage in a real browser: the DSL reads an alert, adds an action, marks it
read and records a triage decision."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from haven.core.testing.factories import UserFactory
from haven.safeguarding.models import Alert, Concern, ConcernAction, TriageDecision
from haven.safeguarding.taxonomy import seed_safeguarding
from haven.safeguarding.tests.records import concern_records, make_child

pytestmark = pytest.mark.browser


def test_the_dsl_reads_an_alert_acts_marks_it_read_and_triages(
    page, dsl, sign_in_browser, accessibility
):
    org = dsl.organisation
    seed_safeguarding(org)
    teacher = UserFactory(organisation=org, full_name="Tess Teacher", roles=["staff"])
    wilma = make_child(dsl, "Wilma", "Waters")
    sam = make_child(dsl, "Sam", "Waters")
    older = concern_records(teacher, wilma, alert_people=[dsl]).concern
    newer = concern_records(teacher, sam, alert_people=[dsl], linked=[wilma]).concern
    sign_in_browser(page, dsl)

    # The Alerts link counts what is unread; the inbox lists it newest first.
    alerts_link = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Alerts")
    )
    expect(alerts_link).to_contain_text("2")
    alerts_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My alerts")
    accessibility.check(page, "alerts inbox")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.nth(1)).to_contain_text(f"Concern {newer.number}")
    expect(rows.nth(2)).to_contain_text(f"Concern {older.number}")

    # Open the newest: the concern, and an action for one of its two children.
    page.get_by_role("link", name=f"Concern {newer.number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Concern {newer.number}")
    accessibility.check(page, "an alert")
    page.get_by_label("Wilma Waters").check()
    page.get_by_label("Action", exact=True).fill("Rang mum at 15:20; she will come in tomorrow.")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("status").first).to_contain_text("Action added")
    expect(page.get_by_text("Rang mum at 15:20; she will come in tomorrow.")).to_be_visible()
    action = ConcernAction.objects.for_org(org).get(concern=newer)
    assert (action.child_id, action.created_by_id) == (wilma.pk, dsl.pk)

    # Mark it read: Haven goes on to the next unread alert.
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Concern {older.number}")
    assert Alert.objects.for_org(org).get(concern=newer, recipient=dsl).read_at is not None
    expect(alerts_link).to_contain_text("1")

    # Triage the older concern from the queue.
    page.goto("/concerns/triage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Concerns awaiting triage")
    accessibility.check(page, "triage queue")
    queue = page.get_by_role("table").get_by_role("row")
    expect(queue.nth(1)).to_contain_text(f"Concern {older.number}")
    queue.nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Decision on concern {older.number}")
    accessibility.check(page, "triage decision form")

    # A referral needs to say where: the form says so and keeps the rationale.
    page.get_by_label("Refer on").check()
    page.get_by_label("Rationale").fill("Disclosure of harm at home; threshold met for a referral.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose where the concern is referred.")
    expect(page.get_by_label("Rationale")).to_have_value(
        "Disclosure of harm at home; threshold met for a referral."
    )
    accessibility.check(page, "triage decision form with an error")
    page.get_by_label("Refer to", exact=True).select_option(label="Police")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concerns awaiting triage")
    expect(page.get_by_role("status").first).to_contain_text("Decision recorded")
    decision = TriageDecision.objects.for_org(org).get(concern=older)
    assert (decision.outcome, decision.refer_to) == ("refer", "police")
    assert Concern.unscoped.get(pk=older.pk).decided_at is not None

    # The concern page shows the decision and the actions.
    page.goto(f"/concerns/{newer.pk}/")
    expect(page.get_by_role("heading", name="Actions", exact=True)).to_be_visible()
    expect(page.get_by_text("Rang mum at 15:20; she will come in tomorrow.")).to_be_visible()
    page.goto(f"/concerns/{older.pk}/")
    expect(page.get_by_text("Refer on: Police").first).to_be_visible()
    accessibility.check(page, "concern page with actions and triage")


def test_the_dsl_acknowledges_a_cumulative_alert_and_asks_for_an_action(
    page, dsl, sign_in_browser, accessibility
):
    from haven.core import clock
    from haven.people import services as people_services
    from haven.safeguarding.models import CumulativeAlert

    org = dsl.organisation
    seed_safeguarding(org)
    teacher = UserFactory(organisation=org, full_name="Tess Teacher", roles=["staff"])
    mason = make_child(dsl, "Mason", "Reid")
    people_services.flag_start(person=mason, actor=dsl, flag="cp_plan", start_date=clock.today())
    concern = concern_records(teacher, mason).concern
    sign_in_browser(page, dsl)

    page.goto("/")
    page.get_by_role("link", name="All cumulative concern alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cumulative concern alerts")
    accessibility.check(page, "cumulative concern alerts")
    expect(page.get_by_role("table")).to_contain_text("child protection plan")
    page.get_by_role("button", name="Acknowledge the alert about Mason Reid").click()
    expect(page.get_by_role("status").first).to_contain_text("acknowledged")
    assert CumulativeAlert.objects.for_org(org).get().acknowledged_by == dsl

    # Ask the teacher for an action from the concern page.
    page.goto(f"/concerns/{concern.pk}/")
    page.get_by_role("link", name="Ask someone for an action").click()
    accessibility.check(page, "ask for an action")
    page.get_by_label("Who should add an action?").select_option(label="Tess Teacher, Teacher")
    page.get_by_label("What are you asking them to do?").fill("Please add what Mason said.")
    page.get_by_role("button", name="Send the alert").click()
    expect(page).to_have_url(re.compile(rf"/concerns/{concern.pk}/$"))
    alert = Alert.objects.for_org(org).get(recipient=teacher)
    assert alert.reason == "realert" and alert.message == "Please add what Mason said."

    # The standalone action page, as reached from an email link or a saved draft.
    page.goto(f"/concerns/{concern.pk}/actions/new/")
    accessibility.check(page, "add an action")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("alert")).to_contain_text("Write what was done.")
    accessibility.check(page, "add an action with an error")
