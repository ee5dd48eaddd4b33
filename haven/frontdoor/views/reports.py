"""The front door's report pages and their CSV downloads, in the house style of
``haven.reports``: a date range, an SVG chart with its figures in words, the table, a CSV
download, every view and download audited with its filters, and small numbers hidden from
leaders. Front-door staff prove their second factor first (again, if it is older than 15
minutes, to download); leaders' roles need none, as they only ever see counts."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.frontdoor import reports
from haven.reports import charts
from haven.reports.figures import present, to_csv
from haven.reports.forms import ReportFilterForm
from haven.reports.queries import Filters, default_filters
from haven.reports.suppression import HIDDEN_LONG, SMALL_NUMBER
from haven.reports.views import reader as reports_reader


def reader(*, fresh: bool = False):
    return reports_reader(fresh=fresh, predicate=rules.can_view_front_door_reports)


def _report(slug: str) -> reports.FrontDoorReport:
    report = reports.REPORTS.get(slug)
    if report is None:
        raise Http404
    return report


def _filters(request, report) -> tuple[ReportFilterForm, Filters]:
    defaults = default_filters()
    options = {
        "organisation": request.user.organisation,
        "units": (),
        "uses_period": report.uses_period,
    }
    if "date_from" not in request.GET and "date_to" not in request.GET:
        initial = {"date_from": defaults.start, "date_to": defaults.end}
        return ReportFilterForm(initial=initial, **options), defaults
    form = ReportFilterForm(request.GET, **options)
    if not form.is_valid():
        return form, defaults
    data = form.cleaned_data
    return form, Filters(
        start=data.get("date_from") or defaults.start, end=data.get("date_to") or defaults.end
    )


def _audit(request, action, report, filters) -> None:
    record_event(
        action=action,
        actor=request.user,
        request=request,
        detail={"what": "front-door report", "report": report.slug, "filters": filters.as_detail()},
    )


@reader()
@require_safe
def index(request):
    return render(
        request,
        "frontdoor/reports/index.html",
        {
            "reports": list(reports.REPORTS.values()),
            "full": reports.sees_full_figures(request.user),
            "small_number": SMALL_NUMBER,
        },
    )


@reader()
@require_safe
def report(request, slug: str):
    kind = _report(slug)
    form, filters = _filters(request, kind)
    full = reports.sees_full_figures(request.user)
    figures = kind.build(request.user, request.user.organisation, filters)
    shown = present(figures, full=full)
    _audit(request, Action.VIEW, kind, filters)
    chart = charts.bar_chart(
        title=kind.title, bars=shown.bars, unit=figures.chart_unit, chart_id=f"chart-{kind.slug}"
    )
    query = urlencode(
        {"date_from": f"{filters.start:%d/%m/%Y}", "date_to": f"{filters.end:%d/%m/%Y}"}
    )
    return render(
        request,
        "frontdoor/reports/report.html",
        {
            "kind": kind,
            "form": form,
            "filters": filters,
            "figures": figures,
            "shown": shown,
            "chart": chart,
            "full": full,
            "hidden_long": HIDDEN_LONG,
            "query": query,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@reader(fresh=True)
@require_safe
def report_csv(request, slug: str):
    kind = _report(slug)
    _, filters = _filters(request, kind)
    full = reports.sees_full_figures(request.user)
    shown = present(kind.build(request.user, request.user.organisation, filters), full=full)
    _audit(request, Action.EXPORT, kind, filters)
    response = HttpResponse(to_csv(shown), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="front-door-{kind.slug}-{stamp}.csv"'
    return response


urlpatterns = [
    path("reports/", index, name="reports"),
    path("reports/<slug:slug>/", report, name="report"),
    path("reports/<slug:slug>/csv/", report_csv, name="report_csv"),
]
