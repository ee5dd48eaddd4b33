"""Telling the referrer: an acknowledgement when the contact is logged, the outcome when it
is decided.

An external referrer hears by email, to ``referrer_email``. A referral from a DSL in another
Haven organisation is answered inside Haven instead: the DSL is notified in their own
organisation, and the outcome and the feedback the front door chose to share are copied to
the school's ``FrontDoorReferral``. Emails and notification subjects carry the contact
reference and the child's identifiers (``identity.contact_reference``), never a child's name
nor the concerns.
"""

from __future__ import annotations

import re

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from haven.core import clock
from haven.frontdoor.identity import contact_reference
from haven.frontdoor.models import Contact, FrontDoorReferral, Source


def _names_on(contact: Contact) -> list[str]:
    """Every name of the people the contact is about (one query), longest first."""
    from haven.frontdoor.models import ContactPerson

    names = set()
    for row in (
        ContactPerson.objects.for_org(contact.organisation)
        .filter(contact=contact)
        .values_list(
            "person__first_name",
            "person__middle_names",
            "person__last_name",
            "person__known_as",
            "person__previous_names",
        )
    ):
        for value in row:
            names.update(w for w in re.split(r"[\s,]+", value or "") if len(w) >= 2)
    return sorted(names, key=len, reverse=True)


def without_names(contact: Contact, text: str) -> str:
    """``text`` with the names of the contact's people taken out: the feedback is written by
    a person, and an email is no place for a child's name even when they slip one in."""
    for name in _names_on(contact):
        text = re.sub(rf"\b{re.escape(name)}\b", "[name removed]", text, flags=re.IGNORECASE)
    return text


def _email_referrer(contact: Contact, subject: str, body: str) -> None:
    if contact.referrer_anonymous or not contact.referrer_email:
        return
    recipient = contact.referrer_email
    transaction.on_commit(
        lambda: send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[recipient]
        )
    )


def _from_haven(contact: Contact) -> bool:
    return contact.source == Source.HAVEN and contact.referring_organisation_id is not None


def _referring_dsls(contact: Contact) -> list:
    """Who hears about a Haven referral: the DSL who made it; if they have left, the
    safeguarding leads of their organisation."""
    from haven.access import roles
    from haven.accounts.models import User

    referrer = contact.referring_user
    if referrer is not None and referrer.is_active:
        return [referrer]
    return list(
        User.objects.for_org(contact.referring_organisation)
        .filter(
            is_active=True,
            role_grants__role__in=roles.SAFEGUARDING_LEADS,
        )
        .distinct()
    )


def _notify_referrer(contact: Contact, title: str, referral: FrontDoorReferral | None) -> None:
    from haven.notifications.models import Kind
    from haven.notifications.services import notify

    url = reverse("frontdoor:my_referrals")
    if referral is not None:
        url = reverse("safeguarding:concern", args=[referral.concern_id])
    notify(
        recipients=_referring_dsls(contact),
        kind=Kind.REFERRAL_UPDATE,
        title=title,
        url=url,
        reference=contact_reference(contact),
    )


def _haven_referral(contact: Contact) -> FrontDoorReferral | None:
    # The row lives in the referring organisation: read across on purpose, by the contact.
    return FrontDoorReferral.unscoped.filter(contact=contact).first()


def acknowledge(contact: Contact) -> None:
    """Called by the service that logs the contact, inside its transaction."""
    received = timezone.localtime(contact.received_at)
    if _from_haven(contact):
        _notify_referrer(
            contact,
            f"{contact.organisation.name} received your referral {contact.reference} on "
            f"{received:%d/%m/%Y at %H:%M}.",
            _haven_referral(contact),
        )
    else:
        reference = contact_reference(contact)
        _email_referrer(
            contact,
            f"Your referral to {contact.organisation.name}: {reference}",
            f"Thank you. Your referral was received on {received:%d/%m/%Y at %H:%M}.\n"
            f"It is {reference}.\n"
            "Please quote the contact reference if you call us about this child.\n",
        )
    contact.acknowledged_at = clock.now()


def outcome_text(contact: Contact) -> str:
    """What the referrer is told: the outcome and the feedback written for them, no more."""
    lines = [f"Outcome: {contact.get_outcome_display()}."]
    if contact.feedback_to_referrer:
        lines += ["", contact.feedback_to_referrer.strip()]
    return "\n".join(lines)


def send_outcome(contact: Contact) -> None:
    """Called when the contact is decided, inside that transaction."""
    now = clock.now()
    if _from_haven(contact):
        referral = _haven_referral(contact)
        if referral is not None:
            referral.outcome_feedback = outcome_text(contact)
            referral.outcome_received_at = now
            referral.save(update_fields=["outcome_feedback", "outcome_received_at", "modified_at"])
            _project_outcome(referral)
        _notify_referrer(
            contact,
            f"{contact.organisation.name} has decided what happens next for your referral "
            f"{contact.reference}.",
            referral,
        )
    else:
        reference = contact_reference(contact)
        _email_referrer(
            contact,
            f"Outcome of your referral: {reference}",
            f"{contact.organisation.name} has decided what happens next for your referral "
            f"({reference}).\n\n{without_names(contact, outcome_text(contact))}\n",
        )
    contact.outcome_sent_at = now


def _project_outcome(referral: FrontDoorReferral) -> None:
    """The referring child's chronology gains the outcome (``referral_chronology``)."""
    from haven.chronology.projection import project

    project(referral)
