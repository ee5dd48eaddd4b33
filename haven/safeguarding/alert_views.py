"""Alerts inbox, reading an alert, actions, re-alerts and cumulative concern alerts.

Thin: decorators, scoped fetch, form, service, redirect. Alerts need no second factor: any
member of staff may be alerted to a concern, and reading what they were sent is their job.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core.errors import DomainError
from haven.core.http import form_status
from haven.drafts.services import draft_discard, draft_offer
from haven.safeguarding import alerts
from haven.safeguarding.alert_forms import ActionForm, RealertForm

anyone = requires(rules.can_use_alerts, elevated=False)
lead = requires(rules.can_triage_concerns)


def _safe_next(request, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def _viewed(request, concern, children) -> None:
    """Reading a concern is reading children's records: audited."""
    record_event(
        action=Action.VIEW,
        actor=request.user,
        request=request,
        obj=concern,
        person_id=concern.child_id,
        detail={"what": "concern, from an alert", "children": [c.pk for c in children]},
    )


# --- Inbox ---------------------------------------------------------------------------------


@anyone
@require_safe
def inbox(request):
    page, next_before = alerts.inbox_page(request.user, request)
    context = {"alerts": page, "next_before": next_before}
    return render(request, "safeguarding/alerts_inbox.html", context)


@anyone
@require_safe
def badge(request):
    """The "Alerts" link in the navigation with its unread count (fetched after the page)."""
    context = {"unread": alerts.unread_count(request.user)}
    return render(request, "safeguarding/alerts_badge.html", context)


@anyone
@require_safe
def alert_for_concern(request, concern_pk: int):
    """Where a notification's link leads: the reader's own alert on that concern."""
    alert = alerts.latest_alert_on(request.user, concern_pk)
    return redirect("safeguarding:alert", pk=alert.pk)


@anyone
@require_safe
def alert_detail(request, pk: int):
    alert = alerts.get_alert_for_user(request.user, pk)
    concern = alert.concern
    children = alerts.concern_children(concern)
    _viewed(request, concern, children)
    context = {
        "alert": alert,
        "concern": concern,
        "children": children,
        "groups": alerts.actions_by_child(concern, children),
        "next_alert": alerts.next_unread(request.user, alert),
        "action_form": ActionForm(children=children),
        "can_add_action": rules.can_add_concern_action(request.user, concern),
        "can_realert": rules.can_realert(request.user, concern),
    }
    return render(request, "safeguarding/alerts_detail.html", context)


@anyone
@require_POST
def alert_read(request, pk: int):
    alert = alerts.get_alert_for_user(request.user, pk)
    alerts.alert_mark_read(alert=alert, actor=request.user)
    following = alerts.next_unread(request.user, alert)
    messages.success(request, f"Concern {alert.concern.number} marked as read.")
    if following is not None:
        return redirect("safeguarding:alert", pk=following.pk)
    return redirect("safeguarding:alerts")


# --- Actions -------------------------------------------------------------------------------


@anyone
@require_http_methods(["GET", "POST"])
def action_add(request, pk: int):
    """Add an action to a concern. Posted from an alert or the concern page; on a mistake
    this page shows the form again with what was typed, and nothing is saved."""
    concern = alerts.get_concern_for_action(request.user, pk)
    children = alerts.concern_children(concern)
    offer = draft_offer(request, f"concern-action-{concern.pk}")
    form = ActionForm(request.POST or None, children=children, initial=offer.initial())
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            added = alerts.concern_action_add(
                concern=concern,
                children=form.chosen_children(),
                text=form.cleaned_data["text"],
                actor=request.user,
            )
        except DomainError as exc:
            error = str(exc)
        else:
            draft_discard(author=request.user, form_key=offer.key)
            messages.success(
                request, "Action added." if len(added) == 1 else f"{len(added)} actions added."
            )
            return redirect(_safe_next(request, reverse("safeguarding:concern", args=[pk])))
    if request.method == "GET":
        _viewed(request, concern, children)
    context = {
        "concern": concern,
        "children": children,
        "form": form,
        "error": error,
        "offer": offer,
        "next": _safe_next(request, ""),
    }
    return render(
        request, "safeguarding/alerts_action_form.html", context, status=form_status(form, error)
    )


# --- Re-alert ------------------------------------------------------------------------------


@lead
@require_http_methods(["GET", "POST"])
def realert(request, pk: int):
    concern = alerts.get_concern_for_lead(request.user, pk)
    if not rules.can_realert(request.user, concern):
        raise PermissionDenied  # entered in error: kept, but no longer worked on
    form = RealertForm(request.POST or None, candidates=alerts.realert_candidates(request.user))
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            alert = alerts.concern_realert(
                concern=concern,
                recipient=form.cleaned_data["recipient"],
                message=form.cleaned_data["message"],
                actor=request.user,
            )
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, f"{alert.recipient.full_name} has been asked for an action.")
            return redirect(_safe_next(request, reverse("safeguarding:concern", args=[pk])))
    context = {
        "concern": concern,
        "form": form,
        "error": error,
        "sent": alerts.alerts_on_concern(concern),
        "next": _safe_next(request, ""),
    }
    return render(
        request, "safeguarding/alerts_realert.html", context, status=form_status(form, error)
    )


# --- Cumulative concern alerts -------------------------------------------------------------


@lead
@require_safe
def cumulative_list(request):
    acknowledged = request.GET.get("show") == "acknowledged"
    page, next_before = alerts.cumulative_page(request.user, request, acknowledged=acknowledged)
    context = {
        "cumulative_alerts": page,
        "next_before": next_before,
        "acknowledged": acknowledged,
        "query": "show=acknowledged" if acknowledged else "",
    }
    return render(request, "safeguarding/alerts_cumulative.html", context)


@lead
@require_POST
def cumulative_acknowledge(request, pk: int):
    cumulative = alerts.get_cumulative_for_lead(request.user, pk)
    try:
        alerts.cumulative_acknowledge(cumulative=cumulative, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Cumulative concern alert acknowledged.")
    return redirect("safeguarding:cumulative_alerts")
