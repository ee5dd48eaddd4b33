import csv

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.audit.models import Action
from haven.audit.queries import AuditFilterForm, Filters, events_visible_to, record_access
from haven.audit.services import record_event
from haven.core.paging import MAX_ID, keyset_page

PAGE_SIZE = 50


def _keyset_page(events, request):
    return keyset_page(events, request, PAGE_SIZE)


def _filters(request):
    form = AuditFilterForm(request.GET or None, organisation=request.user.organisation)
    if form.is_bound and form.is_valid():
        return form, Filters(**form.cleaned_data)
    return form, Filters()


@requires(rules.can_view_audit_log)
@require_safe
def log(request):
    form, filters = _filters(request)
    rows, next_before = _keyset_page(events_visible_to(request.user, filters), request)
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "events": rows, "next_before": next_before, "query": query.urlencode()},
        status=400 if form.is_bound and form.errors else 200,
    )


class _Echo:
    def write(self, value):
        return value


@requires(rules.can_view_audit_log, fresh=True)
@require_safe
def export(request):
    """The filtered log as CSV. Asks for a second factor from the last 15 minutes."""
    form, filters = _filters(request)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/log.html", {"form": form, "events": []}, status=400)
    record_event(
        action=Action.EXPORT,
        actor=request.user,
        request=request,
        detail={"what": "audit log", "filters": filters.as_detail()},
    )
    events = events_visible_to(request.user, filters)
    writer = csv.writer(_Echo())
    header = ["when", "who", "action", "object type", "object", "person", "ip address"]

    def rows():
        yield writer.writerow(header)
        for e in events.iterator(chunk_size=2000):
            when = timezone.localtime(e.occurred_at).strftime("%d/%m/%Y %H:%M:%S")
            yield writer.writerow(
                [
                    when,
                    e.actor_label,
                    e.action_label,
                    e.object_type,
                    e.object_label,
                    e.person_id or "",
                    e.ip_address or "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="haven-audit-{stamp}.csv"'
    return response


@requires(rules.can_view_record_access)
@require_safe
def person_access(request, person_id: int):
    """Who has viewed or changed this person's record."""
    from haven.people.models import Person

    # Rule 3: a person the reader's organisation does not hold does not exist for them.
    if (
        person_id > MAX_ID
        or not Person.objects.for_org(request.user.organisation).filter(pk=person_id).exists()
    ):
        raise Http404
    rows, next_before = _keyset_page(record_access(request.user, person_id), request)
    record_event(
        action=Action.VIEW,
        actor=request.user,
        request=request,
        person_id=person_id,
        detail={"what": "record access log"},
    )
    return render(
        request,
        "audit/person_access.html",
        {"events": rows, "next_before": next_before, "person_id": person_id},
    )
