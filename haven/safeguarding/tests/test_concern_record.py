from datetime import timedelta

import pytest
from django.test import TestCase

from haven.accounts import services as account_services
from haven.audit.models import AuditEvent
from haven.chronology.models import Entry
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.core.testing import audit_append_queries
from haven.core.testing.factories import UserFactory
from haven.notifications.models import Notification
from haven.safeguarding import services
from haven.safeguarding.models import (
    Alert,
    Concern,
    ConcernChild,
    ConcernVersion,
    SafeguardingSettings,
)
from haven.safeguarding.tests.records import category, concern_data, subcategory

pytestmark = pytest.mark.django_db


def record(actor, child, **kwargs):
    teams = kwargs.pop("alert_teams", ())
    people = kwargs.pop("alert_people", ())
    cat = kwargs.pop("category_obj", None) or category(actor.organisation)
    data = concern_data(child, category_obj=cat, **kwargs)
    return services.concern_record(actor=actor, data=data, alert_teams=teams, alert_people=people)


def dsl_team(org, admin, members):
    team = account_services.team_save(
        actor=admin, organisation=org, name="Safeguarding team", members=members
    )
    SafeguardingSettings.objects.for_org(org).update(dsl_team=team, always_alert_dsl_team=True)
    return team


def test_concerns_are_numbered_in_order_within_the_organisation(staff_member, child):
    first = record(staff_member, child)
    second = record(staff_member, child)
    assert (first.number, second.number) == (1, 2)


def test_recording_writes_the_children_version_one_audit_and_chronology(
    staff_member, child, other_children
):
    concern = record(staff_member, child, linked=other_children[:2])
    rows = ConcernChild.objects.for_org(child.organisation).filter(concern=concern)
    assert {r.person_id: r.is_primary for r in rows} == {
        child.pk: True,
        other_children[0].pk: False,
        other_children[1].pk: False,
    }
    (version,) = ConcernVersion.objects.for_org(child.organisation).filter(concern=concern)
    assert version.number == 1
    assert version.snapshot["child"]["name"] == child.full_name
    assert len(version.snapshot["linked_children"]) == 2
    entries = Entry.objects.for_org(child.organisation).filter(source_id=concern.pk)
    assert {e.child_id for e in entries} == {child.pk, *(c.pk for c in other_children[:2])}
    assert all(e.scope == f"concern:{concern.pk}" and e.category == "Wellbeing" for e in entries)
    assert AuditEvent.objects.filter(object_type="safeguarding.concern", action="create").exists()


def test_the_dsl_team_is_always_alerted_and_alerts_are_not_repeated(
    org, admin, staff_member, dsl, deputy_dsl, key_person, child
):
    team = dsl_team(org, admin, [dsl, deputy_dsl, staff_member])
    with TestCase.captureOnCommitCallbacks(execute=True):
        concern = record(staff_member, child, alert_teams=[team], alert_people=[dsl, key_person])
    alerted = Alert.objects.for_org(org).filter(concern=concern)
    # The recorder is never alerted about their own concern; each person once.
    assert sorted(a.recipient_id for a in alerted) == sorted([dsl.pk, deputy_dsl.pk, key_person.pk])
    assert {a.recipient_id: a.team_id for a in alerted}[dsl.pk] == team.pk
    notes = Notification.objects.for_org(org).filter(kind="concern_alert")
    assert notes.count() == 3
    # The email says there is something to read; nothing of the concern itself.
    from django.core import mail

    assert mail.outbox and all(child.last_name not in m.body for m in mail.outbox)


def test_the_dsl_team_is_not_alerted_when_the_organisation_says_not_to(
    org, admin, staff_member, dsl, child
):
    dsl_team(org, admin, [dsl])
    SafeguardingSettings.objects.for_org(org).update(always_alert_dsl_team=False)
    concern = record(staff_member, child)
    assert not Alert.objects.for_org(org).filter(concern=concern).exists()


def test_a_restricted_concern_alerts_only_lead_dsls(
    org, admin, staff_member, dsl, deputy_dsl, key_person, child
):
    team = dsl_team(org, admin, [deputy_dsl])
    concern = record(
        staff_member, child, restricted=True, alert_teams=[team], alert_people=[key_person]
    )
    assert [a.recipient_id for a in concern.alerts.all()] == [dsl.pk]


def test_when_it_happened_cannot_be_in_the_future(staff_member, child):
    with pytest.raises(DomainError, match="future"):
        record(staff_member, child, occurred_at=clock.now() + timedelta(minutes=5))
    assert not Concern.objects.for_org(child.organisation).exists()


def test_bad_input_writes_nothing(staff_member, child, other_children):
    org = child.organisation
    with pytest.raises(DomainError):
        record(staff_member, child, linked=other_children, account="   ")
    wrong_sub = subcategory(org, "Bullying", "Physical")
    with pytest.raises(DomainError, match="not part of"):
        record(staff_member, child, subcategory=wrong_sub)
    assert not Concern.objects.for_org(org).exists()
    assert not ConcernChild.objects.for_org(org).exists()
    assert not Entry.objects.for_org(org).filter(kind="concern").exists()


