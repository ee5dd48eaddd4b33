"""MASH pages: the manager's review, the MASH workspace (family told, information requests,
answers, the MASH record, the onward record), the manager's decision, and the partner
agencies' own queue of requests. Thin: scoped fetch, form, service, redirect.

Front-door staff outside the MASH team get 403 on every MASH page of a contact they could
otherwise open; anyone who may not open the contact gets 404. Partner agency members reach
only ``requests`` and ``request``, and only requests addressed to their own agencies.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.core import clock
from haven.core.errors import DomainError
from haven.core.http import form_status, positive_int
from haven.frontdoor import queries_mash as queries
from haven.frontdoor import workflow
from haven.frontdoor.forms_mash import (
    AnswerForAgencyForm,
    AnswerForm,
    DecisionForm,
    FamilyToldForm,
    MashRecordForm,
    RequestForm,
    ReviewForm,
    SendBackForm,
    WithdrawForm,
)
from haven.frontdoor.models import ContactPerson, InformationRequest, Status
from haven.frontdoor.services import mash as services

front_door_staff = requires(rules.is_front_door_staff)
gatherer = requires(rules.can_gather_mash_information)
decider = requires(rules.can_decide_mash)
partner = requires(rules.is_partner_agency_member)


def _first_child_id(people) -> int | None:
    for row in people:
        if row.role == ContactPerson.Role.CHILD:
            return row.person_id
    return people[0].person_id if people else None


def _base(contact, people=None) -> dict:
    return {
        "contact": contact,
        "people": people if people is not None else queries.contact_people(contact),
        "contact_url": queries.contact_url(contact),
        "rating": services.current_rating(contact),
    }


def _form_page(
    request, contact, form, *, title, button, intro="", error=None, show_form=True, **extra
):
    return render(
        request,
        "frontdoor/mash/form.html",
        {
            **_base(contact),
            "form": form,
            "title": title,
            "button": button,
            "intro": intro,
            "error": error,
            "show_form": show_form,
            **extra,
        },
        status=form_status(
            form, error=error if request.method == "POST" or not show_form else None
        ),
    )


# --- The MASH manager's review ------------------------------------------------------------


@decider
@require_http_methods(["GET", "POST"])
def mash_review(request, pk: int):
    contact = queries.get_contact_for_mash(request.user, pk)
    form = ReviewForm(request.POST or None, initial={"rating": contact.initial_rag or None})
    error = None
    if contact.status != Status.MASH_MANAGER:
        error = workflow.not_waiting(contact, "it is not waiting for the MASH manager's review.")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mash_review(
                contact=contact,
                actor=request.user,
                rating=data["rating"],
                rationale=data["rationale"],
                threshold_uncertain=data["threshold_uncertain"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            contact.refresh_from_db()
            messages.success(
                request,
                f"Contact {contact.reference} reviewed: {contact.get_status_display().lower()}.",
            )
            if contact.status == Status.INFORMATION_GATHERING:
                return redirect("frontdoor:mash", pk=contact.pk)
            return redirect(queries.contact_url(contact) or "frontdoor:mash", pk=contact.pk)
    people = queries.contact_people(contact)
    if request.method == "GET":
        services.mash_viewed(
            contact=contact,
            actor=request.user,
            page="MASH manager's review",
            person_id=_first_child_id(people),
            request=request,
        )
    return render(
        request,
        "frontdoor/mash/review.html",
        {
            **_base(contact, people),
            "form": form,
            "error": error,
            "ratings": queries.ratings(contact),
            "show_form": contact.status == Status.MASH_MANAGER,
        },
        status=form_status(form, error=error if request.method == "POST" else None),
    )


# --- The MASH workspace -------------------------------------------------------------------


@front_door_staff
@require_safe
def mash(request, pk: int):
    contact = queries.get_contact_for_mash(request.user, pk)
    people = queries.contact_people(contact)
    requests_ = queries.contact_requests(contact)
    services.mash_viewed(
        contact=contact,
        actor=request.user,
        page="MASH workspace",
        person_id=_first_child_id(people),
        request=request,
    )
    user = request.user
    gathering = contact.status == Status.INFORMATION_GATHERING
    may_gather = rules.can_gather_mash_information(user)
    asked = [
        r.agency_id
        for r in requests_
        if r.status in (InformationRequest.Status.OPEN, InformationRequest.Status.ANSWERED)
    ]
    answered_agencies = {
        r.agency_id for r in requests_ if r.status == InformationRequest.Status.ANSWERED
    }
    return render(
        request,
        "frontdoor/mash/workspace.html",
        {
            **_base(contact, people),
            "requests": requests_,
            "record": queries.mash_record(contact),
            "onward": queries.onward_record(contact),
            "ratings": queries.ratings(contact),
            "history": queries.history(contact),
            "gathering": gathering,
            "may_gather": may_gather and gathering,
            "may_decide": rules.can_decide_mash(user) and contact.status == Status.MASH_DECISION,
            "may_review": rules.can_decide_mash(user) and contact.status == Status.MASH_MANAGER,
            "family_form": FamilyToldForm(
                initial={
                    "told": {True: "yes", False: "no"}.get(contact.family_told_of_checks),
                    "reason": contact.family_not_told_reason,
                }
            )
            if may_gather and gathering
            else None,
            "request_form": RequestForm(organisation=contact.organisation, asked_ids=asked)
            if may_gather and gathering and contact.family_told_of_checks is not None
            else None,
            "answered_count": len(answered_agencies),
            "record_kind": services.record_kind_for(len(answered_agencies)),
            "needed": services.MASH_RECORD_AGENCIES,
            "now": clock.now(),
        },
    )


@gatherer
@require_http_methods(["GET", "POST"])
def mash_family_told(request, pk: int):
    contact = queries.get_contact_for_mash(request.user, pk)
    form = FamilyToldForm(
        request.POST or None,
        initial={
            "told": {True: "yes", False: "no"}.get(contact.family_told_of_checks),
            "reason": contact.family_not_told_reason,
        },
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.family_told_record(
                contact=contact,
                actor=request.user,
                told=form.cleaned_data["told"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, "What the family was told is recorded.")
            return redirect("frontdoor:mash", pk=contact.pk)
    return _form_page(
        request,
        contact,
        form,
        title="Was the family told about the checks?",
        button="Save",
        intro="Before any checks, tell the family that information will be sought from partner "
        "agencies: what, from whom and why.",
        error=error,
    )


@gatherer
@require_http_methods(["GET", "POST"])
def mash_request_new(request, pk: int):
    contact = queries.get_contact_for_mash(request.user, pk)
    asked = queries.contact_requests(contact)
    asked_ids = [
        r.agency_id
        for r in asked
        if r.status in (InformationRequest.Status.OPEN, InformationRequest.Status.ANSWERED)
    ]
    form = RequestForm(request.POST or None, organisation=contact.organisation, asked_ids=asked_ids)
    error = None
    if contact.family_told_of_checks is None:
        error = services.FAMILY_TOLD_FIRST
    elif request.method == "POST" and form.is_valid():
        try:
            sent = services.information_requests_send(
                contact=contact,
                actor=request.user,
                agencies=list(form.cleaned_data["agencies"]),
                question=form.cleaned_data["question"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            names = ", ".join(r.agency.name for r in sent)
            messages.success(request, f"Information requested from {names}.")
            return redirect("frontdoor:mash", pk=contact.pk)
    return _form_page(
        request,
        contact,
        form,
        title="Ask partner agencies for information",
        button="Send the requests",
        error=error,
        show_form=contact.family_told_of_checks is not None,
    )


def _request_and_contact(user, pk: int):
    """An information request of the user's organisation and its contact, if the user may
    work on it in the MASH (404 otherwise)."""
    found = (
        InformationRequest.objects.for_org(user.organisation)
        .filter(pk=pk)
        .select_related("agency")
        .first()
    )
    if found is None:
        raise Http404
    return found, queries.get_contact_for_mash(user, found.contact_id)


@gatherer
@require_http_methods(["GET", "POST"])
def mash_request_withdraw(request, pk: int):
    """Withdraw one open request (``pk`` is the request's)."""
    found, contact = _request_and_contact(request.user, pk)
    form = WithdrawForm(request.POST or None)
    error = None
    if found.status != InformationRequest.Status.OPEN:
        error = "Only a request awaiting its answer can be withdrawn."
    elif request.method == "POST" and form.is_valid():
        try:
            services.information_request_withdraw(
                info_request=found,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"The request to {found.agency.name} is withdrawn.")
            return redirect("frontdoor:mash", pk=contact.pk)
    return _form_page(
        request,
        contact,
        form,
        title=f"Withdraw the request to {found.agency.name}",
        button="Withdraw the request",
        intro=f"Asked: {found.question}",
        error=error,
        show_form=found.status == InformationRequest.Status.OPEN,
    )


@gatherer
@require_http_methods(["GET", "POST"])
def mash_request_answer_for_agency(request, pk: int):
    """Record an agency's answer given outside Haven (on the telephone, say) on its behalf
    (``pk`` is the request's)."""
    found, contact = _request_and_contact(request.user, pk)
    form = AnswerForAgencyForm(request.POST or None)
    error = None
    if found.status != InformationRequest.Status.OPEN:
        error = "Only a request awaiting its answer can be answered."
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.information_request_answer_for_agency(
                info_request=found,
                actor=request.user,
                method=data["method"],
                given_by=data["given_by"],
                summary=data["summary"],
                may_pass_on=data["may_pass_on"],
                may_share_with_family=data["may_share_with_family"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(
                request, f"{found.agency.name}'s answer is recorded on the agency's behalf."
            )
            return redirect("frontdoor:mash", pk=contact.pk)
    return _form_page(
        request,
        contact,
        form,
        title=f"Record {found.agency.name}'s answer on its behalf",
        button="Record the answer",
        intro=f"Asked: {found.question} For an answer the agency gave outside Haven, on the "
        "telephone or by email: it is recorded as given by them, to you, now.",
        error=error,
        show_form=found.status == InformationRequest.Status.OPEN,
    )


def _agency_summary_draft(requests_) -> str:
    """A starting point for the summary: each agency's answer under its name."""
    parts = []
    for r in requests_:
        if r.status == InformationRequest.Status.ANSWERED:
            parts.append(f"{r.agency.name}:\n{r.summary}")
    return "\n\n".join(parts)


@gatherer
@require_http_methods(["GET", "POST"])
def mash_record(request, pk: int):
    contact = queries.get_contact_for_mash(request.user, pk)
    requests_ = queries.contact_requests(contact)
    record = queries.mash_record(contact)
    initial = {"recommended_rag": services.current_rating(contact) or None}
    if record is not None:
        initial = {
            "agency_summary": record.agency_summary,
            "analysis": record.analysis,
            "recommended_rag": record.recommended_rag,
            "recommended_action": record.recommended_action,
        }
    else:
        initial["agency_summary"] = _agency_summary_draft(requests_)
    form = MashRecordForm(request.POST or None, initial=initial)
    error = None
    if contact.status != Status.INFORMATION_GATHERING:
        error = (
            f"Contact {contact.reference} is {contact.get_status_display().lower()}: the record "
            "cannot be completed now."
        )
    elif request.method == "POST" and form.is_valid():
        try:
            done = services.mash_record_complete(
                contact=contact, actor=request.user, request=request, **form.cleaned_data
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(
                request,
                f"The {services.record_name(done.kind)} is complete and with the MASH manager.",
            )
            return redirect("frontdoor:mash", pk=contact.pk)
    answered = {r.agency_id for r in requests_ if r.status == InformationRequest.Status.ANSWERED}
    if request.method == "GET":
        services.mash_viewed(
            contact=contact, actor=request.user, page="MASH record form", request=request
        )
    return render(
        request,
        "frontdoor/mash/record.html",
        {
            **_base(contact),
            "form": form,
            "error": error,
            "requests": requests_,
            "open_requests": [r for r in requests_ if r.status == InformationRequest.Status.OPEN],
            "record_kind": services.record_kind_for(len(answered)),
            "answered_count": len(answered),
            "needed": services.MASH_RECORD_AGENCIES,
            "show_form": contact.status == Status.INFORMATION_GATHERING,
        },
        status=form_status(form, error=error if request.method == "POST" else None),
    )


# --- The MASH manager's decision ----------------------------------------------------------


@decider
@require_http_methods(["GET", "POST"])
def mash_decide(request, pk: int):
    contact = queries.get_contact_for_mash(request.user, pk)
    record = queries.mash_record(contact)
    form = DecisionForm(
        request.POST or None,
        organisation=contact.organisation,
        initial={"final_rag": record.recommended_rag if record else None},
    )
    error = None
    if contact.status != Status.MASH_DECISION or record is None:
        error = workflow.not_waiting(contact, "it is not waiting for a MASH decision.")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mash_decide(
                contact=contact,
                actor=request.user,
                final_rag=data["final_rag"],
                rationale=data["rationale"],
                outcome=data["outcome"],
                team=data.get("team"),
                early_help_offer=data.get("early_help_offer") or "",
                detail=data.get("detail") or "",
                feedback_to_referrer=data.get("feedback_to_referrer") or "",
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"Contact {contact.reference} is decided.")
            return redirect("frontdoor:mash", pk=contact.pk)
    requests_ = queries.contact_requests(contact)
    people = queries.contact_people(contact)
    if request.method == "GET":
        services.mash_viewed(
            contact=contact,
            actor=request.user,
            page="MASH decision",
            person_id=_first_child_id(people),
            request=request,
        )
    waiting = contact.status == Status.MASH_DECISION and record is not None
    return render(
        request,
        "frontdoor/mash/decide.html",
        {
            **_base(contact, people),
            "form": form,
            "send_back_form": SendBackForm() if waiting else None,
            "error": error,
            "record": record,
            "requests": requests_,
            "ratings": queries.ratings(contact),
            "show_form": waiting,
        },
        status=form_status(form, error=error if request.method == "POST" else None),
    )


@decider
@require_http_methods(["GET", "POST"])
def mash_send_back(request, pk: int):
    contact = queries.get_contact_for_mash(request.user, pk)
    form = SendBackForm(request.POST or None)
    error = None
    if contact.status != Status.MASH_DECISION:
        error = "Only a contact waiting for a MASH decision can be sent back."
    elif request.method == "POST" and form.is_valid():
        try:
            services.mash_send_back(
                contact=contact,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(
                request, f"Contact {contact.reference} is back with the MASH social workers."
            )
            return redirect("frontdoor:mash", pk=contact.pk)
    return _form_page(
        request,
        contact,
        form,
        title="Send back for more information",
        button="Send back",
        error=error,
        show_form=contact.status == Status.MASH_DECISION,
    )


# --- Partner agencies ---------------------------------------------------------------------


@partner
@require_safe
def requests(request):
    before = positive_int(request.GET.get("before"))
    open_requests, answered, next_before = queries.requests_for_partner(request.user, before=before)
    return render(
        request,
        "frontdoor/mash/requests.html",
        {
            "open_requests": open_requests,
            "answered": answered,
            "next_before": next_before,
            "first_page": before is None,
            "open_limit": queries.OPEN_LIST_LIMIT,
            "agencies": list(
                request.user.partner_agencies.filter(organisation=request.user.organisation)
            ),
        },
    )


@partner
@require_http_methods(["GET", "POST"])
def request_(request, pk: int):
    info_request = queries.get_request_for_partner(request.user, pk)
    withdrawn = info_request.status == InformationRequest.Status.WITHDRAWN
    people = [] if withdrawn else queries.contact_people(info_request.contact)
    form = AnswerForm(request.POST or None, request.FILES or None)
    error = None
    is_open = info_request.status == InformationRequest.Status.OPEN
    if request.method == "POST":
        if not is_open:
            error = "This request is no longer open: it cannot be answered."
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.information_request_answer(
                    info_request=info_request,
                    actor=request.user,
                    summary=data["summary"],
                    may_pass_on=data["may_pass_on"],
                    may_share_with_family=data["may_share_with_family"],
                    upload=data.get("attachment"),
                    request=request,
                )
            except DomainError as problem:
                error = str(problem)
            else:
                messages.success(request, "Thank you: your answer is with the MASH.")
                return redirect("frontdoor:requests")
    else:
        services.information_request_viewed(
            info_request=info_request,
            actor=request.user,
            person_id=_first_child_id(people),
            request=request,
        )
    return render(
        request,
        "frontdoor/mash/request.html",
        {
            "info_request": info_request,
            "people": people,
            "form": form,
            "error": error,
            "is_open": is_open,
            "withdrawn": withdrawn,
        },
        status=form_status(form, error=error),
    )


urlpatterns = [
    path("contacts/<int:pk>/mash/", mash, name="mash"),
    path("contacts/<int:pk>/mash/review/", mash_review, name="mash_review"),
    path("contacts/<int:pk>/mash/family-told/", mash_family_told, name="mash_family_told"),
    path("contacts/<int:pk>/mash/requests/new/", mash_request_new, name="mash_request_new"),
    path("mash/requests/<int:pk>/withdraw/", mash_request_withdraw, name="mash_request_withdraw"),
    path(
        "mash/requests/<int:pk>/answer-for-agency/",
        mash_request_answer_for_agency,
        name="mash_request_answer_for_agency",
    ),
    path("contacts/<int:pk>/mash/record/", mash_record, name="mash_record"),
    path("contacts/<int:pk>/mash/decide/", mash_decide, name="mash_decide"),
    path("contacts/<int:pk>/mash/send-back/", mash_send_back, name="mash_send_back"),
    path("requests/", requests, name="requests"),
    path("requests/<int:pk>/", request_, name="request"),
]
