"""Follow-up actions from consultations: any number, each assigned and due; overdue ones
remind their assignee once and show on the home page."""

import datetime

import pytest
from django.urls import reverse

from haven.core import clock
from haven.notifications.models import Notification
from haven.notifications.reminders import send_reminders
from haven.programmes import services
from haven.programmes.models import FollowUpAction

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _consultation_data(**extra):
    return {
        "held_on": f"{TODAY:%d/%m/%Y}",
        "method": "phone",
        "others": "Lola Bunny, mother",
        "summary": "Mum says Bugs loved the trip.",
        **extra,
    }


def test_add_another_action_keeps_what_was_typed_and_adds_a_row(child, engage, sign_in, key_person):
    engagement = engage(child())
    client = sign_in(key_person)
    url = reverse("programmes:consultation_new", args=[engagement.pk])
    assert 'name="actions-0-description"' in client.get(url).content.decode()
    response = client.post(
        url,
        _consultation_data(
            **{
                "actions-TOTAL_FORMS": "1",
                "actions-INITIAL_FORMS": "0",
                "actions-0-description": "Send photos",
                "add_action": "1",
            }
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Send photos"' in body and 'name="actions-1-description"' in body
    assert "Mum says Bugs loved the trip." in body
    assert not engagement.consultations.exists()


def test_a_consultation_takes_three_actions_each_with_a_date_and_someone(
    child, engage, sign_in, key_person, dsl
):
    engagement = engage(child())
    rows = {"actions-TOTAL_FORMS": "4", "actions-INITIAL_FORMS": "0"}
    for n, who in enumerate((key_person, dsl, key_person)):
        rows |= {
            f"actions-{n}-description": f"Action {n}",
            f"actions-{n}-due_on": f"{TODAY + datetime.timedelta(days=n):%d/%m/%Y}",
            f"actions-{n}-assignee": who.pk,
        }
    response = sign_in(key_person).post(
        reverse("programmes:consultation_new", args=[engagement.pk]), _consultation_data(**rows)
    )
    assert response.status_code == 302
    actions = FollowUpAction.objects.for_org(engagement.organisation).order_by("due_on")
    assert [(a.description, a.assignee) for a in actions] == [
        ("Action 0", key_person),
        ("Action 1", dsl),
        ("Action 2", key_person),
    ]


def test_an_action_without_a_due_date_is_refused_on_its_row(child, engage, sign_in, key_person):
    engagement = engage(child())
    response = sign_in(key_person).post(
        reverse("programmes:consultation_new", args=[engagement.pk]),
        _consultation_data(
            **{
                "actions-TOTAL_FORMS": "1",
                "actions-INITIAL_FORMS": "0",
                "actions-0-description": "Send photos",
            }
        ),
    )
    assert response.status_code == 400
    assert "Give a due date for the action." in response.content.decode()
    assert not engagement.consultations.exists()


def _overdue(engagement, key_person, dsl):
    return services.consultation_record(
        engagement=engagement,
        actor=key_person,
        held_on=TODAY - datetime.timedelta(days=5),
        method="phone",
        summary="Mum rang",
        others="Lola Bunny, mother",
        actions=[
            services.ActionEntry("Ring the GP", TODAY - datetime.timedelta(days=1), dsl),
            services.ActionEntry("Send photos", TODAY + datetime.timedelta(days=5), key_person),
        ],
    )


def test_an_overdue_action_reminds_its_assignee_once(child, engage, key_person, dsl):
    engagement = engage(child())
    _overdue(engagement, key_person, dsl)
    assert send_reminders()["programmes"] == 1
    assert send_reminders()["programmes"] == 0
    note = Notification.objects.for_org(engagement.organisation).get(kind="follow_up_due")
    assert note.recipient == dsl
    assert note.url == reverse("programmes:engagement", args=[engagement.pk])
    assert "Ring the GP" not in note.title  # no content in notifications
    with clock.travel(datetime.timedelta(days=7)):
        assert send_reminders()["programmes"] == 1  # the second action, now overdue


def test_done_or_entered_in_error_actions_do_not_remind(child, engage, key_person, dsl):
    engagement = engage(child())
    consultation = _overdue(engagement, key_person, dsl)
    overdue = consultation.actions.get(description="Ring the GP")
    services.follow_up_done(action=overdue, actor=dsl)
    assert send_reminders()["programmes"] == 0
    other = _overdue(engagement, key_person, dsl)
    services.consultation_mark_error(consultation=other, actor=key_person, reason="Duplicate")
    assert send_reminders()["programmes"] == 0


def test_the_home_page_shows_my_follow_ups_and_marks_them_done(
    child, engage, key_person, dsl, sign_in, django_assert_max_num_queries
):
    engagement = engage(child())
    _overdue(engagement, key_person, dsl)
    client = sign_in(dsl)
    body = client.get(reverse("core:home")).content.decode()
    assert "Your follow-up actions" in body and "1 to do, <strong>1 overdue</strong>" in body
    assert "Ring the GP" in body and "Send photos" not in body
    action = FollowUpAction.objects.for_org(engagement.organisation).get(assignee=dsl)
    response = client.post(reverse("programmes:follow_up_done", args=[action.pk]), {"next": "home"})
    assert response.status_code == 302 and response.url == reverse("core:home")
    action.refresh_from_db()
    assert action.done_on == TODAY and action.done_by == dsl
    assert "Your follow-up actions" not in client.get(reverse("core:home")).content.decode()


def test_the_home_panel_costs_the_same_for_one_or_many_actions(
    child, engage, key_person, dsl, sign_in
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    engagement = engage(child())
    _overdue(engagement, key_person, dsl)
    client = sign_in(dsl)
    client.get(reverse("core:home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:home"))
    for _ in range(6):
        _overdue(engagement, key_person, dsl)
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("core:home")).content.decode()
    assert len(few) == len(many)
    assert "Showing the 5 due soonest of 7." in body
