from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from haven.access.decorators import signed_in
from haven.core.paging import keyset_page
from haven.notifications import queries, services

PAGE_SIZE = 30


@signed_in
@require_safe
def inbox(request):
    """Newest first, paged by id (keyset) so page one costs the same at any size."""
    notes = queries.notifications_for(request.user).order_by("-id")
    page, next_before = keyset_page(notes, request, PAGE_SIZE)
    return render(
        request,
        "notifications/inbox.html",
        {
            "notifications": page,
            "next_before": next_before,
            "unread": queries.unread_count(request.user),
        },
    )


@signed_in
@require_safe
def bell(request):
    """The unread count in the header, refreshed by htmx."""
    return render(
        request, "notifications/bell.html", {"unread": queries.unread_count(request.user)}
    )


def _own(request, pk):
    note = queries.notifications_for(request.user).filter(pk=pk).first()
    if note is None:
        raise Http404
    return note


@signed_in
@require_POST
def open_notification(request, pk: int):
    note = _own(request, pk)
    services.notification_mark_read(notification=note, actor=request.user)
    target = note.url if url_has_allowed_host_and_scheme(note.url, allowed_hosts=None) else ""
    return redirect(target or "notifications:inbox")


@signed_in
@require_POST
def mark_read(request, pk: int):
    services.notification_mark_read(notification=_own(request, pk), actor=request.user)
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect("notifications:inbox")


@signed_in
@require_POST
def mark_all_read(request):
    services.notifications_mark_all_read(actor=request.user)
    return redirect("notifications:inbox")
