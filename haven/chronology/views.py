from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.chronology.forms import ExportForm
from haven.chronology.models import Entry, Export
from haven.chronology.queries import (
    ChronologyFilterForm,
    household_children,
    household_timeline,
    routine_links,
)
from haven.chronology.services import (
    ExportGone,
    chronology_export_create,
    chronology_export_format,
    chronology_export_stream,
    chronology_export_take,
    chronology_mark_significant,
)
from haven.core.errors import NotAllowed
from haven.core.http import positive_int
from haven.people.queries import get_household_for_user, get_person_for_user
from haven.people.services import person_viewed


@requires(rules.can_mark_significant_any)
@require_POST
def significant(request):
    """Mark (``mark=<entry>``) or unmark (``unmark=<entry>``) an entry as significant: the
    chronology's buttons share one form, each naming its entry."""
    mark = "mark" in request.POST
    pk = positive_int(request.POST.get("mark" if mark else "unmark"))
    entry = pk and Entry.objects.for_org(request.user.organisation).filter(pk=pk).first()
    if not entry:
        raise Http404
    get_person_for_user(request.user, entry.child_id)
    chronology_mark_significant(entry=entry, actor=request.user, significant=mark)
    messages.success(request, "Saved.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = f"/people/{entry.child_id}/?tab=chronology"
    return redirect(target)


@requires(rules.can_export_chronology, fresh=True)
@require_http_methods(["GET", "POST"])
def export(request, pk: int):
    """Choose filters and a format; the file is drawn at once and a single-use link shown.

    Asks for the second factor again if the last check is over 15 minutes old."""
    child = get_person_for_user(request.user, pk)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = ExportForm(data, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        filters = {
            k: v for k, v in form.cleaned_data.items() if k not in ("format", "redact") and v
        }
        try:
            record, token = chronology_export_create(
                actor=request.user,
                child=child,
                filters=filters,
                fmt=form.cleaned_data["format"],
                redact=form.cleaned_data["redact"],
                request=request,
            )
        except NotAllowed as problem:
            raise PermissionDenied(str(problem)) from problem
        return render(
            request,
            "chronology/export_ready.html",
            {"child": child, "export": record, "token": token},
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "chronology/export.html", {"child": child, "form": form}, status=status)


@requires(rules.can_export_chronology)
@require_safe
def download(request, token: str):
    """The export, once. A used or expired link answers 410 with a page saying so."""
    zipped = chronology_export_format(actor=request.user, token=token) == Export.Format.ZIP
    take = chronology_export_stream if zipped else chronology_export_take
    try:
        record, content = take(actor=request.user, token=token, request=request)
    except Export.DoesNotExist as missing:
        raise Http404 from missing
    except ExportGone as gone:
        return render(request, "chronology/export_gone.html", {"reason": str(gone)}, status=410)
    stamp = timezone.localtime(record.created_at).strftime("%Y%m%d-%H%M")
    if zipped:
        # Streamed from storage in chunks; the file is removed when the response closes.
        response = FileResponse(content, content_type="application/zip")
        name = f"safeguarding-file-{record.child_id}-{stamp}.zip"
    else:
        kind = (
            "application/pdf" if record.format == Export.Format.PDF else "text/csv; charset=utf-8"
        )
        response = HttpResponse(content, content_type=kind)
        name = f"chronology-{record.child_id}-{stamp}.{record.format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@requires(rules.can_view_household_chronology)
@require_safe
def household(request, pk: int):
    """All the children of a household in one chronology, each entry labelled with its
    child; a child the reader may not open contributes nothing. Audited for each child."""
    home = get_household_for_user(request.user, pk)
    children = household_children(request.user, home)
    for child in children:
        person_viewed(
            person=child, actor=request.user, request=request, what="household chronology"
        )
    form = ChronologyFilterForm(request.GET or None, organisation=request.user.organisation)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = household_timeline(request.user, home, children, filters, request.GET.get("after"))
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "chronology/household.html",
        {
            "household": home,
            "children": children,
            "filter_form": form,
            "filters": filters,
            "chronology": page,
            "query": query.urlencode(),
            **routine_links(query),
        },
    )
