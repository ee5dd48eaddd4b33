"""Every write to tasks."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.notifications.models import Kind
from haven.notifications.services import notify
from haven.tasks.models import Task


def task_create(
    *,
    actor,
    assignee,
    title: str,
    due_on=None,
    link=None,
    notify_assignee: bool = True,
    system: bool = False,
    request=None,
) -> Task:
    """Give ``assignee`` a task. People set their own; line managers and the safeguarding
    leads may set them for colleagues. ``system`` is for tasks another service creates as
    part of its own permitted change (a new case's owner, say)."""
    if not system:
        if not rules.can_use_tasks(actor):
            raise NotAllowed("You do not have permission to do that.")
        if assignee.pk != actor.pk and not rules.can_assign_tasks(actor):
            raise NotAllowed("You can only set tasks for yourself.")
    if assignee.organisation_id != actor.organisation_id or not assignee.is_active:
        raise DomainError(f"{assignee.full_name} is not an active member of staff here.")
    title = (title or "").strip()
    if not title:
        raise DomainError("Say what the task is.")
    if due_on is not None and not system and due_on < clock.today():
        raise DomainError("The due date has already passed.")
    task = Task(
        organisation=actor.organisation,
        created_by=actor,
        assignee=assignee,
        title=title[:200],
        due_on=due_on,
    )
    if link is not None:
        if link.organisation_id != actor.organisation_id:
            raise NotAllowed("That record belongs to another organisation.")
        task.link_type = ContentType.objects.get_for_model(link)
        task.link_id = link.pk
    with transaction.atomic():
        task.save()
        if notify_assignee and assignee.pk != actor.pk:
            notify(
                recipients=[assignee],
                kind=Kind.TASK_ASSIGNED,
                title=f"{actor.full_name} has set you a task",
                url="/tasks/",
            )
        record_event(
            action=Action.CREATE,
            actor=actor,
            request=request,
            obj=task,
            detail={"what": "task", "assignee": assignee.pk},
        )
    return task


def tasks_hand_over(*, link, title: str, new_assignee, actor) -> int:
    """Close the open tasks called ``title`` about ``link`` that anyone but ``new_assignee``
    holds: when a case passes to a new owner, the old owner's "new case" task goes with it.
    Part of the caller's own permitted change; each closed task is audited."""
    handed = list(
        Task.objects.for_org(actor.organisation)
        .filter(
            link_type=ContentType.objects.get_for_model(link),
            link_id=link.pk,
            title=title,
            done_at__isnull=True,
        )
        .exclude(assignee=new_assignee)
    )
    now = clock.now()
    for task in handed:
        task.done_at, task.done_by = now, actor
        task.save(update_fields=["done_at", "done_by", "modified_at"])
        record_event(
            action=Action.UPDATE,
            actor=actor,
            obj=task,
            detail={"what": "task handed over", "to": new_assignee.pk},
        )
    return len(handed)


def task_complete(*, task: Task, actor, request=None) -> Task:
    """Mark a task done (marking a done task again changes nothing)."""
    if not rules.can_complete_task(actor, task):
        raise NotAllowed("That task is not yours.")
    if task.done_at is not None:
        return task
    with transaction.atomic():
        task.done_at = clock.now()
        task.done_by = actor
        task.save(update_fields=["done_at", "done_by", "modified_at"])
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=task,
            detail={"what": "task done"},
        )
    return task


def task_reopen(*, task: Task, actor, request=None) -> Task:
    if not rules.can_complete_task(actor, task):
        raise NotAllowed("That task is not yours.")
    if task.done_at is None:
        return task
    with transaction.atomic():
        task.done_at = None
        task.done_by = None
        task.save(update_fields=["done_at", "done_by", "modified_at"])
        record_event(
            action=Action.UPDATE,
            actor=actor,
            request=request,
            obj=task,
            detail={"what": "task reopened"},
        )
    return task
