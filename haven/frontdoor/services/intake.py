"""Logging a contact: every referral or enquiry that reaches the front door starts here.

``contact_create`` numbers the contact, links the children and adults it is about, records
what the family has been told and whether they agreed, starts the status history at
"awaiting screening", acknowledges the referrer and tells the screening officers. Two kinds
of police report are routed as they arrive (seed 002, section 5):

* about domestic abuse: flagged, and the configured domestic abuse service is told as well;
* about adults only: passed to adult social care at once and not processed further.

``contact_problems`` is the one statement of what a complete contact needs; the form shows
its messages beside the fields and the service refuses anything it would complain about, so
a contact written by other code (the demo data, an import) obeys the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse

from haven.access import rules
from haven.audit.models import Action
from haven.audit.services import record_event
from haven.core import clock
from haven.core.errors import DomainError, require, require_same_organisation
from haven.frontdoor.identity import contact_reference
from haven.frontdoor.models import (
    Consent,
    Contact,
    ContactPerson,
    ContactStatusChange,
    NoNamesConsultation,
    NotInformedReason,
    Outcome,
    PoliceRag,
    Source,
    Status,
)
from haven.frontdoor.services import feedback
from haven.frontdoor.services.setup import front_door_settings
from haven.notifications.models import Kind
from haven.notifications.services import notify
from haven.people.models import Person

# The sources a screening officer logs by hand. A referral from a Haven organisation is
# created by the referral service when a DSL refers a concern, never from this form.
LOGGED_SOURCES = [(value, label) for value, label in Source.choices if value != Source.HAVEN]

# Longest values the columns accept (the form enforces the same).
LIMITS = {
    "referrer_name": 150,
    "referrer_role": 150,
    "referrer_agency": 150,
    "referrer_phone": 20,
    "referrer_email": 254,
}


@dataclass
class ContactData:
    """What the person logging a contact tells us (people are passed separately)."""

    source: str
    received_at: datetime
    concerns: str
    referrer_anonymous: bool = False
    referrer_name: str = ""
    referrer_role: str = ""
    referrer_agency: str = ""
    referrer_phone: str = ""
    referrer_email: str = ""
    keep_referrer_from_family: bool = False
    police_rag: str = ""
    is_domestic_abuse: bool = False
    about_adults_only: bool = False
    parents_informed: bool | None = None
    not_informed_reason: str = ""
    not_informed_explanation: str = ""
    consent: str = ""
    consent_not_sought_reason: str = ""
    children: list = field(default_factory=list)
    adults: list = field(default_factory=list)

    def tidy(self) -> ContactData:
        """Trim the free text; an anonymous source means an anonymous referrer."""
        for name in (
            "concerns",
            "referrer_name",
            "referrer_role",
            "referrer_agency",
            "referrer_phone",
            "referrer_email",
            "not_informed_explanation",
            "consent_not_sought_reason",
        ):
            setattr(self, name, (getattr(self, name) or "").strip())
        if self.source == Source.ANONYMOUS:
            self.referrer_anonymous = True
        if self.referrer_anonymous:
            # Nothing to keep from the family, and nobody to acknowledge.
            self.keep_referrer_from_family = False
        if self.parents_informed is not False:
            self.not_informed_reason, self.not_informed_explanation = "", ""
        if self.consent != Consent.NOT_SOUGHT:
            self.consent_not_sought_reason = ""
        return self


def contact_problems(data: ContactData) -> dict[str, str]:
    """Every reason ``data`` is not yet a contact we can log, by field name. Empty if none.

    Pure: reads nothing from the database, so the form and the service give the same
    answer and it can be tested with any input.
    """
    problems: dict[str, str] = {}
    police = data.source == Source.POLICE
    if data.source not in dict(LOGGED_SOURCES):
        problems["source"] = "Choose where the contact came from."
    if data.received_at is None:
        problems["received_at"] = "Give the date and time the contact was received."
    elif data.received_at > clock.now():
        problems["received_at"] = "When it was received cannot be in the future."
    if not (data.concerns or "").strip():
        problems["concerns"] = "Say what the concerns are."
    anonymous = data.referrer_anonymous or data.source == Source.ANONYMOUS
    if not anonymous and not (data.referrer_name or "").strip():
        problems["referrer_name"] = (
            "Give the referrer's name, or tick “anonymous referrer” if they would not say."
        )
    for name, limit in LIMITS.items():
        if len(getattr(data, name) or "") > limit:
            problems[name] = f"Use at most {limit} characters."
    if police and data.police_rag not in PoliceRag.values:
        problems["police_rag"] = "Give the police's own RAG rating from the report."
    if not police and data.police_rag:
        problems["police_rag"] = "Only a police report carries a police RAG rating."
    if data.about_adults_only and not police:
        problems["about_adults_only"] = (
            "Only a police report about adults is passed straight to adult social care."
        )
    if data.about_adults_only and data.children:
        problems["children"] = (
            "A report about adults only names no children. Remove the children, or untick "
            "“about adults only”."
        )
    elif not data.about_adults_only and not data.children:
        problems["children"] = "Choose or add the child (or children) the contact is about."
    if data.parents_informed is None:
        problems["parents_informed"] = "Say whether the parents or carers have been told."
    elif data.parents_informed is False:
        if data.not_informed_reason not in NotInformedReason.values:
            problems["not_informed_reason"] = "Choose why the parents or carers were not told."
        if not (data.not_informed_explanation or "").strip():
            problems["not_informed_explanation"] = (
                "Explain why telling the parents or carers would have that effect."
            )
    if data.consent not in Consent.values:
        problems["consent"] = "Say whether consent to the referral was given."
    elif data.consent == Consent.NOT_SOUGHT and not (data.consent_not_sought_reason or "").strip():
        problems["consent_not_sought_reason"] = "Say why consent was not sought."
    return problems


def _next_number(organisation) -> int:
    last = Contact.objects.for_org(organisation).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def _check_people(actor, data: ContactData) -> None:
    for person in [*data.children, *data.adults]:
        require_same_organisation(actor.organisation_id, person)
        if person.merged_into_id:
            raise DomainError(
                f"{person.full_name}'s record was merged into another; choose that record."
            )
    for person in data.children:
        if person.kind != Person.Kind.CHILD:
            raise DomainError(f"{person.full_name} is recorded as an adult, not a child.")
    for person in data.adults:
        if person.kind != Person.Kind.ADULT:
            raise DomainError(f"{person.full_name} is recorded as a child, not an adult.")
    ids = [p.pk for p in [*data.children, *data.adults]]
    if len(ids) != len(set(ids)):
        raise DomainError("Someone is listed twice; list each person once.")


def _check_consultation(actor, consultation) -> None:
    if consultation is None:
        return
    require_same_organisation(actor.organisation_id, consultation)
    if not consultation.written_referral_agreed:
        raise DomainError("That consultation did not agree a written referral.")
    if consultation.referral_contact_id is not None:
        raise DomainError("That consultation's written referral has already been logged.")


def screening_officers(organisation):
    from haven.access import roles
    from haven.accounts.models import User

    return list(
        User.objects.for_org(organisation)
        .filter(is_active=True, role_grants__role=roles.SCREENING_OFFICER)
        .distinct()
    )


def _insert(contact: Contact) -> None:
    """Save a new contact under the next number, taking the one after if another contact
    took it a moment ago (the unique constraint is what makes this safe)."""
    for attempt in range(3):
        contact.number = _next_number(contact.organisation)
        try:
            with transaction.atomic():
                contact.save(force_insert=True)
            return
        except IntegrityError:
            if attempt == 2:
                raise
            contact.pk = None


def contact_create(
    *,
    actor,
    data: ContactData,
    attachment=None,
    consultation: NoNamesConsultation | None = None,
    request=None,
) -> Contact:
    """Log a contact from a referral or enquiry (any source but a Haven organisation).

    ``data.children`` and ``data.adults`` are people already in the front door's records
    (found or created with the duplicate check first). ``attachment`` is the police report
    itself, kept in the first child's document vault and seen only by front-door staff who
    may open the contact. ``consultation`` is the no-names consultation this contact is the
    agreed written referral for; linking it stops its reminder. Raises ``DomainError`` with
    a message on bad input, and then nothing is saved.
    """
    require(rules.can_log_contacts(actor), "Only front-door staff who log contacts can do that.")
    data = data.tidy()
    problems = contact_problems(data)
    if problems:
        raise DomainError(" ".join(dict.fromkeys(problems.values())))
    _check_people(actor, data)
    _check_consultation(actor, consultation)
    if attachment is not None:
        from haven.documents.services import document_check

        if data.source != Source.POLICE:
            raise DomainError("Only a police report is attached here.")
        if not data.children and not data.adults:
            raise DomainError(
                "A police report is kept in a person's document vault: add the adult or "
                "child it is about to attach it."
            )
        document_check(attachment)
    organisation = actor.organisation
    settings = front_door_settings(organisation)
    routed_da = (
        settings.domestic_abuse_service
        if data.source == Source.POLICE and data.is_domestic_abuse
        else None
    )
    contact = Contact(
        organisation=organisation,
        created_by=actor,
        source=data.source,
        received_at=data.received_at,
        police_rag=data.police_rag,
        is_domestic_abuse=data.is_domestic_abuse,
        about_adults_only=data.about_adults_only,
        referrer_anonymous=data.referrer_anonymous,
        referrer_name="" if data.referrer_anonymous else data.referrer_name,
        referrer_role="" if data.referrer_anonymous else data.referrer_role,
        referrer_agency="" if data.referrer_anonymous else data.referrer_agency,
        referrer_phone="" if data.referrer_anonymous else data.referrer_phone,
        referrer_email="" if data.referrer_anonymous else data.referrer_email,
        keep_referrer_from_family=data.keep_referrer_from_family,
        concerns=data.concerns,
        parents_informed=data.parents_informed,
        not_informed_reason=data.not_informed_reason,
        not_informed_explanation=data.not_informed_explanation,
        consent=data.consent,
        consent_not_sought_reason=data.consent_not_sought_reason,
        status=Status.SCREENING,
    )
    with transaction.atomic():
        _insert(contact)
        ContactPerson.objects.for_org(organisation).bulk_create(
            [
                ContactPerson(
                    organisation=organisation,
                    created_by=actor,
                    contact=contact,
                    person=person,
                    role=role,
                )
                for role, people in (
                    (ContactPerson.Role.CHILD, data.children),
                    (ContactPerson.Role.ADULT, data.adults),
                )
                for person in people
            ]
        )
        note = f"Logged: {Source(data.source).label.lower()}."
        if routed_da is not None:
            note += f" About domestic abuse: passed to {routed_da.name} as well."
        elif data.is_domestic_abuse:
            note += " About domestic abuse."
        ContactStatusChange.objects.create(
            organisation=organisation,
            created_by=actor,
            contact=contact,
            from_status="",
            to_status=Status.SCREENING,
            note=note,
        )
        if consultation is not None:
            consultation.referral_contact = contact
            consultation.save(update_fields=["referral_contact", "modified_at"])
        feedback.acknowledge(contact)
        contact.save(update_fields=["acknowledged_at", "modified_at"])
        reference = contact_reference(contact)
        url = reverse("frontdoor:contact", args=[contact.pk])
        detail = {
            "source": data.source,
            "children": [p.pk for p in data.children],
            "adults": [p.pk for p in data.adults],
        }
        if consultation is not None:
            detail["consultation"] = consultation.pk
        for person_id in [p.pk for p in data.children] or [None]:
            record_event(
                action=Action.CREATE,
                actor=actor,
                request=request,
                obj=contact,
                person_id=person_id,
                detail=detail,
            )
        if routed_da is not None:
            _route_to_domestic_abuse_service(contact, routed_da, actor, reference, request)
        if data.about_adults_only:
            _pass_to_adult_services(contact, settings, actor, reference, request)
        else:
            notify(
                recipients=screening_officers(organisation),
                kind=Kind.CONTACT_FOR_YOU,
                title=f"Contact {contact.reference} is awaiting screening "
                f"({Source(data.source).label.lower()})",
                url=url,
                reference=reference,
            )
        if attachment is not None:
            _attach_police_report(contact, data, attachment, actor, request)
    return contact


def _route_to_domestic_abuse_service(contact, agency, actor, reference, request) -> None:
    """The domestic abuse service hears of every police report about domestic abuse. Its
    members cannot open the contact; the message says only which contact it is."""
    notify(
        recipients=list(agency.members.filter(is_active=True)),
        kind=Kind.CONTACT_FOR_YOU,
        title=f"A police report about domestic abuse has reached the front door "
        f"(contact {contact.reference})",
        url="",
        reference=reference,
    )
    record_event(
        action=Action.UPDATE,
        actor=actor,
        request=request,
        obj=contact,
        detail={"routed_to": agency.name, "why": "domestic abuse"},
    )


def _pass_to_adult_services(contact, settings, actor, reference, request) -> None:
    """A police report about adults only is recorded and passed to adult social care; the
    front door does nothing more with it."""
    from haven.frontdoor.services.decision import contact_finish

    agency = settings.adult_services
    where = agency.name if agency is not None else "adult social care"
    contact_finish(
        contact=contact,
        actor=actor,
        outcome=Outcome.ADULT_SERVICES,
        to_status=Status.PASSED_TO_ADULT_SERVICES,
        detail=f"A police report about adults only, passed to {where} on logging.",
        request=request,
    )
    if agency is not None:
        notify(
            recipients=list(agency.members.filter(is_active=True)),
            kind=Kind.CONTACT_FOR_YOU,
            title=f"A police report about adults has been passed to you "
            f"(contact {contact.reference})",
            url="",
            reference=reference,
        )


def _attach_police_report(contact, data, upload, actor, request) -> None:
    """The last step (the document service cannot take stored bytes back on a rollback)."""
    from haven.documents.services import document_store

    owner = (data.children or data.adults)[0]
    document_store(
        actor=actor,
        person=owner,
        upload=upload,
        kind="Report",
        title=f"Police report for contact {contact.reference}",
        scope=contact.document_scope,
        request=request,
    )


def contact_document_add(
    *,
    actor,
    contact: Contact,
    person: Person,
    upload,
    kind,
    title: str = "",
    description: str = "",
    request=None,
):
    """Attach a document to a contact already logged: the police report that came after the
    telephone call, a referral form, a letter. Like the police report on the contact form it
    is kept in the document vault of ``person`` (a child or adult on the contact) with the
    contact's scope, so it shows on the contact and only to those who may open it. Raises
    ``DomainError``/``NotAllowed`` with a message (and keeps nothing) on bad input."""
    from haven.documents.services import document_store

    require(
        rules.can_view_contact(actor, contact) and rules.can_log_contacts(actor),
        "Only front-door staff who log contacts can attach documents to them.",
    )
    linked = ContactPerson.objects.for_org(contact.organisation_id).filter(
        contact=contact, person_id=person.pk
    )
    if person.organisation_id != contact.organisation_id or not linked.exists():
        raise DomainError("Choose a child or adult this contact is about.")
    return document_store(
        actor=actor,
        person=person,
        upload=upload,
        kind=kind,
        title=title,
        description=description,
        scope=contact.document_scope,
        request=request,
    )


def contact_viewed(*, actor, contact: Contact, child_ids: list[int], request=None) -> None:
    """Opening a contact is an access to each child's record: one audit event per child."""
    for person_id in child_ids or [None]:
        record_event(
            action=Action.VIEW,
            actor=actor,
            request=request,
            obj=contact,
            person_id=person_id,
            detail={"what": "front-door contact"},
        )
