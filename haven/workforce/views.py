"""Workforce pages. Thin: decorators, scoped fetch, form, service, redirect."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from haven.access import rules
from haven.access.decorators import requires, signed_in
from haven.configuration.models import Option
from haven.core import clock
from haven.core.errors import DomainError
from haven.core.http import form_status, private_file
from haven.workforce import exports, files, queries, services
from haven.workforce.forms import (
    ActivityForm,
    AnalysisForm,
    AttendeeFormSet,
    CourseForm,
    DbsCheckForm,
    MatrixFilterForm,
    SessionForm,
    SettingsForm,
    StaffForm,
    TrainingRecordForm,
    course_initial,
    new_token,
    staff_initial,
)
from haven.workforce.models import Course
from haven.workforce.queries import Status

manager = requires(rules.can_manage_workforce)
compliance_reader = requires(rules.can_view_compliance)
planner = requires(rules.can_plan_training)


# --- Landing page, matrix, counts and exports ----------------------------------------------


@requires(rules.can_open_workforce, elevated=False)
@require_safe
def home(request):
    """Where the Workforce link leads: each reader to what they may use."""
    user = request.user
    return render(
        request,
        "workforce/home.html",
        {
            "can_view_compliance": rules.can_view_compliance(user),
            "can_manage": rules.can_manage_workforce(user),
            "can_plan": rules.can_plan_training(user),
            "can_count": rules.can_view_workforce_counts(user),
        },
    )


def _matrix_for(request):
    form = MatrixFilterForm(request.GET or None, organisation=request.user.organisation)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "team_id": data["team"].pk if data.get("team") else None,
            "level": data.get("level"),
            "show": data.get("show") or "current",
        }
    staff = queries.matrix_staff(request.user, **filters)
    return form, filters, queries.compliance(request.user.organisation, staff)


def _filters_label(form, filters) -> str:
    parts = []
    if not form.is_bound or not form.is_valid():
        return "Current staff and volunteers, all teams, all levels"
    data = form.cleaned_data
    parts.append("Leavers" if filters.get("show") == "left" else "Current staff and volunteers")
    parts.append(data["team"].name if data.get("team") else "all teams")
    parts.append(f"level {data['level']}" if data.get("level") else "all levels")
    return ", ".join(parts)


@compliance_reader
@require_safe
def compliance(request):
    """The matrix: everyone the reader may see, against what their level and role require."""
    form, filters, matrix = _matrix_for(request)
    if form.is_bound and not form.is_valid():
        return render(
            request, "workforce/compliance.html", {"form": form, "matrix": None}, status=400
        )
    # The matrix shows statuses and dates, no certificate or DBS number: nothing to audit.
    query = urlencode({k: v for k, v in request.GET.items() if k in ("team", "level", "show")})
    return render(
        request,
        "workforce/compliance.html",
        {
            "form": form,
            "matrix": matrix,
            "query": query,
            "filters_label": _filters_label(form, filters),
            "can_manage": rules.can_manage_workforce(request.user),
        },
    )


SMALL_NUMBER = 3


def _suppress(n: int) -> str:
    """Counts shown to leaders: a number of 1 or 2 could point at one person, so it is not."""
    return f"fewer than {SMALL_NUMBER}" if 0 < n < SMALL_NUMBER else str(n)


@requires(rules.can_view_workforce_counts, elevated=False)
@require_safe
def counts(request):
    """Compliance counts only, for leaders and governors (no names)."""
    matrix = queries.compliance(
        request.user.organisation, queries.current_staff(request.user.organisation)
    )
    table = []
    by_key = matrix.counts
    titles = [(r.key, r.title) for r in matrix.requirements] + [
        ("dbs", "DBS check"),
        ("induction", "Induction"),
    ]
    for key, title in titles:
        found = by_key.get(key, {})
        table.append(
            (
                title,
                [
                    _suppress(found.get(s, 0))
                    for s in (Status.DONE, Status.DUE, Status.OVERDUE, Status.MISSING)
                ],
            )
        )
    return render(
        request,
        "workforce/counts.html",
        {
            "total": _suppress(len(matrix.rows)),
            "compliant": _suppress(matrix.compliant_count),
            "table": table,
            "small_number": SMALL_NUMBER,
        },
    )


def _export_name(extension: str) -> str:
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    return f"haven-workforce-{stamp}.{extension}"


@requires(rules.can_view_compliance, fresh=True)
@require_safe
def export_csv(request):
    """The matrix as CSV. Asks for a second factor from the last 15 minutes; audited."""
    form, filters, matrix = _matrix_for(request)
    if form.is_bound and not form.is_valid():
        return render(
            request, "workforce/compliance.html", {"form": form, "matrix": None}, status=400
        )
    services.compliance_exported(
        actor=request.user,
        request=request,
        fmt="csv",
        rows=len(matrix.rows),
        filters={k: v for k, v in filters.items() if v},
    )
    response = HttpResponse(exports.to_csv(matrix), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name("csv")}"'
    return response


@requires(rules.can_view_compliance, fresh=True)
@require_safe
def export_pdf(request):
    """The matrix as a PDF for inspections. Asks for a recent second factor; audited."""
    form, filters, matrix = _matrix_for(request)
    if form.is_bound and not form.is_valid():
        return render(
            request, "workforce/compliance.html", {"form": form, "matrix": None}, status=400
        )
    services.compliance_exported(
        actor=request.user,
        request=request,
        fmt="pdf",
        rows=len(matrix.rows),
        filters={k: v for k, v in filters.items() if v},
    )
    pdf = exports.to_pdf(
        matrix, organisation=request.user.organisation, filters=_filters_label(form, filters)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_export_name("pdf")}"'
    return response


# --- Staff records ------------------------------------------------------------------------


def _staff_form(request, staff=None):
    policy = queries.settings_for(request.user.organisation)
    return StaffForm(
        request.POST or None,
        organisation=request.user.organisation,
        level_descriptions=policy.level_descriptions,
        linked_user=staff.user if staff else None,
        initial=staff_initial(staff) if staff else {"dbs_required": True},
    )


@manager
@require_http_methods(["GET", "POST"])
def staff_new(request):
    form = _staff_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            staff = services.staff_create(
                actor=request.user, data=form.cleaned_data, request=request
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"{staff.full_name} has been added.")
            return redirect("workforce:staff_detail", pk=staff.pk)
    return render(
        request,
        "workforce/staff_form.html",
        {"form": form, "staff": None},
        status=form_status(form),
    )


@manager
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk: int):
    staff = queries.get_staff_for_user(request.user, pk, for_write=True)
    form = _staff_form(request, staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(
                staff=staff, actor=request.user, data=form.cleaned_data, request=request
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Saved.")
            return redirect("workforce:staff_detail", pk=staff.pk)
    return render(
        request,
        "workforce/staff_form.html",
        {"form": form, "staff": staff},
        status=form_status(form),
    )


@compliance_reader
@require_safe
def staff_detail(request, pk: int):
    """A person's record: details, training, induction, DBS checks. Every view is audited."""
    staff = queries.get_staff_for_user(request.user, pk)
    page = queries.staff_page(staff)
    show_numbers = rules.can_see_dbs_number(request.user)
    if show_numbers:
        for check in page["dbs_checks"]:
            check.number = services.dbs_number(check=check, actor=request.user)
    services.staff_viewed(
        staff=staff,
        actor=request.user,
        request=request,
        what="staff record with DBS numbers" if show_numbers else "staff record",
    )
    row = queries.row_for(staff)
    return render(
        request,
        "workforce/staff_detail.html",
        {
            "staff": staff,
            "row": row,
            "next_steps": queries.next_steps(row),
            "show_numbers": show_numbers,
            "can_manage": rules.can_manage_workforce(request.user),
            "level_description": queries.settings_for(staff.organisation).level_description(
                staff.level
            ),
            **page,
        },
    )


