"""Actions on a concern: added per child, with author and time, never edited."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.test import TestCase
from django.urls import reverse

from haven.core.errors import DomainError, NotAllowed
from haven.core.testing.factories import UserFactory
from haven.safeguarding import alerts
from haven.safeguarding.models import Alert, ConcernAction
from haven.safeguarding.tests.records import concern_records, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(org):
    return UserFactory(organisation=org, full_name="Tess Teacher", roles=["staff"])


@pytest.fixture
def sibling(dsl, seeded):
    return make_child(dsl, "Sam", "Waters")


def recorded(recorder, child, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return concern_records(recorder, child, **kwargs).concern


def actions(concern):
    return list(
        ConcernAction.objects.for_org(concern.organisation)
        .filter(concern=concern)
        .order_by("pk")
        .values_list("child_id", "text", "created_by_id")
    )


def test_an_alerted_person_adds_an_action_for_each_child_they_tick(
    teacher, staff_member, child, sibling, sign_in
):
    concern = recorded(teacher, child, alert_people=[staff_member], linked=[sibling])
    alert = Alert.objects.for_org(child.organisation).get(recipient=staff_member)
    back = reverse("safeguarding:alert", args=[alert.pk])
    response = sign_in(staff_member).post(
        reverse("safeguarding:action_add", args=[concern.pk]),
        {"children": [child.pk, sibling.pk], "text": "Spoke to both at lunch.", "next": back},
    )
    assert response.headers["Location"] == back
    assert actions(concern) == [
        (child.pk, "Spoke to both at lunch.", staff_member.pk),
        (sibling.pk, "Spoke to both at lunch.", staff_member.pk),
    ]


def test_a_concern_about_one_child_needs_no_choice_of_child(teacher, staff_member, child, sign_in):
    concern = recorded(teacher, child, alert_people=[staff_member])
    page = sign_in(staff_member).get(reverse("safeguarding:action_add", args=[concern.pk]))
    assert b'type="checkbox"' not in page.content
    alerts.concern_action_add(concern=concern, children=[child], text="Rang mum", actor=teacher)
    assert actions(concern) == [(child.pk, "Rang mum", teacher.pk)]


def test_an_empty_action_changes_nothing_and_keeps_what_was_typed(
    teacher, staff_member, child, sibling, sign_in
):
    concern = recorded(teacher, child, alert_people=[staff_member], linked=[sibling])
    response = sign_in(staff_member).post(
        reverse("safeguarding:action_add", args=[concern.pk]),
        {"text": "Half a thought about the coat"},
    )
    assert response.status_code == 400
    assert b"Tick the child (or children) this action is about." in response.content
    assert b"Half a thought about the coat" in response.content
    assert actions(concern) == []


def test_an_action_about_a_child_not_on_the_concern_is_refused(teacher, child, sibling):
    concern = recorded(teacher, child)
    with pytest.raises(DomainError):
        alerts.concern_action_add(concern=concern, children=[sibling], text="x", actor=teacher)
    assert actions(concern) == []


def test_after_marking_read_only_a_new_alert_lets_them_add_again(
    teacher, staff_member, dsl, child, sign_in
):
    concern = recorded(teacher, child, alert_people=[staff_member])
    alert = Alert.objects.for_org(child.organisation).get(recipient=staff_member)
    alerts.alert_mark_read(alert=alert, actor=staff_member)
    client = sign_in(staff_member)
    url = reverse("safeguarding:action_add", args=[concern.pk])
    assert client.post(url, {"children": [child.pk], "text": "Late"}).status_code == 403
    with TestCase.captureOnCommitCallbacks(execute=True):
        alerts.concern_realert(concern=concern, recipient=staff_member, message="Add", actor=dsl)
    assert client.post(url, {"children": [child.pk], "text": "Now"}).status_code == 302
    assert actions(concern) == [(child.pk, "Now", staff_member.pk)]


def test_someone_with_nothing_to_do_with_the_concern_gets_not_found(
    teacher, key_person, stranger, child, sign_in
):
    concern = recorded(teacher, child)
    url = reverse("safeguarding:action_add", args=[concern.pk])
    for outsider in (key_person, stranger):
        assert sign_in(outsider).post(url, {"text": "x"}).status_code == 404
    with pytest.raises(NotAllowed):
        alerts.concern_action_add(concern=concern, children=[child], text="x", actor=key_person)
    assert actions(concern) == []


def test_actions_are_never_edited_or_deleted(teacher, child):
    concern = recorded(teacher, child)
    (action,) = alerts.concern_action_add(
        concern=concern, children=[child], text="Checked in at break", actor=teacher
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        ConcernAction.objects.for_org(child.organisation).filter(pk=action.pk).update(text="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        ConcernAction.objects.for_org(child.organisation).filter(pk=action.pk).delete()
    assert actions(concern) == [(child.pk, "Checked in at break", teacher.pk)]


def test_the_concern_page_lists_actions_per_child_with_author_and_time(
    teacher, dsl, child, sibling, sign_in
):
    concern = recorded(teacher, child, linked=[sibling])
    alerts.concern_action_add(concern=concern, children=[child], text="For Wilma", actor=dsl)
    alerts.concern_action_add(concern=concern, children=[sibling], text="For Sam", actor=dsl)
    page = sign_in(dsl).get(reverse("safeguarding:concern", args=[concern.pk]))
    body = page.content.decode()
    assert "Actions for Wilma Waters" in body and "Actions for Sam Waters" in body
    assert body.index("For Wilma") < body.index("Actions for Sam Waters") < body.index("For Sam")
    assert "Dana Lead" in body


def test_an_action_goes_into_that_childs_chronology_with_the_concerns_scope(
    teacher, child, sibling
):
    from haven.chronology.models import Entry
    from haven.chronology.projection import rebuild

    concern = recorded(teacher, child, linked=[sibling])
    alerts.concern_action_add(concern=concern, children=[sibling], text="Rang gran", actor=teacher)
    entries = Entry.objects.for_org(child.organisation).filter(kind="concern_action")
    assert [(e.child_id, e.scope, e.recorded_by_id) for e in entries] == [
        (sibling.pk, f"concern:{concern.pk}", teacher.pk)
    ]
    assert entries[0].summary == f"Action on concern {concern.number}: Rang gran"
    rebuild(child.organisation)
    assert Entry.objects.for_org(child.organisation).filter(kind="concern_action").count() == 1


def test_marking_the_concern_in_error_makes_its_action_entries_routine(teacher, dsl, child):
    from haven.chronology.models import Entry
    from haven.safeguarding.alerts_chronology import project_concern_work

    concern = recorded(teacher, child)
    alerts.concern_action_add(concern=concern, children=[child], text="Rang mum", actor=dsl)
    concern.entered_in_error = True
    project_concern_work(concern)
    entry = Entry.objects.for_org(child.organisation).get(kind="concern_action")
    assert entry.routine


def test_a_concern_entered_in_error_takes_its_actions_out_of_the_default_chronology(
    teacher, dsl, child
):
    from haven.chronology.models import Entry
    from haven.safeguarding.services import concern_mark_error

    concern = recorded(teacher, child)
    alerts.concern_action_add(concern=concern, children=[child], text="Rang mum", actor=dsl)
    concern_mark_error(actor=dsl, concern=concern, reason="Wrong child")
    assert Entry.objects.for_org(child.organisation).get(kind="concern_action").routine
