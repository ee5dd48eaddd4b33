"""Reads for the contact page and the no-names consultations, scoped to the reader.

Each page's reads are a fixed handful of queries however long a contact's history grows
(every list is one query with its joins), which the page tests hold to.
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404

from haven.access import rules
from haven.core import clock
from haven.core.paging import keyset_page
from haven.frontdoor.models import (
    MASH_STATUSES,
    Contact,
    ContactClock,
    ContactPerson,
    ContactStatusChange,
    NoNamesConsultation,
    RagRating,
    Status,
)
from haven.people.models import Person

CONSULTATIONS_PAGE = 25


def get_contact_for_user(user, pk: int) -> Contact:
    """The contact, or 404 for anyone who may not know it exists."""
    contact = (
        Contact.objects.for_org(user.organisation)
        .filter(rules.contact_access_q(user), pk=pk)
        .select_related(
            "created_by",
            "screened_by",
            "allocated_worker",
            "outcome_team",
            "decided_by",
            "referring_organisation",
        )
        .first()
    )
    if contact is None or not rules.can_view_contact(user, contact):
        raise Http404
    return contact


def _span(seconds: float) -> str:
    """ "2 days 3 hours", "3 hours 20 minutes", "12 minutes", "less than a minute"."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)

    def unit(n, word):
        return f"{n} {word}{'' if n == 1 else 's'}"

    if days:
        return " ".join(p for p in (unit(days, "day"), hours and unit(hours, "hour")) if p)
    if hours:
        return " ".join(p for p in (unit(hours, "hour"), mins and unit(mins, "minute")) if p)
    return unit(mins, "minute") if mins else "less than a minute"


def time_left(due_at: datetime | None, now: datetime | None = None) -> dict | None:
    """The running clock in words: {"overdue": bool, "words": "3 hours 20 minutes left"}."""
    if due_at is None:
        return None
    now = now or clock.now()
    seconds = (due_at - now).total_seconds()
    if seconds >= 0:
        return {"overdue": False, "words": f"{_span(seconds)} left"}
    return {"overdue": True, "words": f"overdue by {_span(-seconds)}"}


def next_steps(user, contact: Contact) -> dict:
    """Which of the next stages' links the reader may follow now (the same rules the stages'
    own pages apply)."""
    status = contact.status
    return {
        "can_screen": status == Status.SCREENING and rules.can_screen_contacts(user),
        "can_rate": status == Status.RATING and rules.can_rate_contacts(user),
        "can_allocate": status == Status.ALLOCATION and rules.can_allocate_contacts(user),
        "can_early_help": status == Status.EARLY_HELP and rules.can_make_early_help_decision(user),
        "can_mash": status in MASH_STATUSES and rules.can_view_mash(user, contact),
        "can_view_mash": rules.can_view_mash(user, contact),
    }


def contact_page(user, contact: Contact) -> dict:
    """Everything the contact page shows."""
    from haven.documents.models import Document
    from haven.frontdoor.services.setup import front_door_settings

    org = contact.organisation_id
    children, adults = contact_people_by_role(contact)
    people = children + adults
    changes = list(
        ContactStatusChange.objects.for_org(org)
        .filter(contact=contact)
        .select_related("created_by")
        .order_by("created_at", "pk")
    )
    ratings = list(
        RagRating.objects.for_org(org)
        .filter(contact=contact)
        .select_related("created_by")
        .order_by("created_at", "pk")
    )
    clocks = list(
        ContactClock.objects.for_org(org).filter(contact=contact).order_by("started_at", "pk")
    )
    documents = []
    if people:
        documents = list(
            Document.objects.for_org(org)
            .filter(
                person_id__in=[person.pk for person in people],
                scope=contact.document_scope,
                entered_in_error=False,
            )
            .select_related("kind")
            .order_by("-id")
        )
    consultation = NoNamesConsultation.objects.for_org(org).filter(referral_contact=contact).first()
    settings = front_door_settings(contact.organisation)
    now = clock.now()
    return {
        "children": children,
        "adults": adults,
        "status_changes": changes,
        "ratings": ratings,
        "clocks": [
            {
                "clock": c,
                "running": c.stopped_at is None,
                "met": c.met,
                "left": time_left(c.due_at, now) if c.stopped_at is None else None,
            }
            for c in clocks
        ],
        "running_clock": time_left(contact.due_at, now),
        "police_documents": documents,
        "can_attach_documents": bool(people) and rules.can_log_contacts(user),
        "consultation": consultation,
        "domestic_abuse_service": settings.domestic_abuse_service
        if contact.is_domestic_abuse
        else None,
        **next_steps(user, contact),
    }


# --- No-names consultations ---------------------------------------------------------------


def get_consultation_for_user(user, pk: int) -> NoNamesConsultation:
    consultation = (
        NoNamesConsultation.objects.for_org(user.organisation)
        .filter(pk=pk)
        .select_related("created_by", "referral_contact")
        .first()
    )
    if consultation is None or not rules.can_view_consultation(user, consultation):
        raise Http404
    return consultation


def consultations_page(user, request) -> dict:
    """Newest first, a page at a time by id (keyset), so page one costs the same always."""
    rows = (
        NoNamesConsultation.objects.for_org(user.organisation)
        .select_related("created_by", "referral_contact")
        .order_by("-id")
    )
    awaiting = request.GET.get("awaiting") == "1"
    if awaiting:
        rows = rows.filter(written_referral_agreed=True, referral_contact__isnull=True)
    page, next_cursor = keyset_page(rows, request, CONSULTATIONS_PAGE)
    now = clock.now()
    return {
        "consultations": [
            {
                "row": c,
                "awaited": c.written_referral_agreed and c.referral_contact_id is None,
                "overdue": c.written_referral_agreed
                and c.referral_contact_id is None
                and c.referral_due_at is not None
                and c.referral_due_at < now,
            }
            for c in page
        ],
        "next_cursor": next_cursor,
        "awaiting": awaiting,
    }


def consultation_state(consultation: NoNamesConsultation) -> dict:
    awaited = consultation.written_referral_agreed and consultation.referral_contact_id is None
    return {
        "awaited": awaited,
        "overdue": awaited
        and consultation.referral_due_at is not None
        and consultation.referral_due_at < clock.now(),
        "due": time_left(consultation.referral_due_at) if awaited else None,
    }


def contact_people_by_role(contact: Contact) -> tuple[list[Person], list[Person]]:
    """The children, then the adults, a contact is about (each in the order added)."""
    links = list(
        ContactPerson.objects.for_org(contact.organisation)
        .filter(contact=contact)
        .select_related("person")
        .order_by("role", "pk")
    )
    return (
        [link.person for link in links if link.role == ContactPerson.Role.CHILD],
        [link.person for link in links if link.role == ContactPerson.Role.ADULT],
    )
