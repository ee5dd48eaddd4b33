"""Safeguarding case pages. Thin: fetch (scoped), form, service, redirect."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.cases import queries, services
from haven.cases.forms import (
    CaseEditForm,
    CaseForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    LaNotifiedForm,
    MonitoringForm,
    ReopenForm,
    ThresholdForm,
)
from haven.cases.models import CaseThreshold, Status
from haven.core import clock
from haven.core.errors import DomainError
from haven.core.http import form_status, positive_int
from haven.drafts.services import draft_discard, draft_offer
from haven.people.queries import get_person_for_user
from haven.thresholds import prefill as threshold_prefill

worker = requires(rules.can_work_with_cases)
configurer = requires(rules.can_configure_thresholds)
leads = requires(rules.can_see_all_open_cases)


def _cursor(value: str | None):
    if not value or "_" not in value:
        return None
    day, _, pk = value.partition("_")
    number = positive_int(pk)
    if number is None:
        return None
    try:
        return date.fromisoformat(day), number
    except ValueError:
        return None


# --- Lists --------------------------------------------------------------------------------


@worker
@require_safe
def mine(request):
    include_closed = request.GET.get("show") == "all"
    after = queries.parse_my_cases_cursor(request.GET.get("after"))
    cases, cursor, today = queries.my_cases(
        request.user, include_closed=include_closed, after=after
    )
    return render(
        request,
        "cases/mine.html",
        {
            "cases": cases,
            "next_cursor": cursor,
            "first_page": after is None,
            "include_closed": include_closed,
            "today": today,
            "awaiting": queries.closures_awaiting(request.user),
        },
    )


@leads
@require_safe
def all_open(request):
    owner_id = positive_int(request.GET.get("owner"))
    overdue_only = request.GET.get("overdue") == "1"
    page, cursor, today = queries.all_open_cases(
        request.user,
        owner_id=owner_id,
        overdue_only=overdue_only,
        after=_cursor(request.GET.get("after")),
    )
    return render(
        request,
        "cases/all_open.html",
        {
            "cases": page,
            "next_cursor": cursor,
            "today": today,
            "summary": queries.open_cases_summary(request.user),
            "owner_id": owner_id,
            "overdue_only": overdue_only,
        },
    )


# --- Opening a case -----------------------------------------------------------------------


def _new_case_sources(request):
    """The child (required), and the engagement or triaged concern the case comes from, all
    fetched through the reader's own access."""

    def source_get(name):
        return request.POST.get(name) or request.GET.get(name)

    engagement = concern = None
    engagement_pk = positive_int(source_get("engagement"))
    if engagement_pk is not None:
        from haven.programmes.queries import get_engagement_for_user

        engagement = get_engagement_for_user(request.user, engagement_pk)
        child = engagement.child
    else:
        child_pk = positive_int(source_get("child"))
        if child_pk is None:
            return None, None, None
        child = get_person_for_user(request.user, child_pk)
    concern_pk = positive_int(source_get("concern"))
    if concern_pk is not None:
        concern = _concern_for(request.user, concern_pk)
    return child, engagement, concern


def _open_engagements(user, child) -> list:
    """The child's open engagements the reader may see: where a new case could sit."""
    from haven.programmes.queries import child_engagements

    return child_engagements(user, child)["open_engagements"] if child.is_child else []


def _concern_for(user, pk: int):
    """A concern the reader may see (triage passes the one being decided)."""
    from haven.safeguarding.models import Concern

    concern = Concern.objects.for_org(user.organisation).filter(pk=pk).first()
    if concern is None or not rules.can_view_concern(user, concern):
        raise Http404
    return concern