def _small_form(request, staff, form, action, title, success, *, multipart=False):
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, success)
            return redirect("workforce:staff_detail", pk=staff.pk)
    return render(
        request,
        "workforce/small_form.html",
        {"form": form, "staff": staff, "title": title, "multipart": multipart},
        status=form_status(form),
    )


@manager
@require_http_methods(["GET", "POST"])
def dbs_add(request, pk: int):
    staff = queries.get_staff_for_user(request.user, pk, for_write=True)
    form = DbsCheckForm(request.POST or None)
    return _small_form(
        request,
        staff,
        form,
        lambda d: services.dbs_check_add(staff=staff, actor=request.user, request=request, **d),
        f"Record a DBS check for {staff.full_name}",
        "DBS check recorded.",
    )


@manager
@require_http_methods(["GET", "POST"])
def training_add(request, pk: int):
    staff = queries.get_staff_for_user(request.user, pk, for_write=True)
    form = TrainingRecordForm(
        request.POST or None, request.FILES or None, organisation=request.user.organisation
    )
    return _small_form(
        request,
        staff,
        form,
        lambda d: services.training_record_add(
            staff=staff, actor=request.user, request=request, **d
        ),
        f"Record training for {staff.full_name}",
        "Training recorded.",
        multipart=True,
    )


