"""Programme pages. Thin: fetch (scoped), form, service, redirect."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.configuration.queries import options
from haven.core import clock
from haven.core.errors import DomainError
from haven.core.http import form_status, positive_int
from haven.people.queries import get_person_for_user
from haven.programmes import queries, reports, services
from haven.programmes.forms import (
    AgencyForm,
    CloseForm,
    ConsultationForm,
    DeliveryForm,
    EngagementForm,
    EnteredInErrorForm,
    OpenAccessForm,
    ProgrammeForm,
    RegisterChoiceForm,
    ReportPeriodForm,
    ServiceForm,
    action_entries,
    follow_up_formset,
    new_token,
)
from haven.programmes.models import (
    ABSENT,
    Agency,
    Attendance,
    Batch,
    Correction,
    Engagement,
    Service,
)
from haven.programmes.services import DeliveryRow

worker = requires(rules.can_work_with_programmes)
configurer = requires(rules.can_configure_programmes)


# --- Lists ---------------------------------------------------------------------------------


@worker
@require_safe
def home(request):
    programmes = list(queries.programmes_for(request.user).exclude(status="cancelled"))
    return render(request, "programmes/home.html", {"programmes": programmes})


@worker
@require_safe
def mine(request):
    engagements = queries.my_engagements(request.user)
    return render(request, "programmes/mine.html", {"engagements": engagements})


@worker
@require_safe
def programme_detail(request, pk: int):
    programme = queries.get_programme_for_user(request.user, pk)
    context = {"programme": programme, **queries.programme_page(request.user, programme)}
    return render(request, "programmes/programme.html", context)


# --- Engagements ---------------------------------------------------------------------------


@worker
@require_http_methods(["GET", "POST"])
def engagement_new(request, person_pk: int):
    child = get_person_for_user(request.user, person_pk)
    organisation = request.user.organisation
    initial = {
        "referral_date": clock.today(),
        "key_person": request.user,
        "medical_details": child.medical_details,
        "allergies": child.allergies,
        "programme": request.GET.get("programme"),
    }
    form = EngagementForm(
        request.POST or None, child=child, organisation=organisation, initial=initial
    )
    error = None
    if not child.is_child:
        error = (
            f"{child.full_name} is an adult. Programme engagements are for children: open the "
            "child's record and add them to the programme there."
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            engagement = services.engagement_create(
                actor=request.user,
                child=child,
                programme=data["programme"],
                data=data,
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"{engagement.name} has been opened.")
            return redirect("programmes:engagement", pk=engagement.pk)
    earlier = list(
        Engagement.objects.for_org(organisation)
        .filter(child=child)
        .filter(rules.engagement_access_q(request.user))
        .select_related("programme")
        .order_by("-referral_date")
    )
    return render(
        request,
        "programmes/engagement_form.html",
        {"form": form, "child": child, "error": error, "earlier": earlier},
        status=form_status(form, error=error if request.method == "POST" or error else None),
    )


def _engagement_context(request, engagement) -> dict:
    return {
        "engagement": engagement,
        "child": engagement.child,
        "can_record": rules.can_record_in_engagement(request.user, engagement),
        **queries.engagement_page(engagement, request),
    }


@worker
@require_safe
def engagement_detail(request, pk: int):
    engagement = queries.get_engagement_for_user(request.user, pk)
    record_event(
        action=Action.VIEW,
        actor=request.user,
        request=request,
        obj=engagement,
        person_id=engagement.child_id,
        detail={"what": "programme engagement"},
    )
    return render(request, "programmes/engagement.html", _engagement_context(request, engagement))


@worker
@require_http_methods(["GET", "POST"])
def engagement_edit(request, pk: int):
    engagement = queries.get_engagement_for_user(request.user, pk, for_write=True)
    child = engagement.child
    initial = {
        name: getattr(engagement, name)
        for name in (*services.ENGAGEMENT_FIELDS, "medical_details", "allergies")
        if hasattr(engagement, name)
    }
    initial |= {
        "medical_details": child.medical_details,
        "allergies": child.allergies,
        "presenting_issues": list(engagement.presenting_issues.all()),
        "evidence_seen": list(engagement.evidence_seen.all()),
        "agencies": list(engagement.agencies.all()),
    }
    form = EngagementForm(
        request.POST or None,
        child=child,
        organisation=request.user.organisation,
        initial=initial,
        editing=True,
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_update(
                engagement=engagement, actor=request.user, data=form.cleaned_data, request=request
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, "The engagement has been updated.")
            return redirect("programmes:engagement", pk=engagement.pk)
    return render(
        request,
        "programmes/engagement_form.html",
        {"form": form, "child": child, "error": error, "engagement": engagement},
        status=form_status(form, error=error),
    )


@worker
@require_http_methods(["GET", "POST"])
def engagement_close(request, pk: int):
    engagement = queries.get_engagement_for_user(request.user, pk, for_write=True)
    form = CloseForm(
        request.POST or None,
        organisation=request.user.organisation,
        initial={"closed_on": clock.today()},
    )
    error = None
    if not engagement.is_open:
        error = f"This engagement is already {engagement.get_stage_display().lower()}."
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.engagement_close(
                engagement=engagement,
                actor=request.user,
                closed_on=data["closed_on"],
                reason=data["reason"],
                note=data["note"],
                stage=data["stage"],
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(
                request, f"{engagement.name} is now {engagement.get_stage_display().lower()}."
            )
            return redirect("programmes:engagement", pk=engagement.pk)
    return render(
        request,
        "programmes/small_form.html",
        {
            "form": form,
            "error": error,
            "engagement": engagement,
            "title": "Close the engagement",
            "intro": "Closing gives the true count of children using the service. A closed "
            "engagement takes no new sessions; a new referral starts a new engagement.",
            "button": "Close the engagement",
            "show_form": engagement.is_open,
        },
        status=form_status(form, error=error if request.method == "POST" else None),
    )


@worker
@require_http_methods(["GET", "POST"])
def delivery_new(request, pk: int):
    engagement = queries.get_engagement_for_user(request.user, pk, for_write=True)
    organisation = request.user.organisation
    form = DeliveryForm(
        request.POST or None,
        organisation=organisation,
        programme=engagement.programme,
        initial={"delivered_on": clock.today(), "attendance": Attendance.PRESENT},
    )
    error = None
    if not engagement.is_open:
        error = (
            f"This engagement is {engagement.get_stage_display().lower()} and takes no new "
            "service deliveries. If the child has been referred again, start a new engagement."
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row = DeliveryRow(
            engagement=engagement,
            service=data["service"],
            delivered_on=data["delivered_on"],
            attendance=data["attendance"],
            absence_reason=data["absence_reason"] if data["attendance"] in ABSENT else None,
            summary=data["summary"],
            quantity=data["quantity"],
            delivered_by=data["delivered_by"],
        )
        try:
            delivery = services.delivery_record(actor=request.user, row=row, request=request)
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"{delivery} has been recorded.")
            return redirect("programmes:engagement", pk=engagement.pk)
    return render(
        request,
        "programmes/small_form.html",
        {
            "form": form,
            "error": error,
            "engagement": engagement,
            "title": "New service delivery",
            "button": "Save the session",
            "show_form": engagement.is_open,
        },
        status=form_status(form, error=error if request.method == "POST" else None)
        if engagement.is_open
        else 400,
    )


def _actions_formset(request, organisation, *, initial=None):
    """The follow-up actions formset. "Add another action" posts the form back with one more
    empty row; what was typed is kept (unbound, so no row is marked wrong before saving)."""
    if request.method != "POST":
        rows = list(initial or []) + [{}]
        return follow_up_formset(None, organisation=organisation, initial=rows), False
    bound = follow_up_formset(request.POST, organisation=organisation)
    if "add_action" not in request.POST:
        return bound, False
    rows = [
        {name: form[name].value() for name in form.fields}
        for form in bound.forms
        if bound.management_form.is_valid()
    ]
    rows.append({})
    formset = follow_up_formset(None, organisation=organisation, initial=rows)
    # Take the keyboard to the new row, as a script-free "add another" should.
    formset.forms[-1].fields["description"].widget.attrs["autofocus"] = True
    return formset, True


def _unbound_copy(form_class, request, **kwargs):
    """The form again, unbound, showing what was typed (for "add another" round trips)."""
    data = {name: request.POST.getlist(name) for name in request.POST}
    initial = {k: (v if len(v) != 1 else v[0]) for k, v in data.items()}
    return form_class(None, initial=initial, **kwargs)


@worker
@require_http_methods(["GET", "POST"])
def consultation_new(request, pk: int):
    engagement = queries.get_engagement_for_user(request.user, pk, for_write=True)
    organisation = request.user.organisation
    actions, adding = _actions_formset(request, organisation)
    if adding:
        form = _unbound_copy(ConsultationForm, request, engagement=engagement)
    else:
        form = ConsultationForm(
            request.POST or None, engagement=engagement, initial={"held_on": clock.today()}
        )
    error = None
    if request.method == "POST" and not adding and form.is_valid() and actions.is_valid():
        data = form.cleaned_data
        try:
            services.consultation_record(
                engagement=engagement,
                actor=request.user,
                held_on=data["held_on"],
                method=data["method"],
                summary=data["summary"],
                people=list(data["people"]),
                agencies=list(data["agencies"]),
                others=data["others"],
                actions=action_entries(actions, request.user),
                request=request,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, "The consultation has been recorded.")
            return redirect("programmes:engagement", pk=engagement.pk)
    return render(
        request,
        "programmes/consultation_form.html",
        {
            "form": form,
            "actions": actions,
            "error": error,
            "engagement": engagement,
            "title": "New consultation",
            "button": "Save the consultation",
            "focus_last_action": adding,
        },
        status=form_status(form, actions, error=error),
    )


def _history(record, record_type) -> list:
    return queries.corrections_of(record, record_type)


def _audit_view(request, record, engagement, what: str) -> None:
    """Opening a correction page shows the record: audited like the engagement page."""
    if request.method == "GET":
        record_event(
            action=Action.VIEW,
            actor=request.user,
            request=request,
            obj=record,
            person_id=engagement.child_id,
            detail={"what": what},
        )


def _error_form(request):
    """The "entered in error" form, bound only when that is what was posted."""
    posted = request.method == "POST" and request.POST.get("form") == "error"
    return EnteredInErrorForm(request.POST if posted else None, prefix="error"), posted


def _apply_correction(request, form, error_form, marking, *, mark_error, update, marked, back):
    """A posted correction, or an "entered in error" mark, of a session: the redirect once
    it is done, else None and the service's refusal (the forms carry their own errors)."""
    try:
        if marking and error_form.is_valid():
            mark_error(reason=error_form.cleaned_data["reason"])
            messages.success(request, marked)
            return redirect(back), None
        if not marking and form.is_valid():
            changed = update(data=form.cleaned_data)
            messages.success(
                request, "The session has been corrected." if changed else "Nothing changed."
            )
            return redirect(back), None
    except DomainError as problem:
        return None, str(problem)
    return None, None


