"""A DSL in another Haven organisation refers a concern to the front door: one contact
there, one referral row here, each child of the concern found or created in the front door's
records, and nothing else crossing between the two."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haven.access import roles
from haven.audit.models import AuditEvent
from haven.chronology.models import Entry
from haven.core.errors import DomainError
from haven.frontdoor.models import (
    Contact,
    ContactPerson,
    ContactStatusChange,
    FrontDoorReferral,
    Outcome,
    Source,
    Status,
)
from haven.frontdoor.services.decision import contact_finish
from haven.frontdoor.services.referrals import ReferralDetails, referral_create
from haven.frontdoor.testing import make_person, make_staff
from haven.notifications.models import Kind, Notification
from haven.people import services as people_services
from haven.people.demo import demo_upn
from haven.people.demo import test_range_nhs_number as nhs_number
from haven.people.models import Identifier, Person
from haven.safeguarding import triage
from haven.safeguarding.models import Concern, ConcernChild, TriageDecision
from haven.safeguarding.taxonomy import seed_safeguarding
from haven.safeguarding.tests.records import concern_records, make_child

pytestmark = pytest.mark.django_db

NHS = nhs_number(41)
UPN = demo_upn(41)
SHARED = "Wilma said her stepfather hit her with a belt last night; red marks on both arms."
RATIONALE = "PRIVATE: I spoke to the head; mum has a history with the police."


@pytest.fixture
def school(org, front_door):
    seed_safeguarding(org)
    org.front_door = front_door
    org.save(update_fields=["front_door"])
    return org


@pytest.fixture
def pupil(dsl, school):
    child = make_child(
        dsl, "Wilma", "Waters", born=datetime.date(2016, 4, 2), year_group="4", class_group="4W"
    )
    people_services.identifier_add(person=child, actor=dsl, kind="nhs", value=NHS)
    people_services.identifier_add(person=child, actor=dsl, kind="upn", value=UPN)
    return child


@pytest.fixture
def concern(dsl, pupil, staff_member):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return concern_records(staff_member, pupil, account=SHARED).concern


def details(**extra) -> ReferralDetails:
    values = {
        "summary": SHARED,
        "parents_informed": False,
        "not_informed_reason": "risk_of_harm",
        "not_informed_explanation": "The stepfather would punish her for telling.",
        "consent": "not_sought",
        "consent_not_sought_reason": "Telling the family would put her at risk.",
        **extra,
    }
    return ReferralDetails(**values)


def refer(concern, dsl, **extra) -> TriageDecision:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return triage.triage_decide(
            concern=concern,
            actor=dsl,
            outcome="refer",
            refer_to="front_door",
            rationale=RATIONALE,
            front_door=details(**extra),
        )


def the_contact(front_door) -> Contact:
    return Contact.objects.for_org(front_door).get()


def test_a_referral_creates_one_contact_in_the_front_door_and_one_referral_here(
    dsl, concern, pupil, front_door, school
):
    dsl.job_title = "Designated safeguarding lead"
    dsl.save(update_fields=["job_title"])
    refer(concern, dsl)
    contact = the_contact(front_door)
    assert contact.source == Source.HAVEN
    assert contact.status == Status.SCREENING
    assert (contact.referrer_name, contact.referrer_role, contact.referrer_agency) == (
        "Dana Lead",
        "Designated safeguarding lead",
        school.name,
    )
    assert contact.referrer_email == dsl.email
    assert (contact.referring_organisation, contact.referring_user) == (school, dsl)
    assert contact.concerns == SHARED
    assert contact.parents_informed is False
    assert contact.not_informed_reason == "risk_of_harm"
    assert contact.consent == "not_sought"
    assert contact.acknowledged_at is not None
    statuses = ContactStatusChange.objects.for_org(front_door).filter(contact=contact)
    assert [(s.from_status, s.to_status) for s in statuses] == [("", Status.SCREENING)]
    referral = FrontDoorReferral.objects.for_org(school).get()
    assert (referral.concern, referral.child, referral.front_door, referral.contact) == (
        concern,
        pupil,
        front_door,
        contact,
    )
    assert referral.shared_summary == SHARED
    decision = TriageDecision.objects.for_org(school).get(concern=concern)
    assert (decision.outcome, decision.refer_to) == ("refer", "front_door")


def test_the_child_is_created_in_the_front_door_with_their_identifiers_and_address(
    dsl, concern, pupil, front_door
):
    refer(concern, dsl)
    link = ContactPerson.objects.for_org(front_door).select_related("person__household").get()
    theirs = link.person
    assert theirs.organisation_id == front_door.pk and theirs.pk != pupil.pk
    assert (theirs.first_name, theirs.last_name, theirs.date_of_birth) == (
        "Wilma",
        "Waters",
        datetime.date(2016, 4, 2),
    )
    assert link.role == ContactPerson.Role.CHILD
    assert theirs.household.address_line_1 == "1 Waters Road"
    identifiers = dict(
        Identifier.objects.for_org(front_door).filter(person=theirs).values_list("kind", "value")
    )
    assert identifiers == {"nhs": NHS, "upn": UPN}


def test_the_child_is_found_by_nhs_number_when_the_front_door_knows_them(
    dsl, concern, front_door, screening_officer
):
    known = make_person(screening_officer, first="Wilhelmina", last="Walters")
    people_services.identifier_add(person=known, actor=screening_officer, kind="nhs", value=NHS)
    refer(concern, dsl)
    assert ContactPerson.objects.for_org(front_door).get().person == known
    assert Person.objects.for_org(front_door).count() == 1
    # The UPN the front door lacked is added; its own name for the child is kept.
    known.refresh_from_db()
    assert known.first_name == "Wilhelmina"
    assert Identifier.objects.for_org(front_door).filter(person=known, kind="upn").exists()


def test_the_child_is_found_by_name_and_date_of_birth_without_an_nhs_number(
    dsl, concern, front_door, screening_officer
):
    known = make_person(
        screening_officer, first="Wilma", last="Waters", born=datetime.date(2016, 4, 2)
    )
    refer(concern, dsl)
    assert ContactPerson.objects.for_org(front_door).get().person == known
    assert Person.objects.for_org(front_door).count() == 1


def test_a_namesake_with_another_nhs_number_is_not_taken_for_the_child(
    dsl, concern, front_door, screening_officer
):
    namesake = make_person(
        screening_officer, first="Wilma", last="Waters", born=datetime.date(2016, 4, 2)
    )
    other_nhs = nhs_number(77)
    people_services.identifier_add(
        person=namesake, actor=screening_officer, kind="nhs", value=other_nhs
    )
    refer(concern, dsl)
    assert ContactPerson.objects.for_org(front_door).get().person != namesake
    assert Person.objects.for_org(front_door).count() == 2


def test_two_namesakes_are_left_for_the_screening_officer_rather_than_guessed(
    dsl, school, front_door, screening_officer, staff_member
):
    # The school holds no NHS number for this child.
    child = make_child(dsl, "Ada", "Brook", born=datetime.date(2018, 1, 1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        concern = concern_records(staff_member, child).concern
    for _ in range(2):
        make_person(screening_officer, first="Ada", last="Brook", born=datetime.date(2018, 1, 1))
    refer(concern, dsl)
    assert Person.objects.for_org(front_door).count() == 3


def test_a_school_without_a_front_door_cannot_refer_and_is_told_why(
    dsl, org, concern, sign_in, front_door
):
    org.front_door = None
    org.save(update_fields=["front_door"])
    with pytest.raises(DomainError, match="no local authority front door"):
        refer(concern, dsl)
    response = sign_in(dsl).post(
        reverse("safeguarding:triage_decide", args=[concern.pk]),
        {
            "outcome": "refer",
            "refer_to": "front_door",
            "rationale": RATIONALE,
            "fd_summary": SHARED,
            "fd_parents_informed": "yes",
            "fd_consent": "given",
        },
    )
    assert response.status_code == 400
    assert "no local authority front door set up in Haven" in response.content.decode()
    assert not Contact.unscoped.exists()
    assert not FrontDoorReferral.unscoped.exists()
    assert not TriageDecision.objects.for_org(org).exists()


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"summary": "  "}, "what to share"),
        ({"parents_informed": None}, "parents or carers know"),
        ({"not_informed_reason": ""}, "why the parents"),
        ({"consent": ""}, "consented"),
        ({"consent_not_sought_reason": ""}, "why consent was not sought"),
    ],
)
def test_an_incomplete_referral_sends_nothing_and_records_no_decision(
    dsl, concern, school, extra, message
):
    with pytest.raises(DomainError, match=message):
        refer(concern, dsl, **extra)
    assert not Contact.unscoped.exists()
    assert not FrontDoorReferral.unscoped.exists()
    assert not TriageDecision.objects.for_org(school).exists()


def test_the_decision_form_sends_the_referral_with_the_text_the_dsl_chose(
    dsl, concern, sign_in, front_door, school
):
    client = sign_in(dsl)
    page = client.get(reverse("safeguarding:triage_decide", args=[concern.pk]))
    # The text to share starts as what the concern says.
    assert page.context["form"]["fd_summary"].value() == SHARED
    response = client.post(
        reverse("safeguarding:triage_decide", args=[concern.pk]),
        {
            "outcome": "refer",
            "refer_to": "front_door",
            "rationale": RATIONALE,
            "fd_summary": "Red marks on both arms; she says her stepfather hit her.",
            "fd_parents_informed": "yes",
            "fd_consent": "given",
        },
    )
    assert response.status_code == 302
    contact = the_contact(front_door)
    assert contact.concerns == "Red marks on both arms; she says her stepfather hit her."
    assert contact.parents_informed is True and contact.consent == "given"


def test_the_form_asks_for_what_the_contact_needs(dsl, concern, sign_in):
    response = sign_in(dsl).post(
        reverse("safeguarding:triage_decide", args=[concern.pk]),
        {"outcome": "refer", "refer_to": "front_door", "rationale": RATIONALE, "fd_summary": ""},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Write what to share with the front door." in text
    assert "Say whether the parents or carers know about the referral." in text
    assert not Contact.unscoped.exists()


def test_a_second_referral_waits_for_the_first_to_be_decided(dsl, concern, front_door):
    refer(concern, dsl)
    with pytest.raises(DomainError, match="already been referred"):
        refer(concern, dsl)
    assert Contact.objects.for_org(front_door).count() == 1


def test_the_screening_officers_and_the_referring_dsl_are_told(
    dsl, concern, front_door, screening_officer
):
    refer(concern, dsl)
    contact = the_contact(front_door)
    for_officer = Notification.objects.for_org(front_door).get(recipient=screening_officer)
    assert for_officer.kind == Kind.CONTACT_FOR_YOU
    assert contact.reference in for_officer.title
    for_dsl = Notification.objects.for_org(dsl.organisation).get(recipient=dsl)
    assert for_dsl.kind == Kind.REFERRAL_UPDATE
    assert for_dsl.reference.startswith(f"Contact {contact.reference}")
    assert "NHS" in for_dsl.reference
    for note in (for_officer, for_dsl):
        assert "Wilma" not in note.title + note.reference


def test_the_outcome_reaches_the_referring_dsl_in_their_organisation(
    dsl, concern, front_door, mash_manager, school
):
    refer(concern, dsl)
    contact = the_contact(front_door)
    Contact.objects.for_org(front_door).filter(pk=contact.pk).update(status=Status.EARLY_HELP)
    contact.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        contact_finish(
            contact=contact,
            actor=mash_manager,
            outcome=Outcome.EARLY_HELP,
            feedback_to_referrer="An early help coordinator will call the school this week.",
            detail="MASH: police hold two call-outs to the address.",
        )
    referral = FrontDoorReferral.objects.for_org(school).get()
    assert referral.outcome_received_at is not None
    assert "Early help" in referral.outcome_feedback
    assert "will call the school this week" in referral.outcome_feedback
    # The front door's own notes stay there.
    assert "call-outs" not in referral.outcome_feedback
    told = Notification.objects.for_org(school).filter(recipient=dsl, kind=Kind.REFERRAL_UPDATE)
    assert told.count() == 2  # received, then decided
    assert all(n.organisation_id == school.pk for n in told)


def test_every_child_the_concern_is_about_goes_on_the_one_contact(
    dsl, pupil, front_door, school, staff_member
):
    brother = make_child(dsl, "Walter", "Waters", born=datetime.date(2019, 5, 5))
    with TestCase.captureOnCommitCallbacks(execute=True):
        concern = concern_records(
            staff_member, pupil, linked=[brother], account="Both boys were left alone overnight."
        ).concern
    # The front door already knows Walter (same name and date of birth): found, not doubled.
    known = make_person(
        make_staff(front_door, roles.SCREENING_OFFICER, "Sam Screen"),
        first="Walter",
        last="Waters",
        born=datetime.date(2019, 5, 5),
    )
    refer(concern, dsl)
    contact = the_contact(front_door)
    links = ContactPerson.objects.for_org(front_door).filter(contact=contact).order_by("pk")
    assert [(link.person.first_name, link.role) for link in links] == [
        ("Wilma", "child"),
        ("Walter", "child"),
    ]
    assert links[1].person == known
    assert Person.objects.for_org(front_door).filter(first_name="Walter").count() == 1
    # The referral is kept against the main child; each child's identity leaving is audited.
    assert FrontDoorReferral.objects.for_org(school).get().child == pupil
    assert (
        AuditEvent.objects.filter(organisation=school, person_id=brother.pk)
        .filter(detail__contact=contact.reference)
        .exists()
    )
    assert AuditEvent.objects.filter(
        organisation=front_door, object_id=str(contact.pk), person_id=known.pk
    ).exists()


def test_nothing_else_crosses_to_the_front_door(
    dsl, concern, pupil, front_door, school, staff_member
):
    # A sibling's own concern (not this one) stays in the school.
    sibling = make_child(dsl, "Walter", "Waters", born=datetime.date(2019, 5, 5))
    with TestCase.captureOnCommitCallbacks(execute=True):
        concern_records(staff_member, sibling, account="Walter's secret: SIBLING-NOTE")
    refer(concern, dsl)
    # Only the contact, its child and its history were written there.
    assert not Concern.unscoped.filter(organisation=front_door).exists()
    assert not ConcernChild.unscoped.filter(organisation=front_door).exists()
    assert not TriageDecision.unscoped.filter(organisation=front_door).exists()
    assert not Entry.unscoped.filter(organisation=front_door).exists()
    assert [p.first_name for p in Person.objects.for_org(front_door)] == ["Wilma"]
    contact = the_contact(front_door)
    written = " ".join(
        str(v) for v in Contact.objects.for_org(front_door).values().get(pk=contact.pk).values()
    )
    written += " ".join(
        ContactStatusChange.objects.for_org(front_door).values_list("note", flat=True)
    )
    assert "PRIVATE" not in written and "SIBLING-NOTE" not in written
    # The front door's audit trail names the contact and the child, not the concern's content.
    events = AuditEvent.objects.filter(organisation=front_door)
    assert "PRIVATE" not in str(list(events.values_list("detail", flat=True)))


def test_neither_side_can_open_the_others_records(
    dsl, concern, pupil, front_door, screening_officer, mash_manager, sign_in
):
    refer(concern, dsl)
    contact = the_contact(front_door)
    theirs = ContactPerson.objects.for_org(front_door).get().person
    for user in (screening_officer, mash_manager):
        client = sign_in(user)
        assert client.get(reverse("safeguarding:concern", args=[concern.pk])).status_code in (
            403,
            404,
        )
        assert client.get(reverse("people:detail", args=[pupil.pk])).status_code in (403, 404)
        assert client.get(reverse("frontdoor:my_referrals")).status_code == 403
    school_side = sign_in(dsl)
    assert school_side.get(reverse("people:detail", args=[theirs.pk])).status_code in (403, 404)
    contact_page = reverse("frontdoor:contact", args=[contact.pk])
    assert school_side.get(contact_page).status_code in (403, 404)


def test_the_concern_page_shows_the_referral_in_words_for_a_referrer(
    dsl, concern, front_door, sign_in
):
    refer(concern, dsl)
    contact = the_contact(front_door)
    client = sign_in(dsl)
    page = client.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "Referral to the front door" in page
    assert contact.reference in page
    assert "Received" in page
    Contact.objects.for_org(front_door).filter(pk=contact.pk).update(
        status=Status.INFORMATION_GATHERING
    )
    page = client.get(reverse("safeguarding:concern", args=[concern.pk])).content.decode()
    assert "With the MASH" in page
    assert "MASH information gathering" not in page


def test_the_list_of_referrals_is_for_the_referring_organisations_leads(
    dsl, deputy_dsl, staff_member, concern, front_door, sign_in, stranger
):
    refer(concern, dsl)
    contact = the_contact(front_door)
    response = sign_in(dsl).get(reverse("frontdoor:my_referrals"))
    assert response.status_code == 200
    assert [r.contact_id for r in response.context["referrals"]] == [contact.pk]
    assert "Received" in response.content.decode()
    assert sign_in(deputy_dsl).get(reverse("frontdoor:my_referrals")).status_code == 200
    assert sign_in(staff_member).get(reverse("frontdoor:my_referrals")).status_code == 403
    assert list(sign_in(stranger).get(reverse("frontdoor:my_referrals")).context["referrals"]) == []


def test_a_restricted_concerns_referral_is_the_lead_dsls_alone(
    dsl, deputy_dsl, pupil, staff_member, front_door, sign_in, school
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        restricted = concern_records(staff_member, pupil, restricted=True).concern
    refer(restricted, dsl)
    response = sign_in(deputy_dsl).get(reverse("frontdoor:my_referrals"))
    assert list(response.context["referrals"]) == []


def test_the_list_costs_the_same_however_many_referrals(
    dsl, school, staff_member, front_door, sign_in, django_assert_num_queries
):
    client = sign_in(dsl)
    children = [
        make_child(dsl, name, "Brook", born=datetime.date(2015, 1, n + 1))
        for n, name in enumerate(["Ada", "Ben", "Cal"])
    ]

    def one_more(child):
        with TestCase.captureOnCommitCallbacks(execute=True):
            refer(concern_records(staff_member, child).concern, dsl)

    one_more(children[0])
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("frontdoor:my_referrals")).status_code == 200
    for child in children[1:]:
        one_more(child)
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(reverse("frontdoor:my_referrals")).status_code == 200


def test_a_front_door_leaver_gives_way_to_the_schools_other_leads(
    dsl, deputy_dsl, concern, front_door, mash_manager, school
):
    refer(concern, dsl)
    dsl.is_active = False
    dsl.save(update_fields=["is_active"])
    contact = the_contact(front_door)
    Contact.objects.for_org(front_door).filter(pk=contact.pk).update(status=Status.EARLY_HELP)
    contact.refresh_from_db()
    contact_finish(contact=contact, actor=mash_manager, outcome=Outcome.NO_FURTHER_ACTION)
    assert (
        Notification.objects.for_org(school)
        .filter(recipient=deputy_dsl, kind=Kind.REFERRAL_UPDATE)
        .exists()
    )


def test_a_front_door_organisation_does_not_refer_to_itself(front_door):
    lead = make_staff(front_door, roles.MASH_MANAGER, "Mo Manager")
    from haven.access import rules

    assert not rules.can_refer_to_front_door(lead)
    assert not rules.can_view_front_door_referrals(lead)


def test_referral_create_alone_refuses_someone_who_may_not_triage(staff_member, concern, pupil):
    with pytest.raises(DomainError):
        referral_create(concern=concern, child=pupil, actor=staff_member, details=details())
    assert not Contact.unscoped.exists()


def test_an_administrator_chooses_the_front_door_in_the_organisation_settings(
    admin, org, front_door, other_org, sign_in
):
    client = sign_in(admin)
    page = client.get("/administration/organisation/")
    assert "Northborough" in page.content.decode()
    response = client.post(
        "/administration/organisation/",
        {"two_factor_policy": "roles", "idle_timeout_minutes": "30", "front_door": front_door.pk},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.front_door == front_door
    # Only a front door can be chosen.
    response = client.post(
        "/administration/organisation/",
        {"two_factor_policy": "roles", "idle_timeout_minutes": "30", "front_door": other_org.pk},
    )
    assert response.status_code == 400
    org.refresh_from_db()
    assert org.front_door == front_door


def test_a_front_doors_own_settings_do_not_offer_a_front_door(front_door, front_door_admin):
    from haven.accounts.forms import OrganisationForm

    assert "front_door" not in OrganisationForm(instance=front_door).fields
    from haven.accounts.services import organisation_update

    with pytest.raises(DomainError):
        organisation_update(organisation=front_door, actor=front_door_admin, front_door=front_door)


def test_the_referring_childs_chronology_shows_the_referral_and_its_outcome(
    dsl, concern, pupil, front_door, mash_manager, school
):
    refer(concern, dsl)
    contact = the_contact(front_door)
    Contact.objects.for_org(front_door).filter(pk=contact.pk).update(status=Status.EARLY_HELP)
    contact.refresh_from_db()
    contact_finish(
        contact=contact,
        actor=mash_manager,
        outcome=Outcome.EARLY_HELP,
        feedback_to_referrer="Family support will call.",
    )
    entries = Entry.objects.for_org(school).filter(
        child=pupil, kind__in=["front_door_referral", "front_door_outcome"]
    )
    found = {e.kind: e for e in entries}
    assert contact.reference in found["front_door_referral"].summary
    assert "Early help" in found["front_door_outcome"].summary
    assert found["front_door_outcome"].scope == f"concern:{concern.pk}"
    assert not Entry.unscoped.filter(organisation=front_door).exists()