@manager
@require_http_methods(["GET", "POST"])
def induction(request, pk: int):
    """Sign off induction checklist items, each with the date it was done."""
    staff = queries.get_staff_for_user(request.user, pk, for_write=True)
    rows = [
        {"item": item, "signoff": signoff, "checked": False, "date": "", "problem": ""}
        for item, signoff in queries.staff_page(staff)["induction_items"]
    ]
    error = None
    if request.method == "POST":
        chosen: dict[Option, object] = {}
        for row in rows:
            item = row["item"]
            if row["signoff"] is not None:
                continue
            row["checked"] = bool(request.POST.get(f"item-{item.pk}"))
            row["date"] = request.POST.get(f"date-{item.pk}", "").strip()[:20]
            if not row["checked"]:
                continue
            when = _parse_date(row["date"]) if row["date"] else clock.today()
            if when is None:
                row["problem"] = "Enter the date like 23/11/2026."
            else:
                chosen[item] = when
        if any(row["problem"] for row in rows):
            error = "Some dates could not be read. Nothing was signed off."
        elif not chosen:
            error = "Tick at least one item to sign off."
        else:
            try:
                services.induction_sign_off(
                    staff=staff, actor=request.user, items=chosen, request=request
                )
            except DomainError as problem:
                error = str(problem)
            else:
                plural = "s" if len(chosen) != 1 else ""
                messages.success(request, f"{len(chosen)} induction item{plural} signed off.")
                return redirect("workforce:staff_detail", pk=staff.pk)
    return render(
        request,
        "workforce/induction.html",
        {"staff": staff, "rows": rows, "error": error, "today": clock.today()},
        status=400 if error else 200,
    )


def _parse_date(raw: str):
    from django import forms

    try:
        return forms.DateField().clean(raw)
    except forms.ValidationError:
        return None


def _to_elevate(request):
    return redirect(f"{reverse('accounts:elevate')}?{urlencode({'next': request.get_full_path()})}")


@signed_in
@require_safe
def certificate(request, pk: int):
    """A training certificate: for its owner, and for those who may see their record (with
    the second factor). Never cached; every download audited."""
    record = queries.get_training_record_for_user(request.user, pk)
    if not record.has_certificate:
        raise Http404
    own = rules.can_view_own_training(request.user, record.staff)
    if not own and not rules.is_elevated(request.user):
        return _to_elevate(request)
    try:
        handle = files.open_for_reading(record.certificate_path)
    except FileNotFoundError:
        raise Http404 from None
    services.certificate_downloaded(record=record, actor=request.user, request=request)
    return private_file(
        handle,
        content_type=record.certificate_type or "application/octet-stream",
        filename=record.certificate_name or "certificate",
    )


@signed_in
@require_safe
def me(request):
    """A person's own training: what to do next, what they have done."""
    staff = queries.own_staff_record(request.user)
    context = {"staff": staff}
    if staff is not None:
        row = queries.row_for(staff)
        context.update(
            row=row,
            next_steps=queries.next_steps(row),
            level_description=queries.settings_for(staff.organisation).level_description(
                staff.level
            ),
            **queries.staff_page(staff),
        )
    return render(request, "workforce/me.html", context)


# --- Courses and sessions -----------------------------------------------------------------


@manager
@require_safe
def courses(request):
    rows = (
        Course.objects.for_org(request.user.organisation)
        .prefetch_related("topics", "required_for_responsibilities")
        .order_by("-is_active", "name")
    )
    return render(request, "workforce/courses.html", {"courses": rows})