@worker
@require_http_methods(["GET", "POST"])
def delivery_edit(request, pk: int):
    """Correct a service delivery, or mark it entered in error. Both keep a history."""
    delivery = queries.get_delivery_for_user(request.user, pk)
    engagement = delivery.engagement
    _audit_view(request, delivery, engagement, "service delivery")
    organisation = request.user.organisation
    error_form, marking = _error_form(request)
    form = DeliveryForm(
        request.POST if request.method == "POST" and not marking else None,
        organisation=organisation,
        programme=engagement.programme,
        initial={
            "service": delivery.service_id,
            "delivered_on": delivery.delivered_on,
            "attendance": delivery.attendance,
            "absence_reason": delivery.absence_reason_id,
            "summary": delivery.summary,
            "quantity": delivery.quantity,
            "delivered_by": delivery.delivered_by_id,
        },
    )
    form.fields["delivered_by"].empty_label = "As recorded"
    error = None
    if delivery.in_error:
        error = "This session was entered in error. It is kept, but can no longer be changed."
    elif request.method == "POST":
        done, error = _apply_correction(
            request,
            form,
            error_form,
            marking,
            mark_error=lambda reason: services.delivery_mark_error(
                delivery=delivery, actor=request.user, reason=reason, request=request
            ),
            update=lambda data: services.delivery_update(
                delivery=delivery, actor=request.user, data=data, request=request
            ),
            marked=f"{delivery} is marked as entered in error.",
            back=reverse("programmes:engagement", args=[engagement.pk]),
        )
        if done:
            return done
    return render(
        request,
        "programmes/correction.html",
        {
            "form": form,
            "error_form": error_form,
            "error": error,
            "record": delivery,
            "engagement": engagement,
            "title": f"Correct the session: {delivery}",
            "button": "Save the correction",
            "history": _history(delivery, Correction.Record.DELIVERY),
        },
        status=form_status(form, error_form, error=error if request.method == "POST" else None),
    )


