"""The front door's reports: their figures on small hand-built data, who may open them,
what leaders see, the CSV, the audit trail and the cost of a page."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.access import roles
from haven.audit.models import Action, AuditEvent
from haven.core import clock
from haven.frontdoor import reports
from haven.frontdoor.models import (
    AgencyKind,
    ContactClock,
    InformationRequest,
    Status,
)
from haven.frontdoor.testing import agency, make_contact, make_person, make_staff
from haven.reports.queries import Filters

pytestmark = pytest.mark.django_db


def ago(**delta):
    return clock.now() - timedelta(**delta)


def this_year() -> Filters:
    today = clock.today()
    return Filters(start=today - timedelta(days=300), end=today)


@pytest.fixture
def front_door_leader(front_door):
    return make_staff(front_door, roles.LEADER, "Lee Leader")


@pytest.fixture
def children(screening_officer):
    return [
        make_person(screening_officer, first=name, last="Brook", born=datetime.date(2016, 1, n))
        for n, name in enumerate(["Ada", "Ben", "Cal"], start=1)
    ]


@pytest.fixture
def contacts(front_door, children, screening_officer):
    """Six contacts in the period, one more than a year ago."""
    ada, ben, cal = children
    made = {
        "ada1": make_contact(front_door, children=[ada], received_at=ago(days=200)),
        "ada2": make_contact(front_door, children=[ada], received_at=ago(days=100)),
        "ada3": make_contact(
            front_door,
            children=[ada],
            received_at=ago(days=12),
            source="police",
            police_rag="red",
        ),
        "ben1": make_contact(front_door, children=[ben], received_at=ago(days=50)),
        "ben_old": make_contact(front_door, children=[ben], received_at=ago(days=400)),
        "cal1": make_contact(
            front_door,
            children=[cal],
            received_at=ago(hours=2),
            source="haven",
        ),
        "cal2": make_contact(front_door, children=[cal], received_at=ago(days=5)),
    }
    return made


def rows(figures):
    return {label: values for label, values in figures.rows}


def test_contacts_are_counted_by_source_in_the_period(front_door, mash_manager, contacts):
    figures = reports.contacts_by_source(mash_manager, front_door, this_year())
    assert rows(figures) == {
        "Police report": [1],
        "Telephone": [4],
        "Referral from a Haven organisation": [1],
    }


def test_contacts_are_counted_by_initial_and_final_rating(front_door, mash_manager, contacts):
    def rate(key, initial, final=""):
        contacts[key].initial_rag, contacts[key].final_rag = initial, final
        contacts[key].save()

    rate("ada1", "red", "amber_cp")
    rate("ada2", "green", "green")
    rate("ben1", "green")
    figures = reports.contacts_by_rating(mash_manager, front_door, this_year())
    assert rows(figures) == {
        "Red": [1, 0],
        "Amber (child protection)": [0, 1],
        "Green": [2, 1],
        "Not rated": [3, 4],
    }


def clock_row(contact, rating, *, hours_allowed, took=None, started_days_ago=1):
    start = ago(days=started_days_ago)
    return ContactClock.objects.create(
        organisation=contact.organisation,
        contact=contact,
        kind="red" if rating == "red" else "amber",
        rating=rating,
        started_at=start,
        due_at=start + timedelta(hours=hours_allowed),
        stopped_at=None if took is None else start + timedelta(hours=took),
    )


def test_decisions_within_timescale_are_read_from_the_clocks(front_door, mash_manager, contacts):
    clock_row(contacts["ada1"], "red", hours_allowed=4, took=3)
    clock_row(contacts["ada2"], "red", hours_allowed=4, took=6)
    clock_row(contacts["ben1"], "amber_cp", hours_allowed=24, took=20)
    clock_row(contacts["cal2"], "amber_cp", hours_allowed=24, took=None, started_days_ago=3)
    clock_row(contacts["ben_old"], "red", hours_allowed=4, took=9)  # before the period
    figures = reports.decisions_within_timescale(mash_manager, front_door, this_year())
    assert rows(figures) == {"Red": [1, 1, 0], "Amber (child protection)": [1, 0, 1]}
    assert figures.measure_values == [[50.0], [100.0]]


def test_outcomes_are_counted(front_door, mash_manager, contacts):
    for key, outcome in (("ada1", "early_help"), ("ada2", "early_help"), ("ben1", "nfa")):
        contacts[key].outcome, contacts[key].status = outcome, Status.DECIDED
        contacts[key].save()
    figures = reports.outcomes(mash_manager, front_door, this_year())
    assert rows(figures) == {"Early help": [2], "No further action": [1]}


def test_repeat_contacts_list_the_children_for_front_door_staff(front_door, mash_manager, contacts):
    figures = reports.repeat_contacts(mash_manager, front_door, this_year())
    # Ada: three in 12 months; Cal: two; Ben's earlier contact is over a year old.
    assert figures.rows == [("Ada Brook", [3]), ("Cal Brook", [2])]


def test_repeat_contacts_are_a_count_for_leaders(front_door, front_door_leader, contacts):
    figures = reports.repeat_contacts(front_door_leader, front_door, this_year())
    assert rows(figures) == {"Two contacts": [1], "Three contacts": [1], "Four or more": [0]}


def request_row(contact, kind, *, hours, late=False, answered=True):
    created = ago(days=2)
    row = InformationRequest.objects.create(
        organisation=contact.organisation,
        contact=contact,
        agency=agency(contact.organisation, kind),
        question="What do you know of the family?",
        due_at=created + timedelta(hours=hours - 1 if late else hours + 1),
        status="answered" if answered else "open",
        summary="Known to us." if answered else "",
        may_pass_on=True if answered else None,
        may_share_with_family=False if answered else None,
        answered_at=created + timedelta(hours=hours) if answered else None,
    )
    InformationRequest.objects.for_org(contact.organisation).filter(pk=row.pk).update(
        created_at=created
    )
    return row


def test_partner_response_times_give_the_median_and_90th_percentile(
    front_door, mash_manager, contacts
):
    request_row(contacts["ada1"], AgencyKind.HEALTH, hours=1)
    request_row(contacts["ada2"], AgencyKind.HEALTH, hours=10, late=True)
    request_row(contacts["ben1"], AgencyKind.HEALTH, hours=2)
    request_row(contacts["ada1"], AgencyKind.POLICE, hours=3)
    request_row(contacts["ben1"], AgencyKind.POLICE, hours=3, answered=False)
    figures = reports.partner_response_times(mash_manager, front_door, this_year())
    found = dict(zip([r[0] for r in figures.rows], figures.measure_values, strict=True))
    assert rows(figures) == {"Police": [1, 0, 1], "Health": [3, 1, 0]}
    median, p90, late = found["Health"]
    assert (round(median, 2), round(p90, 2), round(late, 1)) == (2.0, 10.0, 33.3)
    assert [round(v, 2) for v in found["Police"]] == [3.0, 3.0, 0.0]


def test_open_contacts_are_counted_by_age_and_where_they_wait(front_door, mash_manager, contacts):
    contacts["ada3"].status = Status.INFORMATION_GATHERING  # 12 days
    contacts["ada3"].save()
    contacts["ada1"].status = Status.DECIDED
    contacts["ada1"].save()
    figures = reports.awaiting_decision_by_age(mash_manager, front_door, this_year())
    table = rows(figures)
    assert table["Under 24 hours"] == [1, 0, 0, 0]  # Cal's, two hours old
    assert table["3 to 10 days"] == [1, 0, 0, 0]  # Cal's other, five days
    assert table["Over 30 days"] == [3, 0, 0, 0]  # Ada's second, Ben's two
    assert table["10 to 30 days"] == [0, 1, 0, 0]


# --- Pages -----------------------------------------------------------------------------------


SLUGS = sorted(reports.REPORTS)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_report_opens_for_the_mash_manager_and_is_audited(
    slug, mash_manager, contacts, sign_in
):
    client = sign_in(mash_manager)
    response = client.get(f"/front-door/reports/{slug}/")
    assert response.status_code == 200
    assert b"<svg" in response.content and b"<caption" in response.content
    event = AuditEvent.objects.filter(actor=mash_manager, action=Action.VIEW).last()
    assert event.detail["report"] == slug
    csv = client.get(f"/front-door/reports/{slug}/csv/")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")


def test_the_index_lists_the_reports(senior_practitioner, early_help_manager, sign_in):
    for user in (senior_practitioner, early_help_manager):
        response = sign_in(user).get("/front-door/reports/")
        assert response.status_code == 200
        assert b"Repeat contacts about the same child" in response.content


@pytest.mark.parametrize("persona", ["screening_officer", "social_worker", "police_member"])
def test_front_door_staff_without_a_reporting_role_are_refused(persona, request, sign_in):
    client = sign_in(request.getfixturevalue(persona))
    assert client.get("/front-door/reports/").status_code == 403
    assert client.get("/front-door/reports/outcomes/").status_code == 403


@pytest.mark.parametrize("persona", ["dsl", "leader_of_school", "manager"])
def test_school_staff_are_refused(persona, request, sign_in, org):
    if persona == "leader_of_school":
        user = request.getfixturevalue("leader")  # the root persona: a school governor
    else:
        user = request.getfixturevalue(persona)
    assert user.organisation == org
    client = sign_in(user)
    assert client.get("/front-door/reports/").status_code == 403
    assert client.get("/front-door/reports/outcomes/csv/").status_code == 403


def test_an_unknown_report_is_not_found(mash_manager, sign_in):
    assert sign_in(mash_manager).get("/front-door/reports/nonsense/").status_code == 404


def test_leaders_see_suppressed_counts_and_no_names(
    front_door, front_door_leader, contacts, sign_in
):
    client = sign_in(front_door_leader, elevated=False)
    response = client.get("/front-door/reports/repeat-contacts/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ada" not in text and "Cal" not in text
    shown = response.context["shown"]
    assert [row[1] for row in shown.rows] == ["<5", "<5", "<5"]
    response = client.get("/front-door/reports/contacts-by-source/")
    assert {row[0]: row[1] for row in response.context["shown"].rows}["Telephone"] == "<5"


def test_a_bad_date_range_is_explained(mash_manager, sign_in):
    response = sign_in(mash_manager).get(
        "/front-door/reports/outcomes/", {"date_from": "10/05/2026", "date_to": "01/05/2026"}
    )
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()


@pytest.mark.parametrize("slug", SLUGS)
def test_a_report_costs_the_same_however_many_contacts(
    slug, front_door, mash_manager, children, sign_in, django_assert_num_queries
):
    client = sign_in(mash_manager)
    make_contact(front_door, children=[children[0]], received_at=ago(days=3))
    with CaptureQueriesContext(connection) as first:
        assert client.get(f"/front-door/reports/{slug}/").status_code == 200
    for n in range(6):
        contact = make_contact(front_door, children=[children[n % 3]], received_at=ago(days=n + 1))
        clock_row(contact, "red", hours_allowed=4, took=n)
        request_row(contact, AgencyKind.HEALTH, hours=n + 1)
        request_row(contact, AgencyKind.POLICE, hours=n + 2)
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(f"/front-door/reports/{slug}/").status_code == 200
