"""A police report through the whole front door, in a real browser.

The other front-door browser tests check each page type on its own; this one joins them where
one practitioner hands to the next: the screening officer logs a police report about two
children and finds the family not known, the senior practitioner rates it Amber (child
protection), the MASH gathers answers from three agencies (the police's marked "do not pass
on"), and the MASH manager sets Red and sends it to a social work team. The onward record and
the referrer's email leave out the protected answer; the clock shows it was met.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from haven.access import roles
from haven.frontdoor.models import AgencyKind, Contact, Status
from haven.frontdoor.testing import agency, make_front_door, make_staff

pytestmark = pytest.mark.browser

POLICE_SECRET = "Father is under investigation for supplying drugs from the family home."
HEALTH_ANSWER = "Both children missed their last two health visitor appointments."
EDUCATION_ANSWER = "Attendance 79% this term; the elder child arrived hungry twice last week."
REFERRER = "pc.reid@police.example"
# A one-page PDF, as the police send their reports.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def people(db):
    front_door = make_front_door()

    def partner(name, kind):
        return make_staff(
            front_door, roles.PARTNER_AGENCY_MEMBER, name, agencies=[agency(front_door, kind)]
        )

    return {
        "front_door": front_door,
        "screening": make_staff(front_door, roles.SCREENING_OFFICER, "Sam Screener"),
        "senior": make_staff(front_door, roles.SENIOR_PRACTITIONER, "Priya Senior"),
        "manager": make_staff(front_door, roles.MASH_MANAGER, "Morgan Manager", teams=["MASH"]),
        "worker": make_staff(front_door, roles.SOCIAL_WORKER, "Sasha Worker", teams=["MASH"]),
        "police": partner("Percy Police", AgencyKind.POLICE),
        "health": partner("Hana Health", AgencyKind.HEALTH),
        "education": partner("Eddie Education", AgencyKind.EDUCATION),
    }


def _group(page, name: str):
    return page.get_by_role("group", name=re.compile(re.escape(name)))


def _add_child(page, first: str, last: str, born: str) -> None:
    summary = page.get_by_text("Add a child not in the records")
    # The section stays open after a child is added, ready for the next.
    if page.locator("details", has=summary).get_attribute("open") is None:
        summary.click()
    page.get_by_label("First name").first.fill(first)
    page.get_by_label("Last name").first.fill(last)
    page.get_by_label("Date of birth").first.fill(born)
    page.get_by_role("button", name="Add this child").click()
    expect(page.get_by_role("status").first).to_contain_text(f"{first} {last} has been added")


def _log_police_report(page) -> None:
    page.goto("/front-door/contacts/new/")
    _group(page, "Where the contact came from").get_by_label("Police report").check()
    _group(page, "The police's RAG rating").get_by_label("Amber").check()
    page.get_by_label("The police report").set_input_files(
        {"name": "police-report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Referrer's name").fill("PC Jordan Reid")
    page.get_by_label("Their role").fill("Police constable")
    page.get_by_label("Agency or setting").fill("Northborough Police")
    page.get_by_label("Email").fill(REFERRER)
    _add_child(page, "Ivy", "Thornbury", "14/03/2016")
    _add_child(page, "Alfie", "Thornbury", "02/09/2019")
    page.get_by_label("What the concerns are").fill(
        "Police called to a disturbance at the home overnight; both children present and "
        "frightened, the kitchen without food."
    )
    _group(page, "Have the parents or carers been told").get_by_label("Yes").check()
    _group(page, "Consent to the referral").get_by_label("Given").check()
    page.get_by_role("button", name="Log the contact").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contact")


def _answer(page, question_page: str, summary: str, *, pass_on: bool, family: bool) -> None:
    page.goto(question_page)
    page.get_by_label("What your agency holds").fill(summary)
    _group(page, "May this be passed on").get_by_label("Yes" if pass_on else "No").check()
    _group(page, "May this be shared with the family").get_by_label(
        "Yes" if family else "No"
    ).check()
    page.get_by_role("button", name="Send the answer to the MASH").click()
    expect(page.get_by_role("status").first).to_be_visible()


def test_a_police_report_goes_from_screening_through_the_mash_to_a_social_work_team(
    new_context, people, sign_in_browser, accessibility
):
    def signed_in(who: str):
        page = new_context().new_page()
        sign_in_browser(page, people[who])
        return page

    # The screening officer logs the report with both children and finds them not known.
    screening = signed_in("screening")
    _log_police_report(screening)
    contact = Contact.objects.for_org(people["front_door"]).get()
    assert contact.people.filter(role="child").count() == 2
    assert [m.subject for m in mail.outbox if m.to == [REFERRER]]  # the acknowledgement
    screening.get_by_role("link", name="Screen the contact").click()
    screening.get_by_label("Not known").check()
    screening.get_by_label("What you checked and found").fill(
        "Neither child nor the adults are on our records or the flags."
    )
    screening.get_by_role("button", name="Save the screening").click()
    expect(screening.get_by_role("status").first).to_be_visible()

    # The senior practitioner rates it Amber (child protection): it goes to the MASH manager.
    senior = signed_in("senior")
    senior.goto(f"/front-door/contacts/{contact.pk}/rate/")
    senior.get_by_label("Amber (child protection)").check()
    senior.get_by_label("Rationale").fill("Domestic incident with both children present.")
    senior.get_by_role("button", name="Save the rating").click()
    contact.refresh_from_db()
    assert contact.status == Status.MASH_MANAGER

    # The MASH manager confirms the rating, which starts the MASH's 24 hours.
    manager = signed_in("manager")
    manager.goto(f"/front-door/contacts/{contact.pk}/mash/")
    manager.get_by_role("link", name="Review the rating").click()
    manager.get_by_label("Amber (child protection)").check()
    manager.get_by_label("Why").fill("Agreed: gather partner information today.")
    manager.get_by_role("button", name="Record the review").click()
    contact.refresh_from_db()
    assert contact.status == Status.INFORMATION_GATHERING

    # The MASH social worker records that the family was told, then asks three agencies.
    worker = signed_in("worker")
    worker.goto(f"/front-door/contacts/{contact.pk}/mash/")
    _group(worker, "Was the family told that checks will be made").get_by_label("Yes").check()
    worker.get_by_role("button", name="Save what the family was told").click()
    for name in ("Police", "Health", "Education"):
        worker.get_by_role("group", name="Agencies to ask").get_by_label(
            re.compile(f"^{name}")
        ).check()
    worker.get_by_label("What the MASH needs to know").fill("What do you hold on this family?")
    worker.get_by_role("button", name="Send the requests").click()
    expect(
        worker.get_by_role("heading", name=re.compile(r"Information requests \(3\)"))
    ).to_be_visible()
    accessibility.check(worker, "MASH workspace while gathering")

    # Each partner sees only their own agency's request; the police's may not be passed on.
    requests = {r.agency.kind: r for r in contact.information_requests.select_related("agency")}
    answers = [
        ("police", AgencyKind.POLICE, POLICE_SECRET, False, False),
        ("health", AgencyKind.HEALTH, HEALTH_ANSWER, True, True),
        ("education", AgencyKind.EDUCATION, EDUCATION_ANSWER, True, False),
    ]
    for who, kind, summary, pass_on, family in answers:
        partner = signed_in(who)
        partner.goto("/front-door/requests/")
        expect(partner.get_by_role("link", name=re.compile(contact.reference))).to_have_count(1)
        _answer(
            partner,
            f"/front-door/requests/{requests[kind].pk}/",
            summary,
            pass_on=pass_on,
            family=family,
        )

    # Three answers make a MASH record.
    worker.goto(f"/front-door/contacts/{contact.pk}/mash/")
    worker.get_by_role("link", name="Complete the MASH record").click()
    worker.get_by_label("Summary of each agency's information").fill(
        f"Health: {HEALTH_ANSWER}\nEducation: {EDUCATION_ANSWER}\nPolice: information held."
    )
    worker.get_by_label("Analysis").fill(
        "Neglect and domestic abuse indicators from three agencies."
    )
    worker.get_by_role("group", name="Recommended level of need").get_by_label("Red").check()
    worker.get_by_label("Recommended action").fill("Allocate to a social work team today.")
    worker.get_by_role("button", name="Complete and pass to the MASH manager").click()
    contact.refresh_from_db()
    assert contact.status == Status.MASH_DECISION

    # The MASH manager sets Red and sends it to a social work team.
    manager.goto(f"/front-door/contacts/{contact.pk}/mash/")
    manager.get_by_role("link", name="Decide").click()
    manager.get_by_role("group", name="Final RAG rating").get_by_label("Red").check()
    manager.get_by_label("Why").fill("Three agencies' information shows significant harm.")
    _group(manager, "What happens next").get_by_label("Social work team", exact=True).check()
    manager.get_by_role("combobox", name="Social work team").select_option(
        label="Social work team A"
    )
    manager.get_by_label("Feedback to the referrer").fill(
        "Passed to a social work team for an assessment."
    )
    manager.get_by_role("button", name="Decide and pass on").click()
    onward = manager.get_by_role("region", name="The onward record")
    expect(onward).to_contain_text("Social work team A")
    expect(onward).to_contain_text(HEALTH_ANSWER)
    expect(onward).not_to_contain_text("investigation for supplying")
    accessibility.check(manager, "MASH workspace after the decision")

    # The clock the MASH worked to was met.
    manager.goto(f"/front-door/contacts/{contact.pk}/")
    timescales = manager.get_by_role("table", name="Every timescale the contact has run against")
    expect(timescales).to_contain_text("Met")
    expect(timescales).not_to_contain_text("Missed")
    contact.refresh_from_db()
    assert contact.status == Status.DECIDED

    # The referrer hears the outcome, without the police's protected answer or the names.
    outcome = [m for m in mail.outbox if m.to == [REFERRER]][-1]
    assert contact.reference in outcome.subject
    assert "social work team" in outcome.body.lower()
    assert "supplying" not in outcome.body
    assert "Thornbury" not in outcome.subject
    accessibility.assert_clean()