@worker
@require_http_methods(["GET", "POST"])
def consultation_edit(request, pk: int):
    """Correct a consultation and its follow-up actions, or mark it entered in error."""
    consultation = queries.get_consultation_for_user(request.user, pk)
    engagement = consultation.engagement
    _audit_view(request, consultation, engagement, "consultation")
    organisation = request.user.organisation
    error_form, marking = _error_form(request)
    existing = [
        {
            "id": a.pk,
            "description": a.description,
            "due_on": a.due_on,
            "assignee": a.assignee_id,
            "done": a.done_on is not None,
        }
        for a in consultation.actions.all()
    ]
    if marking:
        actions, adding = _actions_formset(_Get(request), organisation, initial=existing)
    else:
        actions, adding = _actions_formset(request, organisation, initial=existing)
    kwargs = {"engagement": engagement}
    if adding:
        form = _unbound_copy(ConsultationForm, request, **kwargs)
    else:
        form = ConsultationForm(
            request.POST if request.method == "POST" and not marking else None,
            initial={
                "held_on": consultation.held_on,
                "method": consultation.method,
                "people": list(consultation.people.all()),
                "agencies": list(consultation.agencies.all()),
                "others": consultation.others,
                "summary": consultation.summary,
            },
            **kwargs,
        )
    error = None
    if consultation.in_error:
        error = "This consultation was entered in error. It is kept, but can no longer be changed."
    elif request.method == "POST" and not adding:
        try:
            if marking and error_form.is_valid():
                services.consultation_mark_error(
                    consultation=consultation,
                    actor=request.user,
                    reason=error_form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(request, "The consultation is marked as entered in error.")
                return redirect("programmes:engagement", pk=engagement.pk)
            if not marking and form.is_valid() and actions.is_valid():
                data = dict(form.cleaned_data)
                data["actions"] = action_entries(actions, request.user)
                data["people"] = list(data["people"])
                data["agencies"] = list(data["agencies"])
                changed = services.consultation_update(
                    consultation=consultation, actor=request.user, data=data, request=request
                )
                messages.success(
                    request,
                    "The consultation has been corrected." if changed else "Nothing changed.",
                )
                return redirect("programmes:engagement", pk=engagement.pk)
        except DomainError as problem:
            error = str(problem)
    return render(
        request,
        "programmes/consultation_form.html",
        {
            "form": form,
            "actions": actions,
            "error_form": error_form,
            "error": error,
            "record": consultation,
            "engagement": engagement,
            "title": f"Correct the consultation: {consultation}",
            "button": "Save the correction",
            "history": _history(consultation, Correction.Record.CONSULTATION),
            "focus_last_action": adding,
        },
        status=form_status(
            form, actions, error_form, error=error if request.method == "POST" else None
        ),
    )


class _Get:
    """The request as if it were a GET (an unbound actions formset beside the error form)."""

    def __init__(self, request):
        self.method = "GET"
        self.POST = {}


@worker
@require_http_methods(["POST"])
def follow_up_done(request, pk: int):
    """Mark a follow-up action done, from the engagement page or the home page."""
    action = queries.get_follow_up_for_user(request.user, pk)
    try:
        services.follow_up_done(action=action, actor=request.user, request=request)
    except DomainError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"“{action.description}” is done.")
    target = request.POST.get("next", "")
    if target == "home":
        return redirect("core:home")
    return redirect("programmes:engagement", pk=action.consultation.engagement_id)


