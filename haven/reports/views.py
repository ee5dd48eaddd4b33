"""Report pages and their CSV downloads: thin views over ``queries`` and ``figures``.

Leaders and governors sign in without a second factor and see suppressed counts; everyone
else who may read reports proves their second factor first (and again, if it is older than
15 minutes, to download). Every page view and download is audited with its filters.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from haven.access import rules
from haven.access.decorators import requires, second_factor_is_fresh
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.people.models import YearGroup
from haven.reports import charts, queries
from haven.reports.figures import present, to_csv
from haven.reports.forms import ReportFilterForm
from haven.reports.suppression import HIDDEN_LONG, SMALL_NUMBER


def _elevate(request, *, fresh: bool):
    query = {"next": request.get_full_path()}
    if fresh:
        query["fresh"] = "1"
    return redirect(f"{reverse('accounts:elevate')}?{urlencode(query)}")


def reader(*, fresh: bool = False, predicate=rules.can_view_reports):
    """Anyone who may read reports (``predicate``: the front door has its own readers);
    those whose role needs a second factor must have proved it (recently, for downloads).
    Leaders' roles need none: they only ever see counts."""

    def decorator(view):
        @requires(predicate, elevated=False)
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if user.needs_second_factor:
                if not rules.is_elevated(user):
                    return _elevate(request, fresh=False)
                if fresh and not second_factor_is_fresh(request):
                    return _elevate(request, fresh=True)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _kind_for(user, slug: str) -> queries.ReportKind:
    kind = queries.REPORTS.get(slug)
    if kind is None:
        raise Http404
    if kind not in queries.reports_for(user):
        raise PermissionDenied
    return kind


def _filters(request, kind) -> tuple[ReportFilterForm, queries.Filters]:
    defaults = queries.default_filters()
    organisation = request.user.organisation
    options = {"organisation": organisation, "units": kind.units, "uses_period": kind.uses_period}
    if not any(name in request.GET for name in ("date_from", "year_group", "team")):
        initial = {"date_from": defaults.start, "date_to": defaults.end}
        return ReportFilterForm(initial=initial, **options), defaults
    form = ReportFilterForm(request.GET, **options)
    if not form.is_valid():
        return form, defaults
    data = form.cleaned_data
    return form, queries.Filters(
        start=data.get("date_from") or defaults.start,
        end=data.get("date_to") or defaults.end,
        year_group=data.get("year_group", ""),
        team=data.get("team"),
    )


def _query_string(kind, filters: queries.Filters) -> str:
    query = {"date_from": f"{filters.start:%d/%m/%Y}", "date_to": f"{filters.end:%d/%m/%Y}"}
    if filters.year_group and "year_group" in kind.units:
        query["year_group"] = filters.year_group
    if filters.team is not None and "team" in kind.units:
        query["team"] = filters.team.pk
    return urlencode(query)


def _year_group_label(value: str) -> str:
    if not value:
        return ""
    if value == "none":
        return "Children with no year group recorded"
    return YearGroup(value).label


def _audit(request, action, kind, filters) -> None:
    record_event(
        action=action,
        actor=request.user,
        request=request,
        detail={"what": "report", "report": kind.slug, "filters": filters.as_detail()},
    )


@reader()
@require_safe
def index(request):
    return render(
        request,
        "reports/index.html",
        {
            "reports": queries.reports_for(request.user),
            "full": rules.sees_full_report_figures(request.user),
            "small_number": SMALL_NUMBER,
        },
    )


@reader()
@require_safe
def report(request, slug: str):
    kind = _kind_for(request.user, slug)
    form, filters = _filters(request, kind)
    organisation = request.user.organisation
    full = rules.sees_full_report_figures(request.user)
    figures = kind.build(request.user, organisation, filters)
    shown = present(figures, full=full)
    _audit(request, Action.VIEW, kind, filters)
    chart = charts.bar_chart(
        title=kind.title, bars=shown.bars, unit=figures.chart_unit, chart_id=f"chart-{kind.slug}"
    )
    programmes = []
    if full and kind.slug in ("engagements", "deliveries"):
        programmes = queries.programmes_in(organisation, filters)
    return render(
        request,
        "reports/report.html",
        {
            "kind": kind,
            "form": form,
            "filters": filters,
            "figures": figures,
            "shown": shown,
            "chart": chart,
            "full": full,
            "hidden_long": HIDDEN_LONG,
            "query": _query_string(kind, filters),
            "programmes": programmes,
            "year_group_label": _year_group_label(filters.year_group),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@reader(fresh=True)
@require_safe
def report_csv(request, slug: str):
    kind = _kind_for(request.user, slug)
    _, filters = _filters(request, kind)
    full = rules.sees_full_report_figures(request.user)
    shown = present(kind.build(request.user, request.user.organisation, filters), full=full)
    _audit(request, Action.EXPORT, kind, filters)
    response = HttpResponse(to_csv(shown), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="haven-{kind.slug}-{stamp}.csv"'
    return response
