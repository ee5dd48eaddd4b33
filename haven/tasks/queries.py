"""Reads of tasks for pages: only the tasks a person was given or set."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404

from haven.access import rules
from haven.core import clock
from haven.tasks.models import Task

HOME_ROWS = 8
PAGE = 50


def tasks_visible_to(user):
    if not rules.can_use_tasks(user):
        return Task.unscoped.none()
    return Task.objects.for_org(user.organisation).filter(Q(assignee=user) | Q(created_by=user))


def get_task_for_user(user, pk: int) -> Task:
    task = tasks_visible_to(user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def _with_links(tasks: list[Task]) -> list[Task]:
    """Fetch the records the tasks point at, one query per kind of record."""
    from django.contrib.contenttypes.models import ContentType

    by_type: dict[int, list[int]] = {}
    for task in tasks:
        if task.link_type_id is not None:
            by_type.setdefault(task.link_type_id, []).append(task.link_id)
    found = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        for obj in model._base_manager.filter(pk__in=ids):
            found[(type_id, obj.pk)] = obj
    for task in tasks:
        task.linked = found.get((task.link_type_id, task.link_id))
    return tasks


def open_tasks(user, *, limit: int = PAGE) -> list[Task]:
    """The user's open tasks, soonest due first (those without a date last)."""
    from django.db.models import F

    rows = (
        Task.objects.for_org(user.organisation)
        .filter(assignee=user, done_at__isnull=True)
        .select_related("created_by")
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )
    return _with_links(list(rows[:limit]))


def home_tasks(user) -> dict:
    today = clock.today()
    mine = Task.objects.for_org(user.organisation).filter(assignee=user, done_at__isnull=True)
    counts = mine.aggregate(total=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    return {"tasks": open_tasks(user, limit=HOME_ROWS), "today": today, **counts}


def done_tasks(user, *, limit: int = 20) -> list[Task]:
    rows = (
        Task.objects.for_org(user.organisation)
        .filter(assignee=user, done_at__isnull=False)
        .order_by("-done_at", "-id")
    )
    return _with_links(list(rows[:limit]))


def tasks_set_for_others(user, *, limit: int = PAGE) -> list[Task]:
    rows = (
        Task.objects.for_org(user.organisation)
        .filter(created_by=user)
        .exclude(assignee=user)
        .select_related("assignee")
        .order_by("done_at", "-id")
    )
    return _with_links(list(rows[:limit]))