# --- Group sessions: bulk entry, register, open access --------------------------------------


def _parse_date(value: str):
    from datetime import datetime

    value = (value or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


BULK_FIELDS = (
    "child",
    "engagement",
    "service",
    "delivered_on",
    "attendance",
    "absence_reason",
    "summary",
)
MAX_ROWS = 200


def _bulk_engagement_choice(row: dict, engagements: list) -> None:
    """Settle the row's engagement from its child's open engagements: the one chosen if it
    is among them, the only one if there is just one, otherwise none (the row then asks)."""
    chosen = positive_int(row["values"]["engagement"])
    match = next((e for e in engagements if e.pk == chosen), None)
    if match is None and len(engagements) == 1:
        match = engagements[0]
    row["engagements"] = engagements
    row["engagement"] = match
    row["values"]["engagement"] = str(match.pk) if match else ""


@worker
@require_http_methods(["GET", "POST"])
def bulk(request):
    """Bulk service deliveries. Each row picks a child first, then that child's engagement
    in progress, a service, a date and a summary. With scripts, choosing the child fetches
    its engagements (``bulk_engagements``); without, saving does, and a child with more
    than one asks which on the row. All rows are saved or none."""
    organisation = request.user.organisation
    children = queries.children_for_entry(request.user)
    children_by_pk = {c.pk: c for c in children}
    all_services = list(queries.services_for(organisation))
    services_by_pk = {s.pk: s for s in all_services}
    reasons = list(options(organisation, "absence_reason"))
    reasons_by_pk = {o.pk: o for o in reasons}
    token = request.POST.get("token") or new_token()
    count = min(positive_int(request.POST.get("rows")) or 2, MAX_ROWS)
    if "add_row" in request.POST:
        count = min(count + 1, MAX_ROWS)
    rows = []
    for index in range(count):
        values = {name: request.POST.get(f"row-{index}-{name}", "") for name in BULK_FIELDS}
        new_row = request.method == "GET" or ("add_row" in request.POST and index == count - 1)
        if new_row:
            values["delivered_on"] = values["delivered_on"] or f"{clock.today():%d/%m/%Y}"
            values["attendance"] = values["attendance"] or Attendance.PRESENT
        child = children_by_pk.get(positive_int(values["child"]))
        values["child"] = str(child.pk) if child else ""
        rows.append({"index": index, "values": values, "errors": [], "child": child})
    # One query for every chosen child's open engagements, however many rows there are.
    open_by_child: dict[int, list] = {}
    for engagement in queries.children_open_engagements(
        request.user, {r["child"].pk for r in rows if r["child"]}
    ):
        open_by_child.setdefault(engagement.child_id, []).append(engagement)
    for row in rows:
        child_pk = row["child"].pk if row["child"] else None
        _bulk_engagement_choice(row, open_by_child.get(child_pk, []))
    error = None
    if request.method == "POST" and "add_row" not in request.POST:
        entries = []
        filled = [r for r in rows if any(r["values"][k] for k in ("child", "service", "summary"))]
        for row in filled:
            v = row["values"]
            problems = []
            if row["child"] is None:
                problems.append("Choose the child.")
            elif row["engagement"] is None:
                problems.append(
                    f"{row['child'].full_name} has {len(row['engagements'])} engagements in "
                    "progress: choose which this session belongs to."
                    if row["engagements"]
                    else f"{row['child'].full_name} has no engagement in progress that you "
                    "can record in."
                )
            day = _parse_date(v["delivered_on"])
            if v["delivered_on"] and day is None:
                problems.append("Enter the date as dd/mm/yyyy.")
            reason = reasons_by_pk.get(positive_int(v["absence_reason"]))
            entry = DeliveryRow(
                engagement=row["engagement"],
                service=services_by_pk.get(positive_int(v["service"])),
                delivered_on=day,
                attendance=v["attendance"] or Attendance.PRESENT,
                absence_reason=reason if v["attendance"] in ABSENT else None,
                summary=v["summary"][:2000],
                errors=problems,
            )
            entries.append((row, entry))
        if not entries:
            error = "Fill in at least one row."
        else:
            try:
                result = services.deliveries_record_bulk(
                    actor=request.user,
                    rows=[e for _, e in entries],
                    token=token,
                    kind=Batch.Kind.GRID,
                    request=request,
                )
            except services.RowsRefused as refused:
                error = str(refused)
                for index, problems in refused.errors.items():
                    entries[index][0]["errors"] = _dedupe(entries[index][0], problems)
            except DomainError as problem:
                error = str(problem)
            else:
                _stored_message(request, result)
                return redirect("programmes:bulk")
    return render(
        request,
        "programmes/bulk.html",
        {
            "rows": rows,
            "count": count,
            "token": token,
            "children": children,
            "services": all_services,
            "reasons": reasons,
            "attendance": Attendance.choices,
            "error": error,
            "focus_row": count - 1 if "add_row" in request.POST else None,
        },
        status=400 if error else 200,
    )


def _dedupe(row: dict, problems: list[str]) -> list[str]:
    """A missing engagement is said once, in the row's own words about the child."""
    if row["engagement"] is None:
        problems = [p for p in problems if p != services.NO_ENGAGEMENT]
    return list(dict.fromkeys(problems))


@worker
@require_safe
def bulk_engagements(request):
    """The engagement list of one grid row for the child chosen in it (fetched by htmx)."""
    index = min(positive_int(request.GET.get("row")) or 0, MAX_ROWS)
    prefix = f"row-{index}-"
    child_pk = positive_int(request.GET.get(f"{prefix}child"))
    engagements = queries.child_open_engagements(request.user, child_pk)
    row = {"index": index, "values": {"engagement": ""}, "errors": []}
    _bulk_engagement_choice(row, engagements)
    row["child_chosen"] = child_pk is not None
    return render(request, "programmes/_bulk_engagement.html", {"row": row, "htmx": True})


def _stored_message(request, result) -> None:
    n = result.stored
    noun = "service delivery" if n == 1 else "service deliveries"
    if result.repeated:
        messages.info(
            request, f"These sessions were already saved ({n} {noun}); nothing new was stored."
        )
    else:
        messages.success(request, f"{n} {noun} stored.")


@worker
@require_http_methods(["GET", "POST"])
def register(request, pk: int):
    """A register for one service and date: every child with an open engagement on the
    programme (that the reader may see), each marked present or absent."""
    programme = queries.get_programme_for_user(request.user, pk)
    organisation = request.user.organisation
    source = request.POST if request.method == "POST" else request.GET
    choice = RegisterChoiceForm(
        source if "service" in source else None,
        organisation=organisation,
        programme=programme,
        initial={"delivered_on": clock.today()},
    )
    engagements, reasons, error, marks = [], [], None, {}
    if choice.is_bound and choice.is_valid():
        engagements = queries.register_engagements(request.user, programme)
        reasons = list(options(organisation, "absence_reason"))
        reasons_by_pk = {o.pk: o for o in reasons}
        if request.method == "POST":
            data = choice.cleaned_data
            entries = []
            for engagement in engagements:
                mark = request.POST.get(f"mark-{engagement.pk}", Attendance.PRESENT)
                reason = reasons_by_pk.get(
                    positive_int(request.POST.get(f"reason-{engagement.pk}"))
                )
                marks[engagement.pk] = (mark, reason.pk if reason else None)
                entries.append(
                    DeliveryRow(
                        engagement=engagement,
                        service=data["service"],
                        delivered_on=data["delivered_on"],
                        attendance=mark,
                        absence_reason=reason if mark in ABSENT else None,
                    )
                )
            try:
                result = services.deliveries_record_bulk(
                    actor=request.user,
                    rows=entries,
                    token=request.POST.get("token", ""),
                    kind=Batch.Kind.REGISTER,
                    request=request,
                )
            except services.RowsRefused as refused:
                error = str(refused)
                for index, problems in refused.errors.items():
                    marks[entries[index].engagement.pk] += (problems,)
            except DomainError as problem:
                error = str(problem)
            else:
                _stored_message(request, result)
                return redirect("programmes:programme", pk=programme.pk)
    elif request.method == "POST":
        error = "Choose the service and the date of the session."
    rows = []
    for engagement in engagements:
        mark = marks.get(engagement.pk, (Attendance.PRESENT, None))
        rows.append(
            {
                "engagement": engagement,
                "mark": mark[0],
                "reason": mark[1],
                "errors": mark[2] if len(mark) > 2 else [],
            }
        )
    return render(
        request,
        "programmes/register.html",
        {
            "programme": programme,
            "choice": choice,
            "rows": rows,
            "reasons": reasons,
            "attendance": Attendance.choices,
            "token": request.POST.get("token") or new_token(),
            "error": error,
            "ready": choice.is_bound and choice.is_valid(),
        },
        status=400 if error or (choice.is_bound and choice.errors) else 200,
    )


@worker
@require_http_methods(["GET", "POST"])
def open_access_new(request, pk: int):
    """Open-access sessions of a programme: record a total of attendees (service, date,
    count, note) and list those recorded, newest first."""
    programme = queries.get_programme_for_user(request.user, pk)
    form = OpenAccessForm(
        request.POST or None,
        organisation=request.user.organisation,
        programme=programme,
        initial={"held_on": clock.today()},
    )
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.open_access_record(actor=request.user, request=request, **data)
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"{data['attendees']} attendees recorded.")
            return redirect("programmes:open_access", pk=programme.pk)
    show_errors = request.GET.get("show") == "errors"
    sessions, next_cursor = queries.open_access_sessions(
        programme, request.GET.get("after"), in_error=show_errors
    )
    return render(
        request,
        "programmes/open_access.html",
        {
            "form": form,
            "error": error,
            "programme": programme,
            "sessions": sessions,
            "next_cursor": next_cursor,
            "show_errors": show_errors,
        },
        status=form_status(form, error=error),
    )


