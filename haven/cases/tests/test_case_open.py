import datetime

import pytest

from haven.cases import queries, services
from haven.cases.models import CaseStatusChange, SafeguardingCase, Status
from haven.chronology.models import Entry, Kind
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.notifications.models import Notification
from haven.people import services as people_services
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_opening_a_case_numbers_it_and_leaves_a_status_row(open_case, key_person):
    first = open_case()
    second = open_case()
    assert (first.number, second.number) == (1, 2)
    assert first.reference == "00000001"
    assert first.status == Status.OPEN
    change = CaseStatusChange.objects.for_org(first.organisation).get(case=first)
    assert (change.from_status, change.to_status, change.created_by) == ("", "open", key_person)


def test_the_next_update_is_due_one_review_interval_after_opening(open_case, high):
    case = open_case(threshold=high)
    assert case.next_update_due == clock.today() + datetime.timedelta(days=7)


def test_the_owner_is_given_the_new_case_task(open_case, dsl, key_person):
    case = open_case(actor=dsl)
    task = Task.objects.for_org(case.organisation).get(assignee=key_person)
    assert task.title == "You have been assigned a new safeguarding case"
    assert task.link == case
    assert (
        Notification.objects.for_org(case.organisation)
        .filter(recipient=key_person, kind="case_assigned")
        .exists()
    )


def test_opening_is_in_the_childs_chronology_for_those_who_may_see_the_case(open_case, child):
    case = open_case()
    entry = Entry.objects.for_org(child.organisation).get(child=child, kind=Kind.CASE_OPENED)
    assert entry.scope == f"case:{case.pk}"
    assert "00000001" in entry.summary


def test_the_incident_cannot_be_in_the_future(open_case):
    with pytest.raises(DomainError, match="future"):
        open_case(incident_at=clock.now() + datetime.timedelta(hours=1))
    assert not SafeguardingCase.unscoped.exists()


def test_a_missing_required_field_changes_nothing(open_case):
    with pytest.raises(DomainError, match="Describe"):
        open_case(description="  ")
    assert not SafeguardingCase.unscoped.exists()
    assert not Task.unscoped.exists()


def test_a_member_of_staff_cannot_open_a_case(open_case, staff_member):
    with pytest.raises(NotAllowed):
        open_case(actor=staff_member)


def test_only_a_lead_records_that_the_local_authority_was_notified(
    key_person, dsl, child, case_data
):
    at = clock.now() - datetime.timedelta(hours=1)
    with pytest.raises(NotAllowed):
        services.case_open(actor=key_person, child=child, data=case_data(), la_notified_at=at)
    case = services.case_open(
        actor=dsl, child=child, data=case_data(), la_notified_at=at, la_reference="LA-991"
    )
    assert (case.la_notified_by, case.la_reference) == (dsl, "LA-991")


def test_a_child_with_a_child_protection_plan_defaults_to_the_highest_threshold(child, dsl, high):
    assert services.default_threshold_for(child) == (None, "")
    people_services.flag_start(person=child, actor=dsl, flag="cp_plan", start_date=clock.today())
    threshold, reason = services.default_threshold_for(child)
    assert threshold == high
    assert "child protection plan" in reason and "High" in reason


def test_an_ended_plan_no_longer_raises_the_threshold(child, dsl):
    flag = people_services.flag_start(
        person=child,
        actor=dsl,
        flag="looked_after",
        start_date=clock.today() - datetime.timedelta(days=30),
    )
    people_services.flag_end(
        status=flag, actor=dsl, end_date=clock.today() - datetime.timedelta(days=1)
    )
    assert services.default_threshold_for(child) == (None, "")


def test_a_concern_can_be_linked_once(open_case, dsl, child):

    case = open_case()
    concern = _concern(dsl, child)
    assert services.case_link_concern(case=case, concern=concern, actor=dsl) is True
    assert services.case_link_concern(case=case, concern=concern, actor=dsl) is False
    assert list(case.concerns.all()) == [concern]


def test_open_cases_for_a_child_leave_out_closed_ones(open_case, child, seeded):
    case = open_case()
    assert list(queries.open_cases_for_child(organisation=seeded, child=child)) == [case]


def _concern(actor, child):
    from haven.safeguarding.models import Concern, ConcernCategory

    category = ConcernCategory.objects.for_org(child.organisation).filter(parent=None).first()
    if category is None:
        category = ConcernCategory.objects.create(organisation=child.organisation, name="Other")
    return Concern.objects.create(
        organisation=child.organisation,
        created_by=actor,
        number=1,
        child=child,
        category=category,
        occurred_at=clock.now(),
        account="Arrived without a coat in the snow.",
    )


def test_a_case_may_have_no_manager(open_case, dsl):
    case = open_case(actor=dsl, manager=None)
    assert case.manager is None


def test_case_entries_in_the_chronology_are_seen_only_by_those_who_may_see_the_case(
    open_case, child, key_person, dsl, org
):
    from haven.chronology.queries import timeline
    from haven.core.testing.factories import UserFactory

    open_case()
    colleague = UserFactory(organisation=org, roles=["practitioner"])

    def kinds(user):
        return {e.kind for e in timeline(user, child, {}).entries}

    assert Kind.CASE_OPENED in kinds(key_person)
    assert Kind.CASE_OPENED in kinds(dsl)
    assert Kind.CASE_OPENED not in kinds(colleague)


def test_choosing_a_lower_threshold_than_the_default_is_kept_with_the_reason(
    open_case, child, dsl, low
):
    people_services.flag_start(person=child, actor=dsl, flag="cp_plan", start_date=clock.today())
    case = open_case(threshold=low)
    assert "child protection plan" in case.threshold_reason
    assert case.threshold_reason.endswith("Low was chosen instead.")
