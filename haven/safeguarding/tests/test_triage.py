"""Triage: concerns wait oldest first until a DSL records a decision with a rationale."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.test import TestCase
from django.urls import reverse

from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.core.testing.factories import UserFactory
from haven.safeguarding import triage
from haven.safeguarding.models import Concern, TriageDecision
from haven.safeguarding.tests.records import concern_records, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(org):
    return UserFactory(organisation=org, full_name="Tess Teacher", roles=["staff"])


def recorded(recorder, child, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return concern_records(recorder, child, **kwargs).concern


def fresh(concern) -> Concern:
    return Concern.unscoped.get(pk=concern.pk)


def decisions(concern):
    return list(
        TriageDecision.objects.for_org(concern.organisation)
        .filter(concern=concern)
        .values_list("outcome", "refer_to", "rationale", "created_by_id", "first_decision")
    )


def test_the_queue_lists_concerns_awaiting_a_decision_oldest_first(teacher, dsl, child, sign_in):
    first, second, third = (recorded(teacher, child) for _ in range(3))
    triage.triage_decide(concern=second, actor=dsl, outcome="monitor", rationale="Watch lunch")
    response = sign_in(dsl).get(reverse("safeguarding:triage"))
    assert response.status_code == 200
    assert response.context["concerns"] == [first, third]


def test_concerns_entered_in_error_are_not_awaiting_triage(teacher, dsl, child):
    concern = recorded(teacher, child)
    Concern.unscoped.filter(pk=concern.pk).update(entered_in_error=True)
    assert list(triage.awaiting_triage(dsl)) == []


def test_a_deputy_does_not_see_concerns_restricted_to_the_lead_dsl(teacher, dsl, deputy_dsl, child):
    restricted = recorded(teacher, child, restricted=True)
    assert list(triage.awaiting_triage(dsl)) == [restricted]
    assert list(triage.awaiting_triage(deputy_dsl)) == []


def test_the_queue_is_keyset_paged_and_every_page_costs_the_same(
    teacher, dsl, child, sign_in, django_assert_num_queries, rf
):
    concerns = [recorded(teacher, child) for _ in range(5)]
    request = rf.get("/")
    page, after = triage.queue_page(dsl, request, size=2)
    assert page == concerns[:2] and after == concerns[1].pk
    with django_assert_num_queries(1):
        page, after = triage.queue_page(dsl, rf.get("/", {"after": after}), size=2)
    assert page == concerns[2:4]
    page, after = triage.queue_page(dsl, rf.get("/", {"after": after}), size=2)
    assert page == concerns[4:] and after is None
    page, _ = triage.queue_page(dsl, rf.get("/", {"after": "not-a-number"}), size=2)
    assert page == concerns[:2]


def test_the_queue_page_costs_the_same_with_more_concerns(
    teacher, dsl, child, sign_in, django_assert_num_queries
):
    client = sign_in(dsl)
    recorded(teacher, child)
    client.get(reverse("safeguarding:triage"))
    # A fixed number: the session, the user, the page and the two medians.
    with django_assert_num_queries(7) as first:
        client.get(reverse("safeguarding:triage"))
    for _ in range(5):
        recorded(teacher, child)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("safeguarding:triage"))
    assert len(response.context["concerns"]) == 6


def test_a_decision_is_stored_with_the_time_it_took_and_ends_the_wait(teacher, dsl, child):
    concern = recorded(teacher, child)
    with clock.travel(timedelta(hours=5)):
        decision = triage.triage_decide(
            concern=concern, actor=dsl, outcome="monitor", rationale="Check in daily for a week"
        )
    assert 5 * 3600 - 60 <= decision.seconds_to_decision <= 5 * 3600 + 60
    assert decision.first_decision
    assert fresh(concern).decided_at is not None
    assert fresh(concern).status == Concern.Status.OPEN
    assert concern not in triage.awaiting_triage(dsl)


def test_no_further_action_closes_the_concern(teacher, dsl, child):
    concern = recorded(teacher, child)
    triage.triage_decide(concern=concern, actor=dsl, outcome="nfa", rationale="Explained by mum")
    assert fresh(concern).status == Concern.Status.NO_FURTHER_ACTION


def test_a_further_decision_is_kept_but_the_first_ended_the_wait(teacher, dsl, deputy_dsl, child):
    concern = recorded(teacher, child)
    triage.triage_decide(concern=concern, actor=dsl, outcome="nfa", rationale="Explained")
    decided_at = fresh(concern).decided_at
    triage.triage_decide(
        concern=concern,
        actor=deputy_dsl,
        outcome="refer",
        refer_to="early_help",
        rationale="New information from the nurse",
    )
    assert fresh(concern).decided_at == decided_at
    assert fresh(concern).status == Concern.Status.OPEN
    assert [d[0] for d in decisions(concern)] == ["nfa", "refer"]
    assert [d[4] for d in decisions(concern)] == [True, False]


def test_decisions_are_never_edited_or_deleted(teacher, dsl, child):
    concern = recorded(teacher, child)
    decision = triage.triage_decide(concern=concern, actor=dsl, outcome="monitor", rationale="x")
    rows = TriageDecision.objects.for_org(child.organisation).filter(pk=decision.pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.update(rationale="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.delete()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"outcome": "monitor", "rationale": " "}, "Give the rationale"),
        ({"outcome": "refer", "rationale": "r"}, "Choose where"),
        ({"outcome": "refer", "refer_to": "other", "rationale": "r"}, "Name the agency"),
        ({"outcome": "add_to_case", "rationale": "r"}, "Choose the open case"),
        ({"outcome": "maybe", "rationale": "r"}, "Choose a decision"),
    ],
)
def test_an_incomplete_decision_changes_nothing(teacher, dsl, child, fields, message):
    concern = recorded(teacher, child)
    with pytest.raises(DomainError, match=message):
        triage.triage_decide(concern=concern, actor=dsl, **fields)
    assert decisions(concern) == [] and fresh(concern).decided_at is None


def test_only_the_dsl_and_deputies_triage(teacher, key_person, manager, child):
    concern = recorded(teacher, child)
    for someone in (teacher, key_person, manager):
        with pytest.raises(NotAllowed):
            triage.triage_decide(concern=concern, actor=someone, outcome="nfa", rationale="x")
    assert decisions(concern) == []


def test_the_decision_form_records_a_referral(teacher, dsl, child, sign_in):
    concern = recorded(teacher, child)
    response = sign_in(dsl).post(
        reverse("safeguarding:triage_decide", args=[concern.pk]),
        {
            "outcome": "refer",
            "refer_to": "other",
            "refer_detail": "Children's services, ref 123",
            "rationale": "Disclosure of harm at home",
        },
    )
    assert response.headers["Location"] == reverse("safeguarding:triage")
    assert decisions(concern) == [("refer", "other", "Disclosure of harm at home", dsl.pk, True)]


def test_bad_input_on_the_form_keeps_the_rationale_and_changes_nothing(
    teacher, dsl, child, sign_in
):
    concern = recorded(teacher, child)
    response = sign_in(dsl).post(
        reverse("safeguarding:triage_decide", args=[concern.pk]),
        {"outcome": "refer", "rationale": "Long thoughtful rationale"},
    )
    assert response.status_code == 400
    assert b"Choose where the concern is referred." in response.content
    assert b"Long thoughtful rationale" in response.content
    assert decisions(concern) == []


def test_the_decision_form_is_refused_to_others(
    teacher, staff_member, key_person, stranger, child, sign_in
):
    concern = recorded(teacher, child, alert_people=[staff_member])
    url = reverse("safeguarding:triage_decide", args=[concern.pk])
    data = {"outcome": "nfa", "rationale": "x"}
    assert sign_in(staff_member).post(url, data).status_code == 403
    assert sign_in(key_person).post(url, data).status_code == 403
    assert sign_in(stranger).post(url, data).status_code == 404
    assert decisions(concern) == []


def test_opening_a_case_records_the_decision_and_goes_to_the_new_case_form(
    teacher, dsl, child, sign_in
):
    sibling = make_child(dsl, "Sam", "Waters")
    concern = recorded(teacher, child, linked=[sibling])
    response = sign_in(dsl).post(
        reverse("safeguarding:triage_decide", args=[concern.pk]),
        {"outcome": "open_case", "child": sibling.pk, "rationale": "Threshold met"},
    )
    assert response.headers["Location"] == (
        f"{reverse('cases:new')}?child={sibling.pk}&concern={concern.pk}"
    )
    assert decisions(concern)[0][0] == "open_case"


def test_adding_to_the_childs_open_case_links_the_concern(
    teacher, dsl, key_person, manager, child, sign_in
):
    from haven.cases import services as case_services
    from haven.cases.tests.records import case_data

    case = case_services.case_open(
        actor=dsl,
        child=child,
        data=case_data(child.organisation, owner=key_person, manager=manager),
    )
    concern = recorded(teacher, child)
    page = sign_in(dsl).get(reverse("safeguarding:triage_decide", args=[concern.pk]))
    assert str(case).encode() in page.content
    response = sign_in(dsl).post(
        reverse("safeguarding:triage_decide", args=[concern.pk]),
        {"outcome": "add_to_case", "case": case.pk, "rationale": "Same worries as the case"},
    )
    assert response.status_code == 302
    assert case.concerns.filter(pk=concern.pk).exists()
    assert decisions(concern)[0][0] == "add_to_case"


def test_a_case_of_another_child_cannot_be_chosen(teacher, dsl, key_person, manager, child):
    from haven.cases import services as case_services
    from haven.cases.tests.records import case_data

    other = make_child(dsl, "Olly", "Other")
    case = case_services.case_open(
        actor=dsl,
        child=other,
        data=case_data(child.organisation, owner=key_person, manager=manager),
    )
    concern = recorded(teacher, child)
    with pytest.raises(DomainError):
        triage.triage_decide(
            concern=concern, actor=dsl, outcome="add_to_case", rationale="r", case=case
        )
    assert decisions(concern) == [] and not case.concerns.exists()


def test_the_median_time_to_a_decision_is_measured_for_the_dsl(teacher, dsl, deputy_dsl, child):
    waits = {dsl: (1, 3, 10), deputy_dsl: (2,)}
    for who, hours_list in waits.items():
        for hours in hours_list:
            concern = recorded(teacher, child)
            with clock.travel(timedelta(hours=hours)):
                triage.triage_decide(concern=concern, actor=who, outcome="monitor", rationale="r")
    times = triage.decision_times(dsl)
    assert times.mine_count == 3 and abs(times.mine - 3 * 3600) < 120
    assert times.team_count == 4 and abs(times.team - 2.5 * 3600) < 120
    assert triage.describe_seconds(3 * 3600 + 5 * 60) == "3 hours 5 minutes"
    assert triage.describe_seconds(26 * 3600) == "1 day 2 hours"


def test_a_decision_goes_into_each_childs_chronology(teacher, dsl, child):
    from haven.chronology.models import Entry

    sibling = make_child(dsl, "Sam", "Waters")
    concern = recorded(teacher, child, linked=[sibling])
    triage.triage_decide(
        concern=concern,
        actor=dsl,
        outcome="refer",
        refer_to="police",
        rationale="Disclosure of an assault",
    )
    entries = Entry.objects.for_org(child.organisation).filter(kind="triage_decision")
    assert sorted(e.child_id for e in entries) == sorted([child.pk, sibling.pk])
    assert all(e.scope == f"concern:{concern.pk}" for e in entries)
    assert entries[0].summary == (
        f"Decision on concern {concern.number}: Refer on: Police. Disclosure of an assault"
    )
