"""The front door's worklist and the pages of the work before the MASH: screening, the initial
RAG rating, social work allocation and the early help decision. Thin: fetch (scoped), form,
service, redirect; the rules are in ``services.screening``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.core.errors import DomainError
from haven.core.http import form_status
from haven.frontdoor import queries, workflow
from haven.frontdoor import worklist as worklist_queries
from haven.frontdoor.forms_screening import (
    AllocationForm,
    EarlyHelpDecisionForm,
    RatingForm,
    ScreeningForm,
)
from haven.frontdoor.models import ContactPerson, Known, Rag, RagRating, Status
from haven.frontdoor.services import screening as services
from haven.frontdoor.services.intake import contact_viewed
from haven.thresholds import prefill as threshold_prefill

staff = requires(rules.is_front_door_staff)
screener = requires(rules.can_screen_contacts)
rater = requires(rules.can_rate_contacts)
allocator = requires(rules.can_allocate_contacts)
early_help = requires(rules.can_make_early_help_decision)


# --- The worklist -------------------------------------------------------------------------


@staff
@require_safe
def worklist(request):
    user = request.user
    stage = request.GET.get("stage", "")
    mine = request.GET.get("mine") == "1"
    page = worklist_queries.worklist(user, stage=stage, mine=mine, after=request.GET.get("after"))
    counts, total, overdue = worklist_queries.stage_counts(user)
    return render(
        request,
        "frontdoor/worklist.html",
        {
            "page": page,
            "counts": counts,
            "total": total,
            "overdue": overdue,
            "stages": worklist_queries.STAGES,
            "my_stages": worklist_queries.stages_for(user),
        },
    )


# --- Shared by the stage pages ------------------------------------------------------------


def _viewed(request, contact, children) -> None:
    """Reading a stage page is reading the children's records: audited like the contact."""
    if request.method == "GET":
        contact_viewed(
            actor=request.user,
            contact=contact,
            child_ids=[p.pk for p in children],
            request=request,
        )


def _moved_on(contact, status: str) -> str:
    if contact.status == status:
        return ""
    return workflow.not_waiting(contact, "there is nothing to do here.")


def _page(request, template, contact, *, forms=(), error=None, **context):
    shown = any(f is not None for f in forms)
    return render(
        request,
        template,
        {"contact": contact, "error": error, **context},
        status=form_status(*forms, error=error if request.method == "POST" or not shown else None),
    )


def _initial_rating(contact):
    return (
        RagRating.objects.for_org(contact.organisation)
        .filter(contact=contact, stage=RagRating.Stage.INITIAL)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
        .first()
    )


# --- Screening ----------------------------------------------------------------------------


