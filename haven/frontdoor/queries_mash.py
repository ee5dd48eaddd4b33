"""Reads the MASH pages need, each scoped to the reader.

A MASH page fetches its contact through ``get_contact_for_mash``: 404 for a contact the
reader may not open, 403 for front-door staff outside the MASH team. A partner agency
member reaches requests only through ``requests_for_partner`` and ``get_request_for_partner``,
which know nothing but the requests addressed to the reader's own agencies.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from haven.access import rules
from haven.frontdoor.models import (
    Contact,
    ContactPerson,
    ContactStatusChange,
    InformationRequest,
    MashRecord,
    OnwardRecord,
    RagRating,
)
from haven.people.models import Identifier

OPEN_LIST_LIMIT = 100
ANSWERED_PAGE = 25


def get_contact_for_mash(user, pk: int) -> Contact:
    contact = (
        Contact.objects.for_org(user.organisation)
        .filter(rules.contact_access_q(user), pk=pk)
        .first()
    )
    if contact is None or not rules.can_view_contact(user, contact):
        raise Http404
    if not rules.can_view_mash(user, contact):
        raise PermissionDenied
    return contact


def contact_url(contact: Contact) -> str | None:
    """The contact's own page, where the front door has one."""
    try:
        return reverse("frontdoor:contact", args=[contact.pk])
    except NoReverseMatch:
        return None


def contact_people(contact: Contact) -> list[ContactPerson]:
    """Children then adults, with their household (address) and current identifiers."""
    return list(
        ContactPerson.objects.for_org(contact.organisation)
        .filter(contact=contact)
        .select_related("person__household")
        .prefetch_related(
            Prefetch(
                "person__identifiers",
                queryset=Identifier.objects.for_org(contact.organisation).filter(
                    withdrawn_at__isnull=True,
                    kind__in=[Identifier.Kind.NHS, Identifier.Kind.LA_CASE],
                ),
                to_attr="current_identifiers",
            )
        )
        .order_by("-role", "pk")  # "child" before "adult"
    )


def contact_requests(contact: Contact) -> list[InformationRequest]:
    return list(
        InformationRequest.objects.for_org(contact.organisation)
        .filter(contact=contact)
        .select_related("agency", "attachment", "answered_by", "created_by")
        .order_by("created_at", "pk")
    )


def mash_record(contact: Contact) -> MashRecord | None:
    return (
        MashRecord.objects.for_org(contact.organisation)
        .filter(contact=contact)
        .select_related("completed_by")
        .first()
    )


def onward_record(contact: Contact) -> OnwardRecord | None:
    return OnwardRecord.objects.for_org(contact.organisation).filter(contact=contact).first()


def ratings(contact: Contact) -> list[RagRating]:
    return list(
        RagRating.objects.for_org(contact.organisation)
        .filter(contact=contact)
        .select_related("created_by")
    )


def history(contact: Contact) -> list[ContactStatusChange]:
    return list(
        ContactStatusChange.objects.for_org(contact.organisation)
        .filter(contact=contact)
        .select_related("created_by")
    )


# --- Partner agency members -----------------------------------------------------------------


def _partner_requests(user):
    if not rules.is_partner_agency_member(user):
        return InformationRequest.objects.for_org(user.organisation).none()
    return InformationRequest.objects.for_org(user.organisation).filter(
        agency__in=user.partner_agencies.filter(organisation=user.organisation)
    )


def requests_for_partner(user, *, before: int | None = None):
    """The reader's queue: open requests by due time (the most pressing first), then a page
    of answered ones, newest first. Returns (open, answered, next cursor)."""
    rows = _partner_requests(user).select_related("agency", "contact")
    open_requests = []
    if before is None:
        open_requests = list(
            rows.filter(status=InformationRequest.Status.OPEN).order_by("due_at", "pk")[
                :OPEN_LIST_LIMIT
            ]
        )
    answered = rows.filter(status=InformationRequest.Status.ANSWERED).order_by("-id")
    if before is not None:
        answered = answered.filter(id__lt=before)
    page = list(answered[: ANSWERED_PAGE + 1])
    more = len(page) > ANSWERED_PAGE
    page = page[:ANSWERED_PAGE]
    return open_requests, page, (page[-1].pk if more and page else None)


def get_request_for_partner(user, pk: int) -> InformationRequest:
    """A request addressed to one of the reader's agencies; 404 for any other. (A withdrawn
    one is found, for its page to say so, but shows nothing about the family.)"""
    found = (
        _partner_requests(user)
        .filter(pk=pk)
        .select_related("agency", "contact", "attachment")
        .first()
    )
    if found is None or not rules.can_view_information_request(user, found):
        raise Http404
    return found
