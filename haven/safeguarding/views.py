"""Concern pages: record, read, correct, mark in error; and the safeguarding configuration.
Thin: fetch (scoped), form, service, redirect."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from haven.access import rules
from haven.access.decorators import _to_elevate, requires
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.core.errors import DomainError
from haven.core.http import form_status
from haven.drafts.services import draft_discard, draft_offer
from haven.people import search
from haven.people.models import Person
from haven.safeguarding import queries, services
from haven.safeguarding.forms import (
    CategoryForm,
    ConcernForm,
    ErrorForm,
    PermissionForm,
    SettingsForm,
    initial_from,
)
from haven.safeguarding.models import ConcernCategory

recorder = requires(rules.can_record_concern, elevated=False)
configurer = requires(rules.can_configure_safeguarding)
NEW_DRAFT = "concern-new"
FOUND_LIMIT = 10


def reader(view):
    """Reading concerns: any member of staff, with the second factor proved if their role
    reads children's histories (a member of staff needs none)."""

    @recorder
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if rules.concern_needs_second_factor(user) and not rules.is_elevated(user):
            return _to_elevate(request)
        return view(request, *args, **kwargs)

    return wrapped


# --- Finding a child to record a concern about ---------------------------------------------


def _children(organisation):
    return Person.objects.for_org(organisation).filter(
        kind=Person.Kind.CHILD, merged_into__isnull=True
    )


def find_children(request, query: str) -> list[Person]:
    """Children matching ``query``, for choosing who a concern is about.

    Any member of staff may use this, without a second factor, so it shows only what is
    needed to pick the right child (name, date of birth, year and class) and records every
    search in the audit trail.
    """
    query = " ".join((query or "").split())[:100]
    if len(query) < 2:
        return []
    organisation = request.user.organisation
    found = search.search(organisation, query, visible=_children(organisation))[:FOUND_LIMIT]
    record_event(
        action=Action.SEARCH,
        actor=request.user,
        request=request,
        detail={
            "what": "finding a child to record a concern",
            "query": query,
            "results": len(found),
        },
    )
    return found


@recorder
@require_safe
def children_found(request):
    """The finder's results as a fragment (htmx, as the person types)."""
    mode = "linked" if "linked_q" in request.GET else "child"
    query = request.GET.get(f"{mode}_q", "")
    return render(
        request,
        "safeguarding/_found_children.html",
        {"found": find_children(request, query), "mode": mode, "query": query},
    )


def _chosen(form, organisation) -> tuple[Person | None, list[Person]]:
    """The children already chosen on the form (posted, restored or prefilled)."""
    if form.is_bound:
        child_id = form.data.get("child")
        linked_ids = form.data.getlist("linked_children")
    else:
        child_id = form.initial.get("child")
        linked_ids = form.initial.get("linked_children") or []
        if isinstance(linked_ids, str):
            linked_ids = [linked_ids]
    ids = [str(i) for i in [child_id, *linked_ids] if str(i or "").isdigit()]
    people = {str(p.pk): p for p in _children(organisation).filter(pk__in=ids)} if ids else {}
    child = people.get(str(child_id))
    linked = [people[i] for i in dict.fromkeys(str(x) for x in linked_ids) if i in people]
    return child, [p for p in linked if child is None or p.pk != child.pk]


# --- Recording ----------------------------------------------------------------------------


def _form_context(request, form, *, error=None, found=(), mode=None, query="") -> dict:
    user = request.user
    settings = queries.settings_for(user.organisation)
    child, linked = _chosen(form, user.organisation)
    return {
        "form": form,
        "error": error,
        "chosen_child": child,
        "chosen_linked": linked,
        "found": found,
        "found_mode": mode,
        "found_query": query,
        "settings": settings,
        "dsl_team_always": settings.always_alert_dsl_team and settings.dsl_team_id,
    }


def _finding(request) -> str | None:
    """Which finder button was pressed (the page works without JavaScript too)."""
    for mode in ("child", "linked"):
        if request.method == "POST" and f"find_{mode}" in request.POST:
            return mode
    return None