@screener
@require_http_methods(["GET", "POST"])
def contact_screen(request, pk: int):
    user = request.user
    contact = queries.get_contact_for_user(user, pk)
    checks = services.screening_checks(contact)
    children = [p.person for p in checks.people if p.link.role == ContactPerson.Role.CHILD]
    adults = [p.person for p in checks.people if p.link.role == ContactPerson.Role.ADULT]
    _viewed(request, contact, children)
    error = _moved_on(contact, Status.SCREENING)
    form = None
    if not error:
        form = ScreeningForm(
            request.POST or None,
            workers=services.allocated_worker_choices(contact.organisation),
            initial={"known": checks.suggested},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.contact_screen(
                    contact=contact,
                    actor=user,
                    known=data["known"],
                    note=data["note"],
                    allocated_worker=data["allocated_worker"],
                    request=request,
                )
            except DomainError as problem:
                error = str(problem)
            else:
                if contact.status == Status.PASSED_TO_WORKER:
                    messages.success(
                        request,
                        f"Contact {contact.reference} has gone to "
                        f"{contact.allocated_worker.full_name}, who has been told.",
                    )
                else:
                    messages.success(
                        request,
                        f"Contact {contact.reference} is screened and waits for its RAG rating.",
                    )
                return redirect("frontdoor:worklist")
    return _page(
        request,
        "frontdoor/screening/screen.html",
        contact,
        forms=[form],
        error=error,
        form=form,
        checks=checks,
        children=children,
        adults=adults,
    )


# --- The initial RAG rating ---------------------------------------------------------------


def routing_table(contact) -> list[dict]:
    """Each rating with where it would send this contact, and whether it may be chosen."""
    rows = []
    for value, label in Rag.choices:
        route = services.route_for(value, known=contact.known)
        blocked = ""
        if route.status == Status.ALLOCATION:
            blocked = services.consent_problem(contact)
        rows.append({"rating": label, "route": route, "blocked": blocked})
    return rows


@rater
@require_http_methods(["GET", "POST"])
def contact_rate(request, pk: int):
    user = request.user
    contact = queries.get_contact_for_user(user, pk)
    children, adults = queries.contact_people_by_role(contact)
    _viewed(request, contact, children)
    error = _moved_on(contact, Status.RATING)
    form = prefill = None
    if not error:
        # A threshold decision on the contact starts the rating at the level's RAG rating.
        prefill = threshold_prefill.for_rating(contact)
        form = RatingForm(request.POST or None, initial=prefill.initial if prefill else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.contact_rate(
                    contact=contact, actor=user, request=request, **form.rating_data()
                )
            except DomainError as problem:
                error = str(problem)
            else:
                route = services.route_for(
                    contact.initial_rag,
                    known=contact.known,
                    threshold_uncertain=contact.threshold_uncertain,
                )
                messages.success(
                    request,
                    f"Contact {contact.reference} is rated "
                    f"{contact.get_initial_rag_display().lower()} and has gone to {route.label}.",
                )
                if contact.status == Status.ALLOCATION and rules.can_allocate_contacts(user):
                    return redirect("frontdoor:contact_allocate", pk=contact.pk)
                return redirect("frontdoor:worklist")
    return _page(
        request,
        "frontdoor/screening/rate.html",
        contact,
        forms=[form],
        error=error,
        form=form,
        children=children,
        adults=adults,
        routes=routing_table(contact),
        previously_known=contact.known == Known.PREVIOUSLY_KNOWN,
        prefill=prefill,
        may_decide_threshold=rules.can_decide_threshold_on_contact(user, contact),
    )


# --- Social work allocation ---------------------------------------------------------------


@allocator
@require_http_methods(["GET", "POST"])
def contact_allocate(request, pk: int):
    user = request.user
    contact = queries.get_contact_for_user(user, pk)
    children, adults = queries.contact_people_by_role(contact)
    _viewed(request, contact, children)
    error = _moved_on(contact, Status.ALLOCATION)
    form = None
    if not error:
        form = AllocationForm(
            request.POST or None, teams=services.social_work_teams(contact.organisation)
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == AllocationForm.ALLOCATE:
                    services.contact_allocate(
                        contact=contact,
                        actor=user,
                        team=data["team"],
                        note=data["note"],
                        feedback_to_referrer=data["feedback_to_referrer"],
                        request=request,
                    )
                    done = f"has been allocated to {data['team'].name}"
                elif data["action"] == AllocationForm.MEETING:
                    services.contact_send_to_allocation_meeting(
                        contact=contact, actor=user, reason=data["note"], request=request
                    )
                    done = "is for the daily allocation meeting"
                else:
                    services.contact_allocation_step_up(
                        contact=contact, actor=user, reason=data["note"], request=request
                    )
                    done = "has gone to the MASH manager"
            except DomainError as problem:
                error = str(problem)
            else:
                messages.success(request, f"Contact {contact.reference} {done}.")
                return redirect("frontdoor:worklist")
    return _page(
        request,
        "frontdoor/screening/allocate.html",
        contact,
        forms=[form],
        error=error,
        form=form,
        children=children,
        adults=adults,
        rating=_initial_rating(contact),
        consent_problem=services.consent_problem(contact),
    )


# --- Early help ---------------------------------------------------------------------------


@early_help
@require_http_methods(["GET", "POST"])
def contact_early_help(request, pk: int):
    user = request.user
    contact = queries.get_contact_for_user(user, pk)
    children, adults = queries.contact_people_by_role(contact)
    _viewed(request, contact, children)
    error = _moved_on(contact, Status.EARLY_HELP)
    running = services.running_clock(contact) if not error else None
    taken = services.is_taken_by_early_help(contact, running)
    form = prefill = None
    if not error:
        taking = request.method == "POST" and request.POST.get("action") == "take"
        # A threshold decision on the contact starts the decision at what its level leads to.
        prefill = threshold_prefill.for_early_help(contact)
        form = EarlyHelpDecisionForm(
            None if taking else (request.POST or None),
            initial=prefill.initial if prefill else None,
        )
        if taking:
            try:
                services.contact_early_help_take(contact=contact, actor=user, request=request)
            except DomainError as problem:
                error = str(problem)
            else:
                messages.success(
                    request,
                    f"You have taken contact {contact.reference}. The early help decision is "
                    f"due by {contact.due_at:%d/%m/%Y %H:%M}."
                    if contact.due_at
                    else f"You have taken contact {contact.reference}.",
                )
                return redirect("frontdoor:contact_early_help", pk=contact.pk)
        elif request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.contact_early_help_decide(
                    contact=contact,
                    actor=user,
                    decision=data["decision"],
                    offer=data["offer"],
                    rationale=data["rationale"],
                    feedback_to_referrer=data["feedback_to_referrer"],
                    request=request,
                )
            except DomainError as problem:
                error = str(problem)
            else:
                if contact.status == Status.MASH_MANAGER:
                    done = "has been stepped up to the MASH manager"
                else:
                    done = f"is decided: {contact.get_outcome_display().lower()}"
                messages.success(request, f"Contact {contact.reference} {done}.")
                return redirect("frontdoor:worklist")
    return _page(
        request,
        "frontdoor/screening/early_help.html",
        contact,
        forms=[form],
        error=error,
        form=form,
        children=children,
        adults=adults,
        rating=_initial_rating(contact),
        running=running,
        taken=taken,
        prefill=prefill,
        may_decide_threshold=rules.can_decide_threshold_on_contact(user, contact),
    )


urlpatterns = [
    path("", worklist, name="worklist"),
    path("contacts/<int:pk>/screen/", contact_screen, name="contact_screen"),
    path("contacts/<int:pk>/rate/", contact_rate, name="contact_rate"),
    path("contacts/<int:pk>/allocate/", contact_allocate, name="contact_allocate"),
    path("contacts/<int:pk>/early-help/", contact_early_help, name="contact_early_help"),
]