def test_an_adult_or_another_organisations_child_cannot_be_the_subject(
    staff_member, child, stranger
):
    from haven.safeguarding.taxonomy import seed_safeguarding
    from haven.safeguarding.tests.records import make_child

    seed_safeguarding(stranger.organisation)
    theirs = make_child(stranger, "Olly", "Other")
    with pytest.raises(NotAllowed):
        record(staff_member, theirs)


def test_a_team_limited_category_can_be_added_only_by_its_team(
    org, admin, staff_member, key_person, dsl, child
):
    send = category(org, "SEND")
    senco = account_services.team_save(
        actor=admin, organisation=org, name="SENCo team", members=[key_person]
    )
    services.category_permission_set(
        actor=admin, team=senco, category=send, can_add=True, can_view=True
    )
    with pytest.raises(NotAllowed):
        record(staff_member, child, category_obj=send)
    assert record(key_person, child, category_obj=send).category == send
    assert record(dsl, child, category_obj=send).category == send


def test_the_query_count_does_not_grow_with_children_or_alerts(
    org,
    admin,
    staff_member,
    dsl,
    deputy_dsl,
    key_person,
    manager,
    child,
    other_children,
    django_assert_num_queries,
):
    team = dsl_team(org, admin, [dsl, deputy_dsl])
    extra = UserFactory(organisation=org, roles=["staff"])
    data = concern_data(child, category_obj=category(org), linked=other_children)
    assert staff_member.role_codes  # read once per request, before the service runs
    with django_assert_num_queries(QUERIES):
        services.concern_record(
            actor=staff_member,
            data=data,
            alert_teams=[team],
            alert_people=[key_person, manager, extra],
        )
    concern = Concern.objects.for_org(org).get()
    assert concern.alerts.count() == 5
    assert concern.children.count() == 4


QUERIES = 17 + audit_append_queries()


def _visible(user, concern) -> bool:
    from haven.safeguarding.queries import concerns_visible_to

    return concerns_visible_to(user).filter(pk=concern.pk).exists()


def test_a_restricted_concern_is_seen_by_the_dsl_and_its_recorder_only(
    staff_member, dsl, deputy_dsl, key_person, child
):
    concern = record(staff_member, child, restricted=True, alert_people=[key_person])
    assert _visible(dsl, concern) and _visible(staff_member, concern)
    assert not _visible(deputy_dsl, concern)
    assert not _visible(key_person, concern)


def test_staff_see_what_they_recorded_or_were_alerted_to_within_their_categories(
    org, admin, staff_member, key_person, manager, deputy_dsl, child
):
    send = category(org, "SEND")
    senco = account_services.team_save(
        actor=admin, organisation=org, name="SENCo team", members=[manager]
    )
    concern = record(staff_member, child, alert_people=[key_person])
    assert _visible(key_person, concern) and not _visible(manager, concern)
    services.category_permission_set(
        actor=admin, team=senco, category=send, can_add=False, can_view=True
    )
    limited = record(staff_member, child, category_obj=send, alert_people=[key_person, manager])
    # Alerts go only to people who may open it; the recorder's own category view applies too.
    assert [a.recipient_id for a in limited.alerts.all()] == [manager.pk]
    assert _visible(manager, limited) and _visible(deputy_dsl, limited)
    assert not _visible(staff_member, limited) and not _visible(key_person, limited)


def test_only_a_safeguarding_lead_marks_a_concern_entered_in_error(staff_member, dsl, child):
    concern = record(staff_member, child)
    with pytest.raises(NotAllowed):
        services.concern_mark_error(actor=staff_member, concern=concern, reason="Oops")
    services.concern_mark_error(actor=dsl, concern=concern, reason="Wrong child")
    concern.refresh_from_db()
    assert concern.entered_in_error and concern.error_reason == "Wrong child"
    entry = Entry.objects.for_org(child.organisation).get(source_id=concern.pk, child=child)
    assert entry.routine and entry.summary.startswith("Entered in error")
    from haven.safeguarding.queries import concerns_visible_to

    assert not concerns_visible_to(dsl).filter(pk=concern.pk).exists()
    assert concerns_visible_to(dsl, include_errors=True).filter(pk=concern.pk).exists()


def test_a_submitted_concern_cannot_be_deleted_from_under_its_versions(staff_member, child):
    from django.db import IntegrityError, transaction
    from django.db.models import ProtectedError

    concern = record(staff_member, child)
    with pytest.raises((ProtectedError, IntegrityError)), transaction.atomic():
        Concern.unscoped.filter(pk=concern.pk).delete()
    assert Concern.unscoped.filter(pk=concern.pk).exists()
