"""Task pages: my tasks, adding one, marking one done."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from haven.access import rules
from haven.access.decorators import requires
from haven.core.errors import DomainError
from haven.tasks import queries, services
from haven.tasks.forms import TaskForm

# Tasks say little on their own (a title and a plain label of what they point at), so they
# need a signed-in member of staff, not an elevated session.
member = requires(rules.can_use_tasks, elevated=False)


@member
@require_http_methods(["GET", "POST"])
def task_list(request):
    user = request.user
    may_assign = rules.can_assign_tasks(user)
    form = TaskForm(
        request.POST or None, user=user, may_assign=may_assign, initial={"assignee": user}
    )
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create(
                actor=user,
                assignee=data.get("assignee") or user,
                title=data["title"],
                due_on=data["due_on"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            who = "you" if task.assignee_id == user.pk else task.assignee.full_name
            messages.success(request, f"Task added for {who}.")
            return redirect("tasks:list")
    return render(
        request,
        "tasks/list.html",
        {
            "form": form,
            "error": error,
            "open_tasks": queries.open_tasks(user),
            "done_tasks": queries.done_tasks(user),
            "set_for_others": queries.tasks_set_for_others(user) if may_assign else [],
            **queries.home_tasks(user),
        },
        status=400 if error or form.errors else 200,
    )


@member
@require_POST
def task_done(request, pk: int):
    task = queries.get_task_for_user(request.user, pk)
    try:
        services.task_complete(task=task, actor=request.user, request=request)
    except DomainError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"“{task.title}” is done.")
    return redirect("tasks:list")


@member
@require_POST
def task_undone(request, pk: int):
    task = queries.get_task_for_user(request.user, pk)
    try:
        services.task_reopen(task=task, actor=request.user, request=request)
    except DomainError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"“{task.title}” is open again.")
    return redirect("tasks:list")
