"""Telling referrers: an external referrer by email, a DSL in another Haven organisation
inside Haven. Every message names the child by the contact reference, NHS number and local
case number, never by name."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase

from haven.core import clock
from haven.frontdoor.models import Contact, FrontDoorReferral, Outcome, Source, Status
from haven.frontdoor.services.decision import contact_finish
from haven.frontdoor.services.feedback import without_names
from haven.frontdoor.services.intake import ContactData, contact_create
from haven.frontdoor.services.referrals import ReferralDetails
from haven.frontdoor.testing import make_person
from haven.people import services as people_services
from haven.people.demo import test_range_nhs_number as nhs_number
from haven.safeguarding import triage
from haven.safeguarding.taxonomy import seed_safeguarding
from haven.safeguarding.tests.records import concern_records, make_child

pytestmark = pytest.mark.django_db

NHS = nhs_number(52)
NAMES = ("Bartholomew", "Quince", "Rosalind", "Marchbank")


@pytest.fixture
def known_child(screening_officer):
    child = make_person(screening_officer, first="Bartholomew", last="Quince")
    people_services.identifier_add(person=child, actor=screening_officer, kind="nhs", value=NHS)
    people_services.identifier_add(
        person=child, actor=screening_officer, kind="la_case", value="LA40213"
    )
    return child


def external(officer, child, **extra) -> Contact:
    values = {
        "source": Source.TELEPHONE,
        "received_at": clock.now() - timedelta(minutes=5),
        "concerns": "Bartholomew Quince came to school hungry and bruised.",
        "referrer_name": "Pat Teacher",
        "referrer_role": "Class teacher",
        "referrer_agency": "Hillside Primary",
        "referrer_email": "pat@hillside.example",
        "parents_informed": True,
        "consent": "given",
        "children": [child],
        **extra,
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        return contact_create(actor=officer, data=ContactData(**values))


def decide(contact, actor, feedback: str) -> None:
    Contact.objects.for_org(contact.organisation).filter(pk=contact.pk).update(
        status=Status.EARLY_HELP
    )
    contact.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        contact_finish(
            contact=contact,
            actor=actor,
            outcome=Outcome.EARLY_HELP,
            feedback_to_referrer=feedback,
            detail="Internal: the police hold three call-outs.",
        )


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_an_external_referrer_is_acknowledged_with_the_childs_identifiers(
    screening_officer, known_child
):
    contact = external(screening_officer, known_child)
    (email,) = to("pat@hillside.example")
    assert contact.reference in email.subject
    assert "NHS " + f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}" in email.subject
    assert "LA case LA40213" in email.subject
    assert "Bartholomew" not in email.subject + email.body


def test_an_external_referrer_hears_the_outcome_and_the_feedback_only(
    screening_officer, mash_manager, known_child
):
    contact = external(screening_officer, known_child)
    mail.outbox.clear()
    decide(contact, mash_manager, "Bartholomew's family will be offered early help; thank you.")
    (email,) = to("pat@hillside.example")
    assert "Outcome of your referral" in email.subject and contact.reference in email.subject
    assert "Outcome: Early help." in email.body
    assert "family will be offered early help" in email.body
    # The name slipped into the feedback is taken out; the front door's notes never go.
    assert "Bartholomew" not in email.body and "[name removed]" in email.body
    assert "call-outs" not in email.body


def test_an_anonymous_referrer_is_sent_nothing(screening_officer, mash_manager, known_child):
    contact = external(
        screening_officer, known_child, source=Source.ANONYMOUS, referrer_name="", referrer_email=""
    )
    decide(contact, mash_manager, "Thank you.")
    assert not to("pat@hillside.example")
    assert contact.acknowledged_at is not None


def test_names_are_taken_out_whole_words_and_any_case(screening_officer, known_child):
    contact = external(screening_officer, known_child)
    text = "QUINCE and bartholomew; Quincey is a different word."
    assert without_names(contact, text) == (
        "[name removed] and [name removed]; Quincey is a different word."
    )


def test_no_email_the_front_door_sends_names_a_child(
    org, dsl, staff_member, front_door, screening_officer, mash_manager, known_child
):
    """Every email of a whole run: a contact logged by telephone and one referred by a
    school's DSL, each acknowledged and decided, with the staff told along the way."""
    seed_safeguarding(org)
    org.front_door = front_door
    org.save(update_fields=["front_door"])
    pupil = make_child(dsl, "Rosalind", "Marchbank", born=datetime.date(2015, 9, 9))
    people_services.identifier_add(person=pupil, actor=dsl, kind="nhs", value=nhs_number(53))
    with TestCase.captureOnCommitCallbacks(execute=True):
        concern = concern_records(staff_member, pupil, account="Rosalind Marchbank said…").concern
    mail.outbox.clear()
    told = external(screening_officer, known_child)
    with TestCase.captureOnCommitCallbacks(execute=True):
        triage.triage_decide(
            concern=concern,
            actor=dsl,
            outcome="refer",
            refer_to="front_door",
            rationale="Rosalind needs a social worker.",
            front_door=ReferralDetails(
                summary="Rosalind Marchbank disclosed being hit.",
                parents_informed=True,
                consent="given",
            ),
        )
    referred = Contact.objects.for_org(front_door).get(source=Source.HAVEN)
    decide(told, mash_manager, "Bartholomew Quince will be offered early help.")
    decide(referred, mash_manager, "Rosalind will be offered early help.")
    assert FrontDoorReferral.objects.for_org(org).get().outcome_received_at is not None
    assert len(mail.outbox) >= 5  # acknowledgement, outcome, and the staff's notifications
    for message in mail.outbox:
        for name in NAMES:
            assert name not in message.subject, (message.subject, name)
            assert name not in message.body, (message.subject, name)
    subjects = [m.subject for m in mail.outbox]
    assert any(referred.reference in s and "NHS" in s for s in subjects)