@worker
@require_http_methods(["GET", "POST"])
def open_access_edit(request, pk: int):
    """Correct an open-access count, or mark it entered in error."""
    session = queries.get_open_access_for_user(request.user, pk)
    programme = session.service.programme
    error_form, marking = _error_form(request)
    form = OpenAccessForm(
        request.POST if request.method == "POST" and not marking else None,
        organisation=request.user.organisation,
        programme=programme,
        initial={
            "service": session.service_id,
            "held_on": session.held_on,
            "attendees": session.attendees,
            "note": session.note,
        },
    )
    error = None
    if session.in_error:
        error = "This session was entered in error. It is kept, but can no longer be changed."
    elif request.method == "POST":
        done, error = _apply_correction(
            request,
            form,
            error_form,
            marking,
            mark_error=lambda reason: services.open_access_mark_error(
                session=session, actor=request.user, reason=reason, request=request
            ),
            update=lambda data: services.open_access_update(
                session=session, actor=request.user, data=data, request=request
            ),
            marked=f"{session} is marked as entered in error.",
            back=reverse("programmes:open_access", args=[programme.pk]),
        )
        if done:
            return done
    return render(
        request,
        "programmes/correction.html",
        {
            "form": form,
            "error_form": error_form,
            "error": error,
            "record": session,
            "programme": programme,
            "title": f"Correct the open-access session: {session.service.label}, "
            f"{session.held_on:%d/%m/%Y}",
            "button": "Save the correction",
            "history": _history(session, Correction.Record.OPEN_ACCESS),
        },
        status=form_status(form, error_form, error=error if request.method == "POST" else None),
    )


