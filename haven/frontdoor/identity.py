"""How the front door names a child outside Haven's pages: by identifiers, never by name.

Seed 002 (section 7.3): the NHS number and the local authority's case number go in every
message between agencies, in the subject instead of the child's name.
"""

from __future__ import annotations

from haven.frontdoor.models import Contact, ContactPerson
from haven.people.models import Identifier


def contact_reference(contact: Contact) -> str:
    """ "Contact C000012 · NHS 999 000 0018 · LA case 40213" for the contact's first child
    (the contact reference alone when the child has no identifiers yet). One query."""
    first_child = (
        ContactPerson.objects.for_org(contact.organisation)
        .filter(contact=contact, role=ContactPerson.Role.CHILD)
        .order_by("pk")
        .values("person_id")[:1]
    )
    identifiers = {
        kind: value
        for kind, value in Identifier.objects.for_org(contact.organisation)
        .filter(
            person_id__in=first_child,
            kind__in=[Identifier.Kind.NHS, Identifier.Kind.LA_CASE],
            withdrawn_at__isnull=True,
        )
        .values_list("kind", "value")
    }
    parts = [f"Contact {contact.reference}"]
    if Identifier.Kind.NHS in identifiers:
        nhs = identifiers[Identifier.Kind.NHS]
        parts.append(f"NHS {nhs[:3]} {nhs[3:6]} {nhs[6:]}")
    if Identifier.Kind.LA_CASE in identifiers:
        parts.append(f"LA case {identifiers[Identifier.Kind.LA_CASE]}")
    return " · ".join(parts)
