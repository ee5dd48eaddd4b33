"""Test helpers for the front door: its organisation, its staff and contacts in any state.

``make_contact`` writes rows directly (not through the services) so that a test of a later
stage can start from a contact already there; tests of a stage itself use its service.
"""

from __future__ import annotations

import datetime

from haven.access import roles
from haven.accounts.models import Organisation, Team
from haven.accounts.services import organisation_create
from haven.core import clock
from haven.core.testing.factories import UserFactory
from haven.frontdoor.models import Contact, ContactPerson, PartnerAgency, Source
from haven.people import services as people_services


def make_front_door(name: str = "Northborough Children's Front Door") -> Organisation:
    return organisation_create(name=name, kind=Organisation.Kind.FRONT_DOOR)


def team(organisation, name: str) -> Team:
    return Team.objects.for_org(organisation).get(name=name)


def agency(organisation, kind: str) -> PartnerAgency:
    return PartnerAgency.objects.for_org(organisation).get(kind=kind)


def make_staff(organisation, role: str, name: str, *, teams=(), agencies=(), **extra):
    slug = role.replace("_", "-")
    user = UserFactory(
        organisation=organisation,
        full_name=name,
        email=f"{slug}.{name.split()[0].lower()}@{organisation.pk}.example.org",
        roles=[role],
        authenticator=roles.ROLES[role].needs_second_factor,
        job_title=roles.label(role),
        **extra,
    )
    for name_of_team in teams:
        team(organisation, name_of_team).members.add(user)
    for partner in agencies:
        partner.members.add(user)
    return user


def make_person(
    actor, *, first="Bugs", last="Bunny", born=datetime.date(2019, 6, 25), kind="child"
):
    return people_services.person_create(
        actor=actor,
        data={"kind": kind, "first_name": first, "last_name": last, "date_of_birth": born},
        address={"address_line_1": "1 Warren Lane"},
        duplicate_reason="test data",
    )


def make_contact(organisation, *, children=(), adults=(), actor=None, **fields) -> Contact:
    number = Contact.objects.for_org(organisation).count() + 1
    values = {
        "source": Source.TELEPHONE,
        "received_at": clock.now(),
        "referrer_name": "Pat Referrer",
        "referrer_role": "Class teacher",
        "referrer_agency": "Hillside Primary",
        "referrer_email": "pat.referrer@hillside.example",
        "concerns": "Bruising to the arm, seen at breakfast club.",
        "parents_informed": True,
        "consent": "given",
        **fields,
    }
    contact = Contact.objects.create(
        organisation=organisation, number=number, created_by=actor, **values
    )
    for person in children:
        ContactPerson.objects.create(
            organisation=organisation, contact=contact, person=person, role="child"
        )
    for person in adults:
        ContactPerson.objects.create(
            organisation=organisation, contact=contact, person=person, role="adult"
        )
    return contact
