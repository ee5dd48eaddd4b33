"""Reads of the document vault, always scoped to what the reader may see."""

from __future__ import annotations

from django.http import Http404

from haven.access import rules
from haven.core.paging import keyset_page
from haven.documents.models import Document

PAGE_SIZE = 25


def documents_visible_to(user, person, *, entered_in_error: bool = False):
    """The person's documents this reader may see, newest first.

    Assumes the caller has already checked the reader may see ``person``. Documents entered
    in error are left out unless asked for (then only they are listed).
    """
    if not rules.can_view_person(user, person):
        return Document.unscoped.none()
    return (
        Document.objects.for_org(user.organisation)
        .filter(person=person, entered_in_error=entered_in_error)
        .filter(rules.document_scope_q(user, person))
        .select_related("kind", "uploaded_by", "error_marked_by")
        .order_by("-id")
    )


def get_document_for_user(user, pk: int) -> Document:
    """The document, or 404 if the reader may not know it exists."""
    document = (
        Document.objects.for_org(user.organisation)
        .select_related("person", "kind", "uploaded_by")
        .filter(pk=pk)
        .first()
    )
    if document is None or not rules.can_view_document(user, document):
        raise Http404
    return document


def person_documents(request, person) -> dict:
    """The person page's Documents tab: one keyset page, and what the reader may do."""
    show_errors = request.GET.get("errors") == "1"
    rows = documents_visible_to(request.user, person, entered_in_error=show_errors)
    documents, next_before = keyset_page(rows, request, PAGE_SIZE)
    # Every listed document is visible, so the per-row rule needs no further queries.
    lead = rules.can_mark_significant_any(request.user)
    for document in documents:
        document.can_mark = not document.entered_in_error and (
            lead or document.uploaded_by_id == request.user.pk
        )
    query = "tab=documents" + ("&errors=1" if show_errors else "")
    return {
        "documents": documents,
        "next_before": next_before,
        "query": query,
        "showing_errors": show_errors,
        "can_upload_document": rules.can_upload_document(request.user, person),
    }
