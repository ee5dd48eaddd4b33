"""Logging a contact: what a complete contact needs, numbering, status, routing, telling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.access import rules
from haven.audit.models import Action, AuditEvent
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.documents.models import Document
from haven.frontdoor.models import (
    AgencyKind,
    Contact,
    ContactPerson,
    ContactStatusChange,
    Outcome,
    RetentionClass,
    Source,
    Status,
)
from haven.frontdoor.services.intake import ContactData, contact_create, contact_problems
from haven.frontdoor.testing import agency, make_person, make_staff
from haven.notifications.models import Kind, Notification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def data(**overrides) -> ContactData:
    values = {
        "source": Source.TELEPHONE,
        "received_at": clock.now() - timedelta(minutes=20),
        "concerns": "Child arrived hungry three days running; bruise on the left cheek.",
        "referrer_name": "Pat Teacher",
        "referrer_role": "Class teacher",
        "referrer_agency": "Hillside Primary",
        "referrer_email": "pat@hillside.example",
        "parents_informed": True,
        "consent": "given",
    }
    values.update(overrides)
    return ContactData(**values)


def police(**overrides) -> ContactData:
    values = {
        "source": Source.POLICE,
        "police_rag": "amber",
        "referrer_name": "PC Jo Holt",
        "referrer_agency": "Northborough Police",
        **overrides,
    }
    return data(**values)


# --- What a complete contact needs ------------------------------------------------------


def test_a_named_referrer_is_required_unless_anonymous():
    assert "referrer_name" in contact_problems(data(referrer_name="", children=[1]))
    assert "referrer_name" not in contact_problems(
        data(referrer_name="", referrer_anonymous=True, children=[1])
    )
    assert "referrer_name" not in contact_problems(
        data(referrer_name="", source=Source.ANONYMOUS, children=[1])
    )


def test_parents_not_told_needs_a_reason_and_an_explanation():
    problems = contact_problems(data(parents_informed=False, children=[1]))
    assert problems["not_informed_reason"] == "Choose why the parents or carers were not told."
    assert "not_informed_explanation" in problems
    complete = data(
        parents_informed=False,
        not_informed_reason="prejudice",
        not_informed_explanation="The police are about to interview the father.",
        children=[1],
    )
    assert contact_problems(complete) == {}


def test_whether_the_parents_were_told_must_be_answered():
    assert "parents_informed" in contact_problems(data(parents_informed=None, children=[1]))


def test_consent_not_sought_needs_a_reason():
    assert contact_problems(data(consent="not_sought", children=[1]))[
        "consent_not_sought_reason"
    ] == ("Say why consent was not sought.")
    assert contact_problems(data(consent="", children=[1]))["consent"]


def test_a_police_report_needs_the_police_rating_and_others_may_not_have_one():
    assert "police_rag" in contact_problems(police(police_rag="", children=[1]))
    assert "police_rag" in contact_problems(data(police_rag="red", children=[1]))


def test_a_contact_needs_a_child_unless_it_is_about_adults_only():
    assert "children" in contact_problems(data())
    assert "children" not in contact_problems(police(about_adults_only=True))
    assert "children" in contact_problems(police(about_adults_only=True, children=[1]))
    assert "about_adults_only" in contact_problems(data(about_adults_only=True))


def test_a_contact_cannot_be_received_in_the_future():
    assert "received_at" in contact_problems(
        data(received_at=clock.now() + timedelta(hours=1), children=[1])
    )


@settings(max_examples=150, deadline=None)
@given(
    source=st.sampled_from([s for s in Source.values if s != Source.HAVEN] + ["", "haven"]),
    anonymous=st.booleans(),
    name=st.sampled_from(["", "  ", "Pat"]),
    informed=st.sampled_from([None, True, False]),
    reason=st.sampled_from(["", "risk_of_harm", "nonsense"]),
    explanation=st.sampled_from(["", " ", "Because"]),
    consent=st.sampled_from(["", "given", "refused", "not_sought", "maybe"]),
    not_sought=st.sampled_from(["", "Urgent"]),
    rag=st.sampled_from(["", "red", "amber", "green", "blue"]),
    adults_only=st.booleans(),
    children=st.sampled_from([[], [1]]),
)
def test_the_check_agrees_with_the_rules_for_any_answers(
    source,
    anonymous,
    name,
    informed,
    reason,
    explanation,
    consent,
    not_sought,
    rag,
    adults_only,
    children,
):
    candidate = ContactData(
        source=source,
        received_at=clock.now(),
        concerns="Worried",
        referrer_anonymous=anonymous,
        referrer_name=name,
        parents_informed=informed,
        not_informed_reason=reason,
        not_informed_explanation=explanation,
        consent=consent,
        consent_not_sought_reason=not_sought,
        police_rag=rag,
        about_adults_only=adults_only,
        children=children,
    )
    problems = contact_problems(candidate)
    is_police = source == "police"
    expected_ok = (
        source in Source.values
        and source != "haven"
        and (anonymous or source == "anonymous" or bool(name.strip()))
        and informed is not None
        and (informed or (reason == "risk_of_harm" and bool(explanation.strip())))
        and consent in ("given", "refused", "not_sought")
        and (consent != "not_sought" or bool(not_sought))
        and ((is_police and rag in ("red", "amber", "green")) or (not is_police and not rag))
        and (not adults_only or is_police)
        and (bool(children) != adults_only)
    )
    assert (problems == {}) == expected_ok
    assert all(isinstance(message, str) and message for message in problems.values())


# --- The service ------------------------------------------------------------------------


def test_logging_a_contact_numbers_it_and_starts_screening(front_door, screening_officer, fd_child):
    parent = make_person(screening_officer, first="Lola", last="Bunny", kind="adult", born=None)
    contact = contact_create(
        actor=screening_officer, data=data(children=[fd_child], adults=[parent])
    )
    assert contact.number == 1 and contact.reference == "C000001"
    assert contact.status == Status.SCREENING
    assert contact.acknowledged_at is not None
    people = ContactPerson.objects.for_org(front_door).filter(contact=contact)
    assert {(p.person_id, p.role) for p in people} == {
        (fd_child.pk, "child"),
        (parent.pk, "adult"),
    }
    (change,) = ContactStatusChange.objects.for_org(front_door).filter(contact=contact)
    assert (change.from_status, change.to_status) == ("", Status.SCREENING)
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_id=str(contact.pk), person_id=fd_child.pk
    ).exists()
    second = contact_create(actor=screening_officer, data=data(children=[fd_child]))
    assert second.number == 2


def test_the_referrer_is_acknowledged_by_email_with_the_reference_only(
    screening_officer, fd_child, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = contact_create(actor=screening_officer, data=data(children=[fd_child]))
    (email,) = [m for m in mail.outbox if m.to == ["pat@hillside.example"]]
    assert contact.reference in email.subject
    assert fd_child.first_name not in email.subject + email.body
    for message in mail.outbox:
        assert fd_child.first_name not in message.subject


def test_the_screening_officers_are_told_without_a_name(
    front_door, screening_officer, senior_practitioner, fd_child
):
    other_officer = make_staff(front_door, "screening_officer", "Sid Second")
    contact = contact_create(actor=senior_practitioner, data=data(children=[fd_child]))
    notes = Notification.objects.for_org(front_door).filter(kind=Kind.CONTACT_FOR_YOU)
    assert {n.recipient_id for n in notes} == {screening_officer.pk, other_officer.pk}
    for note in notes:
        assert contact.reference in note.title and contact.reference in note.reference
        assert fd_child.first_name not in note.title + note.reference
        assert note.url == f"/front-door/contacts/{contact.pk}/"


def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    front_door, screening_officer, fd_child
):
    with pytest.raises(DomainError, match="Say why consent was not sought"):
        contact_create(
            actor=screening_officer, data=data(children=[fd_child], consent="not_sought")
        )
    with pytest.raises(DomainError, match="Give the referrer's name"):
        contact_create(actor=screening_officer, data=data(children=[fd_child], referrer_name=""))
    assert not Contact.objects.for_org(front_door).exists()
    assert not Notification.objects.for_org(front_door).exists()


def test_an_anonymous_contact_keeps_no_referrer_details(screening_officer, fd_child):
    contact = contact_create(
        actor=screening_officer,
        data=data(
            source=Source.ANONYMOUS,
            referrer_name="",
            referrer_email="someone@example.org",
            keep_referrer_from_family=True,
            children=[fd_child],
        ),
    )
    assert contact.referrer_anonymous
    assert contact.referrer_email == "" and not contact.keep_referrer_from_family


def test_an_unborn_child_can_be_the_subject(screening_officer):
    from haven.people import services as people_services

    unborn = people_services.person_create(
        actor=screening_officer,
        data={
            "kind": "child",
            "first_name": "Baby",
            "last_name": "Warren",
            "is_unborn": True,
            "expected_date": clock.today() + timedelta(days=60),
        },
        address={"postcode": "NB1 1AA"},
    )
    contact = contact_create(actor=screening_officer, data=data(children=[unborn]))
    assert contact.people.get().person.is_unborn


def test_a_child_and_an_adult_cannot_swap_places(screening_officer, fd_child):
    with pytest.raises(DomainError, match="recorded as a child"):
        contact_create(actor=screening_officer, data=data(children=[fd_child], adults=[fd_child]))


def test_another_organisations_child_is_refused(screening_officer, dsl):
    from haven.people import services as people_services

    theirs = people_services.person_create(
        actor=dsl,
        data={
            "kind": "child",
            "first_name": "Ann",
            "last_name": "Other",
            "date_of_birth": (clock.today() - timedelta(days=3000)),
        },
        address={},
    )
    with pytest.raises(NotAllowed):
        contact_create(actor=screening_officer, data=data(children=[theirs]))


def test_only_those_who_log_contacts_may(early_help_manager, police_member, fd_child):
    for someone in (early_help_manager, police_member):
        with pytest.raises(NotAllowed):
            contact_create(actor=someone, data=data(children=[fd_child]))


# --- Police reports ---------------------------------------------------------------------


def test_a_police_report_about_domestic_abuse_is_routed_to_the_domestic_abuse_service(
    front_door, screening_officer, fd_child
):
    service = agency(front_door, AgencyKind.DOMESTIC_ABUSE)
    worker = make_staff(front_door, "partner_agency_member", "Dee Abuse", agencies=[service])
    contact = contact_create(
        actor=screening_officer, data=police(is_domestic_abuse=True, children=[fd_child])
    )
    assert contact.is_domestic_abuse and contact.status == Status.SCREENING
    (note,) = Notification.objects.for_org(front_door).filter(recipient=worker)
    assert note.reference.startswith(f"Contact {contact.reference}")
    assert fd_child.first_name not in note.title
    change = ContactStatusChange.objects.for_org(front_door).get(contact=contact)
    assert "Domestic abuse service" in change.note
    assert AuditEvent.objects.filter(
        object_id=str(contact.pk), detail__routed_to="Domestic abuse service"
    ).exists()


def test_a_police_report_about_adults_only_goes_straight_to_adult_services(
    front_door, screening_officer
):
    adult = make_person(screening_officer, first="Ray", last="Stone", kind="adult", born=None)
    contact = contact_create(
        actor=screening_officer, data=police(about_adults_only=True, adults=[adult])
    )
    contact.refresh_from_db()
    assert contact.status == Status.PASSED_TO_ADULT_SERVICES
    assert contact.outcome == Outcome.ADULT_SERVICES
    assert contact.retention_class == RetentionClass.EARLY_HELP
    moves = ContactStatusChange.objects.for_org(front_door).filter(contact=contact)
    assert [m.to_status for m in moves] == [Status.SCREENING, Status.PASSED_TO_ADULT_SERVICES]
    # Nothing for the screening officers to do.
    assert not Notification.objects.for_org(front_door).filter(recipient=screening_officer).exists()


def test_the_police_report_is_kept_in_the_childs_vault_for_front_door_staff_only(
    front_door, screening_officer, social_worker, fd_child, dsl
):
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    contact = contact_create(
        actor=screening_officer, data=police(children=[fd_child]), attachment=upload
    )
    document = Document.objects.for_org(front_door).get(person=fd_child)
    assert document.scope == f"contact:{contact.pk}"
    assert rules.can_view_document(screening_officer, document)
    assert rules.can_view_document(social_worker, document)
    assert not rules.can_view_document(dsl, document)


def test_a_refused_attachment_saves_nothing(front_door, screening_officer, fd_child):
    upload = SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>")
    with pytest.raises(DomainError):
        contact_create(actor=screening_officer, data=police(children=[fd_child]), attachment=upload)
    assert not Contact.objects.for_org(front_door).exists()