# --- Reports -------------------------------------------------------------------------------


def _period(request):
    today = clock.today()
    form = ReportPeriodForm(
        request.GET if "date_from" in request.GET else None,
        initial={"date_from": today - timedelta(days=90), "date_to": today},
    )
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, today - timedelta(days=90), today


@worker
@require_safe
def report(request, pk: int):
    programme = queries.get_programme_for_user(request.user, pk)
    form, start, end = _period(request)
    return render(
        request,
        "programmes/reports.html",
        {
            "programme": programme,
            "form": form,
            "start": start,
            "end": end,
            "reports": reports.all_reports(request.user, programme, start, end),
            "query": f"date_from={start:%d/%m/%Y}&date_to={end:%d/%m/%Y}",
        },
        status=form_status(form),
    )


@requires(rules.can_work_with_programmes, fresh=True)
@require_safe
def report_csv(request, pk: int):
    programme = queries.get_programme_for_user(request.user, pk)
    # An unknown report name gets the first report rather than an error page.
    fn = reports.REPORTS.get(request.GET.get("report", ""), reports.children_engaged)
    _, start, end = _period(request)
    result = fn(request.user, programme, start, end)
    record_event(
        action=Action.EXPORT,
        actor=request.user,
        request=request,
        obj=programme,
        detail={"what": "programme report", "report": result.key},
    )
    response = HttpResponse(reports.to_csv(result), content_type="text/csv; charset=utf-8")
    name = f"{programme.code}-{result.key}-{start:%Y%m%d}-{end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Administration: programmes, services, agencies ----------------------------------------


