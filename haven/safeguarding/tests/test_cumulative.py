"""The cumulative concern alert: when a child's concerns add up, the DSL team is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import TestCase

from haven.accounts import services as account_services
from haven.core import clock
from haven.core.testing.factories import UserFactory
from haven.notifications.models import Kind, Notification
from haven.people import services as people_services
from haven.safeguarding.cumulative import cumulative_check
from haven.safeguarding.models import Alert, CumulativeAlert, SafeguardingSettings
from haven.safeguarding.tests.alert_records import make_child, make_concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def dsl_team(org, admin, dsl, deputy_dsl):
    team = account_services.team_save(
        actor=admin, organisation=org, name="Safeguarding team", members=[dsl, deputy_dsl]
    )
    account_services.organisation_update(organisation=org, actor=admin, dsl_team=team)
    return team


@pytest.fixture
def teacher(org):
    return UserFactory(organisation=org, full_name="Tess Teacher", roles=["staff"])


@pytest.fixture
def child(dsl):
    return make_child(dsl, "Ada")


def record(recorder, child, **kwargs):
    concern = make_concern(recorder=recorder, child=child, **kwargs)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return concern, cumulative_check(concern=concern, actor=recorder)


def test_three_concerns_from_two_members_of_staff_within_14_days_alert_the_dsl_team(
    dsl_team, dsl, deputy_dsl, teacher, staff_member, child
):
    record(teacher, child)
    record(staff_member, child)
    concern, raised = record(teacher, child)

    assert raised is not None
    assert raised.child == child and raised.concern == concern
    assert raised.kind == CumulativeAlert.Kind.PATTERN
    assert raised.reason == ("3 concerns from 2 different members of staff in the last 14 days.")
    alerts = Alert.objects.for_org(child.organisation).filter(reason=Alert.Reason.CUMULATIVE)
    assert sorted(a.recipient_id for a in alerts) == sorted([dsl.pk, deputy_dsl.pk])
    assert all(a.concern == concern and "Ada" in a.message for a in alerts)
    notes = Notification.objects.for_org(child.organisation).filter(kind=Kind.CUMULATIVE_ALERT)
    assert sorted(n.recipient_id for n in notes) == sorted([dsl.pk, deputy_dsl.pk])
    assert "Ada" not in notes[0].title  # titles name the concern, never the child


def test_three_concerns_from_one_member_of_staff_raise_nothing(dsl_team, teacher, child):
    for _ in range(3):
        _, raised = record(teacher, child)
    assert raised is None
    assert not CumulativeAlert.objects.for_org(child.organisation).exists()


def test_two_concerns_from_two_members_of_staff_raise_nothing(
    dsl_team, teacher, staff_member, child
):
    record(teacher, child)
    _, raised = record(staff_member, child)
    assert raised is None


def test_concerns_older_than_the_window_do_not_count(dsl_team, teacher, staff_member, child):
    record(teacher, child)
    record(staff_member, child)
    with clock.travel(timedelta(days=15)):
        _, raised = record(teacher, child)
    assert raised is None


def test_concerns_just_inside_the_window_count(dsl_team, teacher, staff_member, child):
    record(teacher, child)
    record(staff_member, child)
    with clock.travel(timedelta(days=13)):
        _, raised = record(teacher, child)
    assert raised is not None


def test_concerns_entered_in_error_do_not_count(dsl_team, teacher, staff_member, child):
    first, _ = record(teacher, child)
    first.entered_in_error = True
    first.save(update_fields=["entered_in_error"])
    record(staff_member, child)
    _, raised = record(teacher, child)
    assert raised is None


def test_the_pattern_is_the_organisations_to_set(org, dsl_team, teacher, child):
    SafeguardingSettings.objects.create(
        organisation=org, cumulative_concerns=2, cumulative_recorders=1, cumulative_days=7
    )
    record(teacher, child)
    _, raised = record(teacher, child)
    assert raised.reason == "2 concerns from 1 different members of staff in the last 7 days."


def test_a_linked_child_is_counted_too(dsl_team, dsl, teacher, staff_member, child):
    sibling = make_child(dsl, "Bea")
    record(teacher, sibling)
    record(staff_member, sibling)
    concern, raised = record(teacher, child, linked=[sibling])
    assert raised.child == sibling
    assert not CumulativeAlert.objects.for_org(child.organisation).filter(child=child).exists()


def test_any_concern_about_a_child_on_a_protection_plan_alerts_the_team(
    dsl_team, dsl, teacher, child
):
    people_services.flag_start(
        person=child, actor=dsl, flag="cp_plan", start_date=clock.today() - timedelta(days=30)
    )
    concern, raised = record(teacher, child)
    assert raised.kind == CumulativeAlert.Kind.PROTECTION_PLAN
    assert "child protection plan" in raised.reason


def test_an_ended_protection_plan_raises_nothing(dsl_team, dsl, teacher, child):
    flag = people_services.flag_start(
        person=child, actor=dsl, flag="cp_plan", start_date=clock.today() - timedelta(days=30)
    )
    people_services.flag_end(status=flag, actor=dsl, end_date=clock.today() - timedelta(days=1))
    _, raised = record(teacher, child)
    assert raised is None


def test_the_protection_plan_rule_can_be_switched_off(org, dsl_team, dsl, teacher, child):
    SafeguardingSettings.objects.create(organisation=org, cumulative_on_protection_plan=False)
    people_services.flag_start(person=child, actor=dsl, flag="cp_plan", start_date=clock.today())
    _, raised = record(teacher, child)
    assert raised is None


def test_no_second_alert_while_one_for_the_same_reason_is_unacknowledged(
    dsl_team, dsl, teacher, child
):
    people_services.flag_start(person=child, actor=dsl, flag="cp_plan", start_date=clock.today())
    _, first = record(teacher, child)
    _, second = record(teacher, child)
    assert first is not None and second is None
    assert CumulativeAlert.objects.for_org(child.organisation).count() == 1
    assert Alert.objects.for_org(child.organisation).filter(reason="cumulative").count() == 2

    from haven.safeguarding.alerts import cumulative_acknowledge

    cumulative_acknowledge(cumulative=first, actor=dsl)
    _, third = record(teacher, child)
    assert third is not None


def test_without_a_named_team_the_dsls_and_deputies_are_alerted(
    dsl, deputy_dsl, teacher, staff_member, child
):
    record(teacher, child)
    record(staff_member, child)
    _, raised = record(teacher, child)
    recipients = Alert.objects.for_org(child.organisation).filter(reason="cumulative")
    assert sorted(recipients.values_list("recipient_id", flat=True)) == sorted(
        [dsl.pk, deputy_dsl.pk]
    )


def test_a_restricted_concern_alerts_only_the_lead_dsl(dsl_team, dsl, teacher, child):
    people_services.flag_start(person=child, actor=dsl, flag="cp_plan", start_date=clock.today())
    record(teacher, child, restricted=True)
    recipients = Alert.objects.for_org(child.organisation).filter(reason="cumulative")
    assert list(recipients.values_list("recipient_id", flat=True)) == [dsl.pk]


def test_the_check_costs_the_same_however_many_concerns_a_child_has(
    dsl_team, teacher, staff_member, child, django_assert_max_num_queries
):
    for recorder in (teacher, staff_member) * 10:
        make_concern(recorder=recorder, child=child)
    concern = make_concern(recorder=teacher, child=child)
    # Children, settings, pattern counts, flags, open alerts, team, members, names, the
    # alert rows, notifications and the audit event: a fixed handful, not one per concern.
    with django_assert_max_num_queries(20):
        cumulative_check(concern=concern, actor=teacher)
    concern = make_concern(recorder=teacher, child=child)
    with django_assert_max_num_queries(5):
        assert cumulative_check(concern=concern, actor=teacher) is None  # already open
