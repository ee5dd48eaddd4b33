"""A threshold decision starts the forms that act on it at what its level maps to: the
front door's RAG rating and early help decision, the DSL's triage decision and a case's
threshold. The practitioner can still choose otherwise, and each page costs the same
number of queries with or without decisions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from haven.access import roles
from haven.cases import services as case_services
from haven.cases.models import CaseThreshold
from haven.configuration.queries import options
from haven.configuration.services import seed_organisation
from haven.frontdoor.models import Contact, Rag, Status
from haven.frontdoor.testing import make_contact, make_front_door, make_person, make_staff
from haven.safeguarding.models import TriageDecision
from haven.safeguarding.tests.records import make_child
from haven.thresholds import prefill, services
from haven.thresholds.services import current_framework
from haven.thresholds.tests.records import indicators, level

pytestmark = pytest.mark.django_db


def _decide(actor, version, level_name, *, rationale="", **subject):
    """A decision choosing ``level_name`` with one indicator from that level."""
    tick = indicators(version, level_name, domains=1)[0]
    chosen = level(version, level_name)
    suggested, _ = services.suggestion_for(version, [tick])
    return services.decision_record(
        actor=actor,
        version=version,
        ticked={tick.pk: "Seen today"},
        chosen_level=chosen,
        rationale=rationale or ("" if suggested == chosen else "Known to the family"),
        **subject,
    )


# --- The front door ---------------------------------------------------------------------


@pytest.fixture
def front_door(db):
    return make_front_door()


@pytest.fixture
def senior(front_door):
    return make_staff(front_door, roles.SENIOR_PRACTITIONER, "Sian Senior")


@pytest.fixture
def fd_version(front_door):
    return current_framework(front_door).current_version


def _contact(front_door, senior, status, rating=""):
    child = make_person(senior, first="Milo", last="Hart")
    return make_contact(
        front_door, children=[child], actor=senior, status=status, initial_rag=rating
    )


def test_the_rag_rating_starts_at_the_rating_the_chosen_level_maps_to(
    front_door, senior, fd_version, sign_in
):
    contact = _contact(front_door, senior, Status.RATING)
    client = sign_in(senior)
    url = reverse("frontdoor:contact_rate", args=[contact.pk])
    page = client.get(url)
    assert page.context["form"]["rating"].value() is None
    assert page.context["prefill"] is None
    assert "Decide the level of need with the threshold framework" in page.content.decode()

    _decide(senior, fd_version, "Child in need", contact=contact)
    page = client.get(url)
    assert page.context["form"]["rating"].value() == Rag.AMBER_CIN
    body = page.content.decode()
    assert "Started at amber (child in need)" in body and "chose Child in need" in body


def test_the_practitioner_may_rate_otherwise_and_the_rating_is_theirs(
    front_door, senior, fd_version, sign_in
):
    contact = _contact(front_door, senior, Status.RATING)
    _decide(senior, fd_version, "Child in need", contact=contact)
    response = sign_in(senior).post(
        reverse("frontdoor:contact_rate", args=[contact.pk]),
        {"rating": Rag.RED, "rationale": "New information from the police since the decision."},
    )
    assert response.status_code == 302
    contact = Contact.objects.for_org(front_door).get(pk=contact.pk)
    assert contact.initial_rag == Rag.RED
    rating = contact.ratings.get()
    assert rating.created_by == senior and rating.created_at > contact.received_at


def test_the_latest_decision_is_the_one_that_counts(front_door, senior, fd_version):
    contact = _contact(front_door, senior, Status.RATING)
    _decide(senior, fd_version, "Child protection", contact=contact)
    _decide(senior, fd_version, "Early help", contact=contact)
    assert prefill.for_rating(contact).initial == {"rating": Rag.GREEN}
    _decide(senior, fd_version, "Universal", contact=contact)
    assert prefill.for_rating(contact) is None  # universal maps to no rating


def test_the_rating_page_costs_the_same_with_or_without_decisions(
    front_door, senior, fd_version, sign_in, django_assert_num_queries
):
    contact = _contact(front_door, senior, Status.RATING)
    client = sign_in(senior)
    url = reverse("frontdoor:contact_rate", args=[contact.pk])
    with django_assert_num_queries(_count(client, url)) as none:
        client.get(url)
    for name in ("Early help", "Child in need", "Child protection"):
        _decide(senior, fd_version, name, contact=contact)
    with django_assert_num_queries(len(none.captured_queries)):
        assert client.get(url).context["form"]["rating"].value() == Rag.RED


def test_the_early_help_decision_starts_from_the_level(
    front_door, senior, fd_version, sign_in, django_assert_num_queries
):
    manager = make_staff(front_door, roles.EARLY_HELP_MANAGER, "Eli Early", teams=["Early help"])
    contact = _contact(front_door, senior, Status.EARLY_HELP, rating=Rag.GREEN)
    client = sign_in(manager)
    url = reverse("frontdoor:contact_early_help", args=[contact.pk])
    before = _count(client, url)
    assert client.get(url).context["form"]["decision"].value() is None
    _decide(manager, fd_version, "Early help", contact=contact)
    with django_assert_num_queries(before):
        page = client.get(url)
    assert page.context["form"]["decision"].value() == "offer"
    assert "Started at “offer early help”" in page.content.decode()
    _decide(manager, fd_version, "Child protection", contact=contact)
    assert client.get(url).context["form"]["decision"].value() == "step_up"


def test_the_threshold_decision_links_back_to_the_rating_waiting_for_it(
    front_door, senior, sign_in
):
    contact = _contact(front_door, senior, Status.RATING)
    body = sign_in(senior).get(reverse("thresholds:contact_decide", args=[contact.pk]))
    assert reverse("frontdoor:contact_rate", args=[contact.pk]) in body.content.decode()


# --- A concern at triage ------------------------------------------------------------------


def test_the_triage_decision_starts_at_the_levels_outcome(
    dsl, concern, four_tier, sign_in, django_assert_num_queries
):
    version = four_tier.current_version
    client = sign_in(dsl)
    url = reverse("safeguarding:triage_decide", args=[concern.pk])
    assert client.get(url).context["form"]["outcome"].value() is None

    _decide(dsl, version, "Early help", concern=concern)
    page = client.get(url)
    form = page.context["form"]
    assert form["outcome"].value() == TriageDecision.Outcome.REFER
    assert form["refer_to"].value() == TriageDecision.ReferTo.EARLY_HELP
    assert "Started at “refer on to early help”" in page.content.decode()

    # However many decisions there are, the page costs the same.
    before = _count(client, url)
    _decide(dsl, version, "Child protection", concern=concern)
    with django_assert_num_queries(before):
        form = client.get(url).context["form"]
    assert form["refer_to"].value() == TriageDecision.ReferTo.FRONT_DOOR
    _decide(dsl, version, "Universal", concern=concern, rationale="Settled since")
    form = client.get(url).context["form"]
    assert (form["outcome"].value(), form["refer_to"].value()) == ("monitor", None)


def test_the_dsl_may_decide_otherwise_at_triage(dsl, concern, four_tier, sign_in):
    _decide(dsl, four_tier.current_version, "Early help", concern=concern)
    response = sign_in(dsl).post(
        reverse("safeguarding:triage_decide", args=[concern.pk]),
        {"outcome": "monitor", "rationale": "Mum has asked for help from the school nurse."},
    )
    assert response.status_code == 302
    decision = TriageDecision.objects.for_org(concern.organisation).get(concern=concern)
    assert decision.outcome == "monitor" and decision.created_by == dsl


def test_a_level_that_opens_a_case_adds_to_the_childs_one_open_case(
    dsl, concern, frameworks, key_person, manager
):
    from haven.cases.tests.records import case_data
    from haven.safeguarding import alerts, triage

    high_low = services.queries_frameworks(frameworks).get(
        name="Family centre High and Low thresholds"
    )
    version = high_low.current_version
    _decide(dsl, version, "Low", concern=concern)
    children = alerts.concern_children(concern)
    assert prefill.for_triage(concern, triage.open_cases_for(concern, children)).initial == {
        "outcome": "open_case"
    }
    case = case_services.case_open(
        actor=dsl,
        child=concern.child,
        engagement=None,
        data=case_data(frameworks, owner=key_person, manager=manager),
    )
    open_cases = triage.open_cases_for(concern, children)
    assert prefill.for_triage(concern, open_cases).initial == {
        "outcome": "add_to_case",
        "case": str(case.pk),
    }


def test_a_level_with_no_triage_mapping_leaves_the_decision_empty(dsl, concern, four_tier):
    version = four_tier.current_version
    version.levels.update(concern_outcome="")
    _decide(dsl, version, "Early help", concern=concern)
    assert prefill.for_triage(concern, []) is None


# --- A safeguarding case ------------------------------------------------------------------


@pytest.fixture
def case(dsl, key_person, manager, frameworks):
    from haven.cases.tests.records import case_data

    child = make_child(dsl, "Cara", "Brook")
    return case_services.case_open(
        actor=dsl,
        child=child,
        engagement=None,
        data=case_data(frameworks, owner=key_person, manager=manager),
    )


def test_the_case_threshold_starts_at_the_decision_until_the_case_is_next_edited(
    dsl, key_person, case, four_tier, sign_in, django_assert_num_queries
):
    high = CaseThreshold.objects.for_org(case.organisation).get(name="High")
    client = sign_in(key_person)
    url = reverse("cases:edit", args=[case.pk])
    before = _count(client, url)
    assert client.get(url).context["form"]["threshold"].value() == case.threshold_id

    _decide(key_person, four_tier.current_version, "Child in need", case=case)
    with django_assert_num_queries(before):
        page = client.get(url)
    assert page.context["form"]["threshold"].value() == high.pk
    assert page.context["form"]["case_type"].value() == case.case_type_id  # unchanged
    assert "Started at High" in page.content.decode()
    case_page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert f'href="{url}">Edit the case</a> if its threshold should change' in case_page

    # The owner keeps Low and saves another change: the decision has been acted on.
    from haven.cases.forms import CaseEditForm

    data = {k: v for k, v in CaseEditForm.initial_for(case).items() if v is not None}
    data["description"] = "Updated after the meeting with mum."
    data["threshold"] = case.threshold_id
    data["incident_date"] = data["incident_date"].strftime("%Y-%m-%d")
    response = client.post(url, {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()})
    assert response.status_code == 302, response.content.decode()[:2000]
    with django_assert_num_queries(before):
        page = client.get(url)
    assert page.context["form"]["threshold"].value() == case.threshold_id
    assert page.context["prefill"] is None


def test_a_case_opened_from_a_concern_starts_at_the_concerns_decision(
    dsl, concern, four_tier, sign_in
):
    case_services.thresholds_seed(concern.organisation)
    seed_organisation(concern.organisation)  # the picklists, with the case types
    high = CaseThreshold.objects.for_org(concern.organisation).get(name="High")
    low = CaseThreshold.objects.for_org(concern.organisation).get(name="Low")
    client = sign_in(dsl)
    url = f"{reverse('cases:new')}?child={concern.child_id}&concern={concern.pk}"
    assert client.get(url).context["form"]["threshold"].value() is None
    _decide(dsl, four_tier.current_version, "Early help", concern=concern)
    page = client.get(url)
    assert page.context["form"]["threshold"].value() == low.pk
    # A school running its own early help: the case starts as an early help case.
    early_help = options(concern.organisation, "case_type").get(label="Early help")
    assert page.context["form"]["case_type"].value() == early_help.pk
    assert "Started at Low, an early help case" in page.content.decode()
    _decide(dsl, four_tier.current_version, "Child protection", concern=concern)
    page = client.get(url)
    assert page.context["form"]["threshold"].value() == high.pk
    assert page.context["form"]["case_type"].value() is None
    assert "Started at High" in page.content.decode()


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries.captured_queries)
