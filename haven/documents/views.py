"""Vault pages. Thin: scoped fetch, form, service, redirect. The list itself is a tab of the
person's page (``haven.people.views.person_detail`` includes ``queries.person_documents``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from haven.access import rules
from haven.access.decorators import requires
from haven.core.errors import DomainError
from haven.core.http import private_file
from haven.documents import queries, services, storage
from haven.documents.forms import DocumentForm, EnteredInErrorForm
from haven.people.queries import get_person_for_user

reader = requires(rules.can_search_people)
uploader = requires(rules.can_edit_people)


def _back(person) -> str:
    return f"{reverse('people:detail', args=[person.pk])}?tab=documents"


@uploader
@require_http_methods(["GET", "POST"])
def document_upload(request, pk: int):
    person = get_person_for_user(request.user, pk, for_write=True)
    form = DocumentForm(
        request.POST or None, request.FILES or None, organisation=request.user.organisation
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_store(
                actor=request.user,
                person=person,
                upload=data["file"],
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                request=request,
            )
        except DomainError as problem:
            form.add_error("file", str(problem))
        else:
            messages.success(request, f"“{document.title}” has been added to the documents.")
            return redirect(_back(person))
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "documents/upload.html",
        {"form": form, "person": person, "back": _back(person)},
        status=status,
    )


@reader
@require_safe
def document_download(request, pk: int):
    """The file, for those who may see it: never cached, never shown inline, always audited."""
    document = queries.get_document_for_user(request.user, pk)
    try:
        handle = storage.open_for_reading(document.storage_name)
    except FileNotFoundError:
        raise Http404 from None
    services.document_downloaded(document=document, actor=request.user, request=request)
    return private_file(handle, content_type=document.content_type, filename=document.download_name)


@reader
@require_http_methods(["GET", "POST"])
def document_entered_in_error(request, pk: int):
    document = queries.get_document_for_user(request.user, pk)
    if not rules.can_mark_document_in_error(request.user, document):
        raise PermissionDenied
    form = EnteredInErrorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_mark_entered_in_error(
                document=document,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as problem:
            form.add_error("reason", str(problem))
        else:
            messages.success(
                request,
                f"“{document.title}” is marked as entered in error. It is kept, and listed "
                "under “Entered in error”.",
            )
            return redirect(_back(document.person))
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "documents/entered_in_error.html",
        {
            "form": form,
            "document": document,
            "person": document.person,
            "back": _back(document.person),
        },
        status=status,
    )