@configurer
@require_http_methods(["GET", "POST"])
def admin_programmes(request):
    form = ProgrammeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_save(actor=request.user, data=form.cleaned_data)
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"{programme.name} has been added.")
            return redirect("programmes:admin_programme", pk=programme.pk)
    programmes = list(queries.programmes_for(request.user).prefetch_related("services"))
    return render(
        request,
        "programmes/admin_programmes.html",
        {"form": form, "programmes": programmes, "error": error},
        status=form_status(form, error=error),
    )


@configurer
@require_http_methods(["GET", "POST"])
def admin_programme(request, pk: int):
    programme = queries.get_programme_for_user(request.user, pk)
    adding_service = request.POST.get("form") == "service"
    form = ProgrammeForm(
        request.POST if request.method == "POST" and not adding_service else None,
        instance=programme,
    )
    service_form = ServiceForm(
        request.POST if adding_service else None, prefix="service", initial={"is_active": True}
    )
    error = None
    if request.method == "POST":
        try:
            if adding_service and service_form.is_valid():
                service = services.service_save(
                    actor=request.user, programme=programme, data=service_form.cleaned_data
                )
                messages.success(request, f"{service.label} has been added.")
                return redirect("programmes:admin_programme", pk=programme.pk)
            if not adding_service and form.is_valid():
                services.programme_save(
                    actor=request.user, programme=programme, data=form.cleaned_data
                )
                messages.success(request, f"{programme.name} has been saved.")
                return redirect("programmes:admin_programme", pk=programme.pk)
        except DomainError as problem:
            error = str(problem)
    return render(
        request,
        "programmes/admin_programme.html",
        {
            "programme": programme,
            "form": form,
            "service_form": service_form,
            "programme_services": list(
                queries.services_for(
                    request.user.organisation, programme=programme, active_only=False
                )
            ),
            "error": error,
        },
        status=form_status(form, service_form, error=error),
    )