def _initial_new(request, offer) -> dict:
    now = timezone.localtime(clock.now())
    initial = {
        "occurred_date": now.date(),
        "occurred_time": now.strftime("%H:%M"),
        "status": "open",
    }
    initial |= offer.initial() or {}
    prefill = request.GET.get("child", "")
    digits = prefill.isascii() and prefill.isdigit() and len(prefill) < 19
    if digits and _children(request.user.organisation).filter(pk=int(prefill)).exists():
        initial["child"] = int(prefill)
    return initial


MULTIPLE = {"linked_children", "agencies", "alert_teams", "alert_people"}


def _as_initial(post) -> dict:
    """What was typed so far, as starting values: finding a child must not validate (and
    complain about) a form the person has not finished."""
    return {k: v if k in MULTIPLE else v[-1] for k, v in post.lists()}


@recorder
@require_http_methods(["GET", "POST"])
def concern_new(request):
    user = request.user
    offer = draft_offer(request, NEW_DRAFT)
    mode = _finding(request)
    form = ConcernForm(
        None if mode else (request.POST or None),
        None if mode else (request.FILES or None),
        user=user,
        categories=queries.categories_for(user),
        initial=_as_initial(request.POST) if mode else _initial_new(request, offer),
    )
    error = None
    if mode:
        query = request.POST.get(f"{mode}_q", "")
        context = _form_context(
            request, form, found=find_children(request, query), mode=mode, query=query
        )
        return render(
            request, "safeguarding/concern_form.html", context | {"offer": offer, "finding": True}
        )
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_record(
                actor=user,
                data=form.concern_data(),
                alert_teams=form.cleaned_data.get("alert_teams") or [],
                alert_people=form.cleaned_data.get("alert_people") or [],
                attachments=form.cleaned_data.get("attachments") or [],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            draft_discard(author=user, form_key=NEW_DRAFT)
            alerted = concern.alerted
            messages.success(
                request,
                f"Concern {concern.number} has been recorded"
                + (
                    f" and {alerted} {'person' if alerted == 1 else 'people'} alerted."
                    if alerted
                    else "."
                ),
            )
            if rules.can_view_concern(user, concern):
                return redirect("safeguarding:concern", pk=concern.pk)
            return redirect("safeguarding:mine")
    return render(
        request,
        "safeguarding/concern_form.html",
        _form_context(request, form, error=error) | {"offer": offer},
        status=form_status(form, error=error),
    )


# --- Reading --------------------------------------------------------------------------------


@reader
@require_safe
def concern_detail(request, pk: int):
    user = request.user
    concern = queries.get_concern_for_user(user, pk)
    services.concern_viewed(actor=user, concern=concern, request=request)
    context = {
        "concern": concern,
        "can_edit": rules.can_edit_concern(user, concern),
        "can_mark_error": rules.can_mark_concern_in_error(user, concern),
        **queries.concern_page(concern),
    }
    if rules.can_view_front_door_referrals(user):
        from haven.frontdoor.services.referrals import referrals_for_concern

        context["front_door_referrals"] = referrals_for_concern(user, concern)
    return render(request, "safeguarding/concern.html", context)


@reader
@require_safe
def mine(request):
    context = queries.my_concerns(request.user, request)
    return render(request, "safeguarding/mine.html", context)


# --- Correcting -----------------------------------------------------------------------------


@reader
@require_http_methods(["GET", "POST"])
def concern_edit(request, pk: int):
    user = request.user
    concern = queries.get_concern_for_user(user, pk, for_write=True)
    page = queries.concern_page(concern)
    key = f"concern-edit-{concern.pk}"
    offer = draft_offer(request, key)
    initial = initial_from(concern, page["children"], page["agencies"]) | (offer.initial() or {})
    mode = _finding(request)
    form = ConcernForm(
        None if mode else (request.POST or None),
        None if mode else (request.FILES or None),
        user=user,
        categories=queries.categories_for(user, include=[concern.category, concern.subcategory]),
        initial=_as_initial(request.POST) if mode else initial,
        editing=True,
    )
    if mode:
        query = request.POST.get(f"{mode}_q", "")
        context = _form_context(
            request, form, found=find_children(request, query), mode=mode, query=query
        )
        return render(
            request,
            "safeguarding/concern_form.html",
            context | {"offer": offer, "concern": concern, "finding": True},
        )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_edit(
                actor=user,
                concern=concern,
                data=form.concern_data(),
                reason=form.cleaned_data["reason"],
                attachments=form.cleaned_data.get("attachments") or [],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            draft_discard(author=user, form_key=key)
            messages.success(
                request, f"Concern {concern.number} now reads as version {concern.version}."
            )
            return redirect("safeguarding:concern", pk=concern.pk)
    return render(
        request,
        "safeguarding/concern_form.html",
        _form_context(request, form, error=error) | {"offer": offer, "concern": concern},
        status=form_status(form, error=error),
    )


@reader
@require_http_methods(["GET", "POST"])
def concern_error(request, pk: int):
    user = request.user
    concern = queries.get_concern_for_user(user, pk)
    if not rules.can_mark_concern_in_error(user, concern):
        if concern.entered_in_error:
            messages.info(request, "This concern is already marked as entered in error.")
            return redirect("safeguarding:concern", pk=concern.pk)
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = ErrorForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_mark_error(
                actor=user, concern=concern, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"Concern {concern.number} is marked as entered in error.")
            return redirect("safeguarding:concern", pk=concern.pk)
    return render(
        request,
        "safeguarding/concern_error.html",
        {"form": form, "concern": concern, "error": error},
        status=form_status(form, error=error),
    )


# --- Configuration --------------------------------------------------------------------------


@configurer
@require_http_methods(["GET", "POST"])
def admin_categories(request):
    organisation = request.user.organisation
    form = CategoryForm(
        request.POST or None, organisation=organisation, initial={"is_active": True}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            category = services.category_save(actor=request.user, **data)
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"“{category}” was added.")
            return redirect("safeguarding:admin_categories")
    return render(
        request,
        "safeguarding/admin/categories.html",
        {"form": form, "categories": queries.taxonomy(organisation)},
        status=form_status(form),
    )


@configurer
@require_http_methods(["GET", "POST"])
def admin_category(request, pk: int):
    organisation = request.user.organisation
    category = ConcernCategory.objects.for_org(organisation).filter(pk=pk).first()
    if category is None:
        from django.http import Http404

        raise Http404
    form = CategoryForm(
        request.POST or None,
        organisation=organisation,
        exclude=category,
        initial={
            "name": category.name,
            "description": category.description,
            "parent": category.parent_id,
            "position": category.position,
            "is_active": category.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(actor=request.user, category=category, **form.cleaned_data)
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"“{category}” was saved.")
            return redirect("safeguarding:admin_categories")
    return render(
        request,
        "safeguarding/admin/category.html",
        {"form": form, "category": category},
        status=form_status(form),
    )


@configurer
@require_http_methods(["GET", "POST"])
def admin_permissions(request):
    organisation = request.user.organisation
    form = PermissionForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.category_permission_set(actor=request.user, **data)
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "The team's permission was saved.")
            return redirect("safeguarding:admin_permissions")
    return render(
        request,
        "safeguarding/admin/permissions.html",
        {"form": form, "permissions": queries.category_permissions(organisation)},
        status=form_status(form),
    )


@configurer
@require_http_methods(["GET", "POST"])
def admin_settings(request):
    organisation = request.user.organisation
    current = queries.settings_for(organisation)
    form = SettingsForm(request.POST or None, instance=current, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.safeguarding_settings_update(
                actor=request.user,
                request=request,
                **{name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS},
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Safeguarding settings saved.")
            return redirect("safeguarding:admin_settings")
    return render(
        request, "safeguarding/admin/settings.html", {"form": form}, status=form_status(form)
    )


def concern_url(concern) -> str:
    return reverse("safeguarding:concern", args=[concern.pk])
