"""From a teacher's concern to a safeguarding case, in a real browser.

The other browser tests take each part on its own (recording, alerts and triage, the case's
life to closure); this one joins them where a practitioner crosses from one to the next: the
DSL reads the alert, acts, and opens a High case from triage with the concern linked to it.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from haven.cases import services as case_services
from haven.cases.models import SafeguardingCase
from haven.configuration.services import seed_organisation
from haven.safeguarding.models import ConcernAction, TriageDecision
from haven.safeguarding.taxonomy import seed_safeguarding
from haven.safeguarding.tests.records import concern_records, make_child

pytestmark = pytest.mark.browser

BRUISE = {"side": "front", "x": 40, "y": 30, "kind": "bruise", "size": "3 cm", "note": ""}


def test_the_dsl_turns_a_teachers_concern_into_a_high_case(
    page, staff_member, dsl, key_person, sign_in_browser, accessibility
):
    org = dsl.organisation
    seed_organisation(org)
    seed_safeguarding(org)
    case_services.thresholds_seed(org)
    babs = make_child(dsl, "Babs", "Bunny", date(2018, 4, 2))
    bugs = make_child(dsl, "Bugs", "Bunny", date(2018, 9, 9))
    concern = concern_records(
        staff_member,
        babs,
        linked=[bugs],
        alert_people=[dsl],
        body_map=[
            {"side": "front", "x": 40, "y": 30, "kind": "bruise", "size": "3 cm", "note": ""}
        ],
    ).concern
    sign_in_browser(page, dsl)

    # The alert: the DSL reads the concern, adds an action for Babs and marks it read.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Alerts")
    ).click()
    page.get_by_role("link", name=f"Concern {concern.number}").click()
    page.get_by_label("Babs Bunny").check()
    page.get_by_label("Action", exact=True).fill("Spoke to Babs with her class teacher at 14:10.")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("status").first).to_contain_text("Action added")
    page.get_by_role("button", name="Mark as read").click()

    # Triage: open a safeguarding case for Babs.
    page.goto("/concerns/triage/")
    page.get_by_role("table").get_by_role("link", name=re.compile(f"{concern.number}")).click()
    page.get_by_label("Open a safeguarding case").check()
    page.get_by_label("Open the safeguarding case for").select_option(label="Babs Bunny")
    page.get_by_label("Rationale").fill(
        "Injury with a disclosure: the threshold for a case is met."
    )
    page.get_by_role("button", name="Record the decision").click()

    # The new-case form starts from the concern: the child, and when it happened.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Babs Bunny")
    accessibility.check(page, "new case from triage")
    page.get_by_label("Type", exact=True).select_option(label="Safeguarding")
    page.get_by_label("Category", exact=True).select_option(index=1)
    page.get_by_label("High — update within 7 days").check()
    page.get_by_label("Description").fill("Bruise to the upper arm after a push in the playground.")
    page.get_by_label("Raised with: name").fill("Dana Lead")
    page.get_by_label("Raised with: job title").fill("DSL")
    page.get_by_label("Actions agreed").fill("Key person to check in with Babs each morning.")
    page.get_by_label("Case owner (key person)").select_option(value=str(key_person.pk))
    page.get_by_role("button", name="Open the case").click()

    # The case page links the concern; the concern shows the decision.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Safeguarding case")
    linked = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Linked")))
    expect(linked.get_by_role("link", name=f"Concern {concern.number}")).to_be_visible()
    accessibility.check(page, "case opened from a concern")
    case = SafeguardingCase.objects.for_org(org).get()
    assert case.child == babs and case.threshold.name == "High"
    assert case.owner == key_person and case.next_update_due is not None
    assert list(case.concerns.all()) == [concern]
    decision = TriageDecision.objects.for_org(org).get(concern=concern)
    assert decision.outcome == TriageDecision.Outcome.OPEN_CASE
    assert ConcernAction.objects.for_org(org).get(concern=concern).child == babs
    accessibility.assert_clean()
