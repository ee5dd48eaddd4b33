"""The MIS import wizard: upload, choose columns, check (dry run), apply."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core.errors import DomainError
from haven.people import imports
from haven.people.models import ImportFile

importer = requires(rules.can_import_people)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV export from your MIS",
        help_text="One row per pupil, with a heading row. At most 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def mapping_form(upload, data=None):
    choices = [("", "Not in this file"), *[(h, h) for h in upload.header]]
    form = forms.Form(data)
    for item in imports.FIELDS:
        form.fields[item.key] = forms.ChoiceField(
            label=item.label + ("" if item.required else ""),
            choices=choices,
            required=item.required,
            initial=upload.mapping.get(item.key, ""),
        )
    return form


def _upload_for(request, pk):
    upload = ImportFile.objects.for_org(request.user.organisation).filter(pk=pk).first()
    if upload is None:
        raise Http404
    return upload


@importer
@require_http_methods(["GET", "POST"])
def import_start(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            made = imports.import_upload(actor=request.user, name=upload.name, raw=upload.read())
        except DomainError as problem:
            form.add_error("file", str(problem))
        else:
            return redirect("people:import_detail", pk=made.pk)
    recent = ImportFile.objects.for_org(request.user.organisation).select_related(
        "created_by", "check_job", "apply_job"
    )[:10]
    return render(
        request,
        "people/import_start.html",
        {"form": form, "recent": recent},
        status=400 if form.is_bound and form.errors else 200,
    )


@importer
@require_http_methods(["GET", "POST"])
def import_detail(request, pk: int):
    upload = _upload_for(request, pk)
    form = mapping_form(upload, request.POST if request.POST.get("action") == "check" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "apply":
                imports.import_apply(actor=request.user, upload=upload)
                messages.success(request, "Importing. You can leave this page; it carries on.")
            elif form.is_valid():
                imports.import_check(actor=request.user, upload=upload, mapping=form.cleaned_data)
            else:
                raise DomainError("Choose a column for each required field.")
        except DomainError as problem:
            messages.error(request, str(problem))
        else:
            return redirect("people:import_detail", pk=upload.pk)
    upload.refresh_from_db()
    running = next(
        (j for j in (upload.apply_job, upload.check_job) if j is not None and not j.is_finished),
        None,
    )
    latest = upload.apply_job or upload.check_job
    return render(
        request,
        "people/import_detail.html",
        {
            "upload": upload,
            "form": form,
            "running": running,
            "result": latest.result if latest and latest.is_finished else None,
            "failed": latest if latest and latest.status == "failed" else None,
        },
    )


@importer
@require_safe
def import_rejected(request, pk: int):
    upload = _upload_for(request, pk)
    if upload.check_job is None or not upload.check_job.is_finished:
        raise Http404
    record_event(
        action=Action.EXPORT,
        actor=request.user,
        request=request,
        obj=upload,
        detail={"what": "rejected import rows"},
    )
    response = HttpResponse(
        imports.rejected_rows_csv(upload), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-{upload.pk}.csv"'
    return response