@configurer
@require_http_methods(["GET", "POST"])
def admin_service(request, pk: int):
    service = (
        Service.objects.for_org(request.user.organisation)
        .select_related("programme")
        .filter(pk=pk)
        .first()
    )
    if service is None:
        raise Http404
    form = ServiceForm(request.POST or None, instance=service)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.service_save(
                actor=request.user,
                programme=service.programme,
                service=service,
                data=form.cleaned_data,
            )
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"{service.label} has been saved.")
            return redirect("programmes:admin_programme", pk=service.programme_id)
    return render(
        request,
        "programmes/admin_form.html",
        {
            "form": form,
            "error": error,
            "title": f"Service {service.label}",
            "back": reverse("programmes:admin_programme", args=[service.programme_id]),
        },
        status=form_status(form, error=error),
    )


@configurer
@require_http_methods(["GET", "POST"])
def admin_agencies(request):
    form = AgencyForm(request.POST or None, initial={"is_active": True})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_save(actor=request.user, data=form.cleaned_data)
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"{agency.name} has been added.")
            return redirect("programmes:admin_agencies")
    agencies = list(Agency.objects.for_org(request.user.organisation))
    return render(
        request,
        "programmes/admin_agencies.html",
        {"form": form, "agencies": agencies, "error": error},
        status=form_status(form, error=error),
    )


@configurer
@require_http_methods(["GET", "POST"])
def admin_agency(request, pk: int):
    agency = Agency.objects.for_org(request.user.organisation).filter(pk=pk).first()
    if agency is None:
        raise Http404
    form = AgencyForm(request.POST or None, instance=agency)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_save(actor=request.user, agency=agency, data=form.cleaned_data)
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, f"{agency.name} has been saved.")
            return redirect("programmes:admin_agencies")
    return render(
        request,
        "programmes/admin_form.html",
        {
            "form": form,
            "error": error,
            "title": f"Agency {agency.name}",
            "back": reverse("programmes:admin_agencies"),
        },
        status=form_status(form, error=error),
    )
