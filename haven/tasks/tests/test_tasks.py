from datetime import timedelta

import pytest
from django.urls import reverse

from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.notifications.models import Notification
from haven.tasks import services
from haven.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_anyone_may_set_themselves_a_task_with_a_due_date(staff_member):
    task = services.task_create(
        actor=staff_member,
        assignee=staff_member,
        title="Return the reading record",
        due_on=clock.today() + timedelta(days=2),
    )
    assert (task.assignee, task.is_done) == (staff_member, False)


def test_only_managers_and_leads_set_tasks_for_colleagues(staff_member, key_person, manager):
    with pytest.raises(NotAllowed):
        services.task_create(actor=key_person, assignee=staff_member, title="Do this")
    services.task_create(actor=manager, assignee=staff_member, title="Do this")
    assert (
        Notification.objects.for_org(manager.organisation)
        .filter(recipient=staff_member, kind="task_assigned")
        .exists()
    )


def test_a_task_needs_words_and_a_date_not_yet_passed(staff_member):
    with pytest.raises(DomainError):
        services.task_create(actor=staff_member, assignee=staff_member, title=" ")
    with pytest.raises(DomainError, match="passed"):
        services.task_create(
            actor=staff_member,
            assignee=staff_member,
            title="Late",
            due_on=clock.today() - timedelta(days=1),
        )
    assert not Task.unscoped.exists()


def test_marking_a_task_done_and_not_done(staff_member, key_person):
    task = services.task_create(actor=staff_member, assignee=staff_member, title="Ring home")
    with pytest.raises(NotAllowed):
        services.task_complete(task=task, actor=key_person)
    services.task_complete(task=task, actor=staff_member)
    assert task.is_done and task.done_by == staff_member
    services.task_reopen(task=task, actor=staff_member)
    assert not task.is_done


def test_the_tasks_page_adds_and_completes_without_a_second_factor(sign_in, staff_member):
    client = sign_in(staff_member, elevated=False)
    response = client.post(reverse("tasks:list"), {"title": "Book the hall"})
    assert response.status_code == 302
    task = Task.objects.for_org(staff_member.organisation).get()
    client.post(reverse("tasks:done", args=[task.pk]))
    task.refresh_from_db()
    assert task.is_done


def test_a_bad_task_changes_nothing_and_keeps_the_words(sign_in, staff_member):
    response = sign_in(staff_member, elevated=False).post(
        reverse("tasks:list"), {"title": "Book the hall", "due_on": "31/02/2026"}
    )
    assert response.status_code == 400
    assert "Book the hall" in response.content.decode()
    assert not Task.unscoped.exists()


def test_a_colleagues_task_is_not_found(sign_in, staff_member, key_person):
    task = services.task_create(actor=staff_member, assignee=staff_member, title="Mine")
    response = sign_in(key_person).post(reverse("tasks:done", args=[task.pk]))
    assert response.status_code == 404
    task.refresh_from_db()
    assert not task.is_done


def test_my_open_tasks_on_the_home_page_cost_the_same_however_many(
    sign_in, staff_member, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = sign_in(staff_member, elevated=False)
    services.task_create(actor=staff_member, assignee=staff_member, title="Task 0")
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("core:home"))
    for number in range(1, 15):
        services.task_create(actor=staff_member, assignee=staff_member, title=f"Task {number}")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("core:home"))
    assert "Task 1" in response.content.decode()