@worker
@require_http_methods(["GET", "POST"])
def case_new(request):
    child, engagement, concern = _new_case_sources(request)
    if child is None:
        # A case is always about one child: send the reader to find them first.
        return render(
            request, "cases/choose_child.html", status=400 if request.method == "POST" else 200
        )
    user = request.user
    organisation = user.organisation
    default, reason = services.default_threshold_for(child)
    offer = draft_offer(request, f"case-new-{child.pk}-{engagement.pk if engagement else 0}")
    now = timezone.localtime(clock.now())
    initial = {
        "owner": engagement.key_person if engagement and engagement.key_person else user,
        "manager": user.line_manager,
        "threshold": default,
        "incident_date": clock.today(),
        "incident_time": f"{now:%H:%M}",
    }
    thresholds = list(queries.thresholds_for(organisation))
    prefill = None
    if concern is not None:
        local = timezone.localtime(concern.occurred_at)
        initial |= {"incident_date": local.date(), "incident_time": f"{local:%H:%M}"}
        if default is None:
            # No statutory status sets the threshold: the concern's threshold decision does.
            prefill = threshold_prefill.for_new_case(concern, thresholds)
            initial |= prefill.initial if prefill else {}
    initial |= offer.initial() or {}
    engagements = [] if engagement else _open_engagements(user, child)
    form = CaseForm(
        request.POST or None,
        organisation=organisation,
        may_record_la=rules.can_record_la_notification(user),
        engagements=engagements,
        initial=initial,
    )
    error = None
    if not child.is_child:
        error = f"{child.full_name} is an adult. Safeguarding cases are about children."
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("within"):
            engagement = next(e for e in engagements if e.pk == data["within"])
        try:
            case = services.case_open(
                actor=user,
                child=child,
                data=data,
                engagement=engagement,
                concern=concern,
                la_notified_at=data.get("la_notified_at"),
                la_reference=data.get("la_reference", ""),
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            draft_discard(author=user, form_key=offer.key)
            messages.success(request, f"{case} has been opened.")
            return redirect("cases:case", pk=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {
            "form": form,
            "child": child,
            "engagement": engagement,
            "concern": concern,
            "threshold_reason": reason,
            "prefill": prefill,
            "thresholds": thresholds,
            "error": error,
            "offer": offer,
            "draft_label": f"New safeguarding case for {child.full_name}",
            "open_cases": list(
                queries.cases_visible_to(user).filter(
                    child=child, status__in=[s for s in Status.values if s != Status.CLOSED]
                )
            ),
        },
        status=form_status(form, error=error if request.method == "POST" or error else None),
    )


# --- The case page ------------------------------------------------------------------------


@worker
@require_safe
def case_detail(request, pk: int):
    case = queries.get_case_for_user(request.user, pk)
    services.case_viewed(case=case, actor=request.user, request=request)
    return render(request, "cases/case.html", queries.case_page(case, request.user))


@worker
@require_http_methods(["GET", "POST"])
def case_edit(request, pk: int):
    """Change the case's details; every change is kept in the case's edit history."""
    case = queries.get_case_for_user(request.user, pk, for_write=True)
    if request.method == "GET":
        # The form shows the whole case, so reading it is audited like the case page.
        services.case_viewed(case=case, actor=request.user, request=request)
    offer = draft_offer(request, f"case-edit-{case.pk}")
    thresholds = list(queries.thresholds_for(case.organisation))
    # A threshold decision made since the case was last edited starts the threshold there.
    prefill = None if case.is_closed else threshold_prefill.for_case(case, thresholds)
    form = CaseEditForm(
        request.POST or None,
        case=case,
        initial=CaseEditForm.initial_for(case)
        | (prefill.initial if prefill else {})
        | (offer.initial() or {}),
    )
    error = None
    if case.is_closed:
        error = services.CLOSED_CASE_EDIT
    elif request.method == "POST" and form.is_valid():
        try:
            edit = services.case_edit(
                case=case, actor=request.user, data=form.cleaned_data, request=request
            )
        except DomainError as problem:
            error = str(problem)
        else:
            draft_discard(author=request.user, form_key=offer.key)
            if edit is None:
                messages.info(request, "Nothing was changed.")
            else:
                messages.success(
                    request, f"{case} has been updated: {', '.join(edit.field_labels).lower()}."
                )
            return redirect("cases:case", pk=case.pk)
    return render(
        request,
        "cases/case_edit.html",
        {
            "case": case,
            "child": case.child,
            "form": form,
            "error": error,
            "offer": offer,
            "draft_label": f"Changes to {case}",
            "prefill": prefill,
            "thresholds": thresholds,
        },
        status=form_status(form, error=error),
    )


def _small(request, case, form, *, title, button, error=None, intro="", show_form=True, **extra):
    return render(
        request,
        "cases/small_form.html",
        {
            "case": case,
            "child": case.child,
            "form": form,
            "title": title,
            "button": button,
            "error": error,
            "intro": intro,
            "show_form": show_form,
            **extra,
        },
        status=form_status(
            form, error=error if request.method == "POST" or not show_form else None
        ),
    )


@worker
@require_http_methods(["GET", "POST"])
def monitoring_new(request, pk: int):
    case = queries.get_case_for_user(request.user, pk, for_write=True)
    offer = draft_offer(request, f"case-monitoring-{case.pk}")
    form = MonitoringForm(
        request.POST or None,
        initial={
            "given_by_name": request.user.full_name,
            "given_by_role": request.user.job_title,
            **(offer.initial() or {}),
        },
    )
    error = None
    if case.is_closed:
        error = "This case is closed. A DSL can reopen it if there is more to do."
    elif request.method == "POST" and form.is_valid():
        try:
            services.case_add_monitoring(
                case=case, actor=request.user, data=form.cleaned_data, request=request
            )
        except DomainError as problem:
            error = str(problem)
        else:
            draft_discard(author=request.user, form_key=offer.key)
            messages.success(
                request,
                f"The monitoring action has been added. The next update is due by "
                f"{case.next_update_due:%d/%m/%Y}.",
            )
            return redirect("cases:case", pk=case.pk)
    return _small(
        request,
        case,
        form,
        title="Add a monitoring action",
        button="Save the monitoring action",
        error=error,
        intro=f"Updates on this case are due every {case.threshold.review_days} days "
        f"({case.threshold.name}). Facts, not opinion.",
        show_form=not case.is_closed,
        offer=offer,
        draft_label=f"Monitoring action on {case}",
    )


@worker
@require_http_methods(["GET", "POST"])
def closure_request(request, pk: int):
    case = queries.get_case_for_user(request.user, pk, for_write=True)
    approvers = services.eligible_approvers(case, request.user)
    line_manager = request.user.line_manager
    default = line_manager if line_manager and approvers.filter(pk=line_manager.pk) else None
    form = ClosureRequestForm(
        request.POST or None, approvers=approvers, initial={"approver": default}
    )
    error = None
    can_ask = case.status in (Status.OPEN, Status.MONITORING)
    if not can_ask:
        error = f"This case is {case.get_status_display().lower()}: it cannot be put forward."
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            closure = services.case_request_closure(
                case=case,
                actor=request.user,
                approver=data["approver"],
                comments=data["comments"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(
                request, f"Your closure request has gone to {closure.approver.full_name}."
            )
            return redirect("cases:case", pk=case.pk)
    return _small(
        request,
        case,
        form,
        title="Request closure",
        button="Submit for approval",
        error=error,
        intro="Once all agreed actions are done, ask your line manager to approve closing "
        "the case. Closing the case does not close the programme engagement.",
        show_form=can_ask,
    )


@worker
@require_http_methods(["GET", "POST"])
def closure_decide(request, pk: int):
    closure = queries.get_closure_for_user(request.user, pk)
    case = closure.case
    if request.method == "GET":
        # The decision page shows the case, so reading it is audited like the case page.
        services.case_viewed(case=case, actor=request.user, request=request)
    form = ClosureDecisionForm(request.POST or None)
    error = None
    if not closure.is_pending:
        error = f"This request was already {closure.get_decision_display().lower()}."
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_decide_closure(
                closure=closure,
                actor=request.user,
                approve=data["decision"] == "approve",
                comment=data["comment"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            if closure.decision == closure.Decision.APPROVED:
                messages.success(request, f"{case} is closed.")
            else:
                messages.success(request, f"{case} goes back to monitoring.")
            return redirect("cases:case", pk=case.pk)
    return _small(
        request,
        case,
        form,
        title="Decide a closure request",
        button="Record the decision",
        error=error,
        show_form=closure.is_pending,
        closure=closure,
    )


@worker
@require_http_methods(["GET", "POST"])
def reopen(request, pk: int):
    case = queries.get_case_for_user(request.user, pk)
    if not rules.can_reopen_case(request.user, case):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = ReopenForm(request.POST or None)
    error = None
    if not case.is_closed:
        error = "This case is not closed."
    elif request.method == "POST" and form.is_valid():
        try:
            services.case_reopen(
                case=case, actor=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"{case} has been reopened.")
            return redirect("cases:case", pk=case.pk)
    return _small(
        request,
        case,
        form,
        title="Reopen the case",
        button="Reopen",
        error=error,
        show_form=case.is_closed,
    )


@worker
@require_http_methods(["GET", "POST"])
def la_notified(request, pk: int):
    case = queries.get_case_for_user(request.user, pk)
    if not rules.can_record_la_notification(request.user, case):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = LaNotifiedForm(
        request.POST or None,
        initial={"reference": case.la_reference},
    )
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_record_la_notification(
                case=case,
                actor=request.user,
                notified_at=data["notified_at"],
                reference=data["reference"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, "The local authority notification has been recorded.")
            return redirect("cases:case", pk=case.pk)
    return _small(
        request,
        case,
        form,
        title="Local authority notified",
        button="Save",
        error=error,
        intro="Record when the local authority was notified, and its reference.",
    )


# --- Thresholds (administrators) ----------------------------------------------------------


@configurer
@require_http_methods(["GET", "POST"])
def thresholds(request):
    form = ThresholdForm(request.POST or None, initial={"is_active": True, "review_days": 21})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            threshold = services.threshold_save(actor=request.user, data=form.cleaned_data)
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"The {threshold.name} threshold has been added.")
            return redirect("cases:thresholds")
    return render(
        request,
        "cases/thresholds.html",
        {
            "form": form,
            "error": error,
            "thresholds": list(
                queries.thresholds_for(request.user.organisation, active_only=False)
            ),
        },
        status=form_status(form, error=error),
    )


@configurer
@require_http_methods(["GET", "POST"])
def threshold_edit(request, pk: int):
    threshold = CaseThreshold.objects.for_org(request.user.organisation).filter(pk=pk).first()
    if threshold is None:
        raise Http404
    form = ThresholdForm(request.POST or None, instance=threshold)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.threshold_save(actor=request.user, threshold=threshold, data=form.cleaned_data)
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"The {threshold.name} threshold has been saved.")
            return redirect("cases:thresholds")
    return render(
        request,
        "cases/threshold_form.html",
        {"form": form, "error": error, "threshold": threshold},
        status=form_status(form, error=error),
    )