@manager
@require_http_methods(["GET", "POST"])
def course_edit(request, pk: int | None = None):
    course = queries.get_course_for_admin(request.user, pk) if pk else None
    form = CourseForm(
        request.POST or None,
        organisation=request.user.organisation,
        initial=course_initial(course) if course else {"validity_months": 36, "is_active": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_save(
                actor=request.user, course=course, data=form.cleaned_data, request=request
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"The course “{course.name}” was saved.")
            return redirect("workforce:courses")
    return render(
        request,
        "workforce/course_form.html",
        {"form": form, "course": course},
        status=form_status(form),
    )


@manager
@require_http_methods(["GET", "POST"])
def session_new(request):
    """Record a course for everyone who attended a session: all rows saved, or none."""
    organisation = request.user.organisation
    people = list(queries.current_staff(organisation).order_by("full_name", "pk"))
    by_pk = {p.pk: p for p in people}
    initial_rows = [{"staff": p.pk} for p in people]
    form = SessionForm(
        request.POST or None, organisation=organisation, initial={"token": new_token()}
    )
    formset = AttendeeFormSet(request.POST or None, initial=initial_rows, prefix="rows")
    row_errors: dict[int, str] = {}
    error = None
    if request.method == "POST":
        valid = form.is_valid() & formset.is_valid()
        attendees = []
        if formset.is_valid():
            for index, row in enumerate(formset.cleaned_data):
                if not row or not row.get("attended"):
                    continue
                person = by_pk.get(row.get("staff"))
                if person is None:
                    row_errors[index] = "This person is not on your current staff list."
                    continue
                attendees.append((index, services.Attendee(person, row.get("notes", ""))))
        if valid and not row_errors:
            data = form.cleaned_data
            try:
                session = services.training_session_record(
                    actor=request.user,
                    course=data["course"],
                    held_on=data["held_on"],
                    token=data["token"],
                    attendees=attendees,
                    request=request,
                )
            except services.AlreadyRecorded as done:
                messages.info(request, str(done))
                return redirect("workforce:compliance")
            except services.RowErrors as problem:
                row_errors, error = problem.errors, str(problem)
            except DomainError as problem:
                error = str(problem)
            else:
                count = session.records.count()
                messages.success(
                    request,
                    f"“{session.course.name}” recorded for {count} "
                    f"{'person' if count == 1 else 'people'} on {session.held_on:%d/%m/%Y}.",
                )
                return redirect("workforce:compliance")
        elif row_errors:
            error = "Nothing was saved: correct the rows marked below and send it again."
        elif not formset.is_valid():
            error = "The list of people could not be read. Open the form again and re-enter it."
    rows = list(zip(formset.forms, [by_pk.get(r["staff"]) for r in initial_rows], strict=False))
    return render(
        request,
        "workforce/session_form.html",
        {
            "form": form,
            "formset": formset,
            "rows": [
                (index, row_form, person, row_errors.get(index))
                for index, (row_form, person) in enumerate(rows)
            ],
            "error": error,
        },
        status=400 if error or form_status(form) == 400 else 200,
    )


# --- Settings -----------------------------------------------------------------------------


@manager
@require_http_methods(["GET", "POST"])
def workforce_settings(request):
    current = queries.settings_for(request.user.organisation)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in SettingsForm.Meta.fields}
        try:
            services.workforce_settings_update(actor=request.user, request=request, **changes)
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Workforce settings saved.")
            return redirect("workforce:settings")
    return render(request, "workforce/settings.html", {"form": form}, status=form_status(form))


# --- Learning-needs analyses --------------------------------------------------------------


@planner
@require_safe
def analyses(request):
    return render(
        request,
        "workforce/analyses.html",
        {"analyses": queries.analyses_for(request.user).prefetch_related("courses")},
    )


@planner
@require_http_methods(["GET", "POST"])
def analysis_edit(request, pk: int | None = None):
    analysis = queries.get_analysis_for_user(request.user, pk) if pk else None
    form = AnalysisForm(
        request.POST or None,
        instance=analysis,
        organisation=request.user.organisation,
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in AnalysisForm.Meta.fields}
        try:
            analysis = services.analysis_save(
                actor=request.user,
                analysis=queries.get_analysis_for_user(request.user, pk) if pk else None,
                data=data,
                request=request,
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Learning-needs analysis saved.")
            return redirect("workforce:analysis_detail", pk=analysis.pk)
    return render(
        request,
        "workforce/analysis_form.html",
        {"form": form, "analysis": analysis},
        status=form_status(form),
    )


@planner
@require_safe
def analysis_detail(request, pk: int):
    analysis = queries.get_analysis_for_user(request.user, pk)
    return render(
        request,
        "workforce/analysis_detail.html",
        {
            "analysis": analysis,
            "activities": analysis.activities.select_related("course"),
            "courses": analysis.courses.all(),
            "today": clock.today(),
        },
    )


@planner
@require_http_methods(["GET", "POST"])
def activity_add(request, pk: int):
    analysis = queries.get_analysis_for_user(request.user, pk)
    form = ActivityForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_add(
                analysis=analysis, actor=request.user, request=request, **form.cleaned_data
            )
        except DomainError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Activity added to the plan.")
            return redirect("workforce:analysis_detail", pk=analysis.pk)
    return render(
        request,
        "workforce/activity_form.html",
        {"form": form, "analysis": analysis},
        status=form_status(form),
    )
