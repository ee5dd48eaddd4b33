"""The contact form and the contact page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import Action, AuditEvent
from haven.core import clock
from haven.frontdoor import workflow
from haven.frontdoor.models import (
    ClockKind,
    Contact,
    ContactPerson,
    NoNamesConsultation,
    Rag,
    RagRating,
    Status,
)
from haven.frontdoor.testing import make_front_door, make_person, make_staff
from haven.people.models import Person

NEW = reverse("frontdoor:contact_new")
CONCERNS = "Bruising to the upper arm, seen at breakfast club on Monday."


def posted(**overrides) -> dict:
    now = timezone.localtime(clock.now() - timedelta(minutes=5))
    values = {
        "source": "telephone",
        "received_date": now.strftime("%d/%m/%Y"),
        "received_time": now.strftime("%H:%M"),
        "referrer_name": "Pat Teacher",
        "referrer_role": "Class teacher",
        "referrer_agency": "Hillside Primary",
        "referrer_email": "pat@hillside.example",
        "concerns": CONCERNS,
        "parents_informed": "yes",
        "consent": "given",
        "save": "1",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


# --- Logging a contact ------------------------------------------------------------------


def test_the_form_offers_every_source_but_a_haven_referral(sign_in, screening_officer):
    response = sign_in(screening_officer).get(NEW)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Inter-agency referral form" in page
    assert 'value="haven"' not in page
    assert "Log a contact" in page


def test_a_complete_contact_is_logged_and_opens_its_page(
    sign_in, front_door, screening_officer, fd_child
):
    response = sign_in(screening_officer).post(NEW, posted(children=str(fd_child.pk)))
    contact = Contact.objects.for_org(front_door).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdoor:contact", args=[contact.pk])
    assert contact.status == Status.SCREENING
    assert contact.people.get().person == fd_child


def test_a_refused_contact_keeps_what_was_typed_and_saves_nothing(
    sign_in, front_door, screening_officer, fd_child
):
    response = sign_in(screening_officer).post(
        NEW, posted(children=str(fd_child.pk), parents_informed="no", consent="not_sought")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert CONCERNS in page
    assert "Choose why the parents or carers were not told." in page
    assert "Say why consent was not sought." in page
    assert f'value="{fd_child.pk}" id="chosen-child-{fd_child.pk}" checked' in page
    assert not Contact.objects.for_org(front_door).exists()


def test_a_contact_without_a_named_referrer_is_refused_unless_anonymous(
    sign_in, front_door, screening_officer, fd_child
):
    client = sign_in(screening_officer)
    response = client.post(NEW, posted(children=str(fd_child.pk), referrer_name=""))
    assert response.status_code == 400
    assert "Give the referrer&#x27;s name" in response.content.decode()
    response = client.post(
        NEW, posted(children=str(fd_child.pk), referrer_name="", referrer_anonymous="on")
    )
    assert response.status_code == 302


def test_finding_a_child_keeps_the_form_as_typed(sign_in, screening_officer, fd_child):
    data = posted(find_child="1", child_q="Bugs Bunny")
    del data["save"]
    response = sign_in(screening_officer).post(NEW, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert CONCERNS in page
    assert f'id="found-child-{fd_child.pk}"' in page
    assert "There is a problem" not in page


def test_the_finder_answers_as_the_user_types(sign_in, screening_officer, fd_child):
    url = reverse("frontdoor:contact_people_found")
    response = sign_in(screening_officer).get(url, {"child_q": "Bunny"})
    assert response.status_code == 200
    assert f'name="children" value="{fd_child.pk}"' in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.SEARCH, actor=screening_officer).exists()


def test_adding_a_child_like_one_recorded_asks_first_and_loses_nothing(
    sign_in, front_door, screening_officer, fd_child
):
    client = sign_in(screening_officer)
    data = posted(
        add_child="1",
        **{
            "new_child-first_name": "Bugs",
            "new_child-last_name": "Bunny",
            "new_child-date_of_birth": fd_child.date_of_birth.strftime("%d/%m/%Y"),
        },
    )
    del data["save"]
    response = client.post(NEW, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "may already be recorded" in page
    assert f'id="match-child-{fd_child.pk}"' in page
    assert CONCERNS in page
    assert 'value="Bugs"' in page  # the new child's name is still there
    children = Person.objects.for_org(front_door).filter(kind="child")
    assert children.count() == 1

    data["new_child-duplicate_reason"] = "A different child: a cousin with the same name."
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert children.count() == 2
    added = children.exclude(pk=fd_child.pk).get()
    page = response.content.decode()
    assert f'id="chosen-child-{added.pk}" checked' in page
    assert CONCERNS in page


def test_an_unborn_child_can_be_added_from_the_form(sign_in, front_door, screening_officer):
    expected = clock.today() + timedelta(days=50)
    data = posted(
        add_child="1",
        **{
            "new_child-first_name": "Baby",
            "new_child-last_name": "Marsh",
            "new_child-is_unborn": "on",
            "new_child-expected_date": expected.strftime("%d/%m/%Y"),
        },
    )
    del data["save"]
    response = sign_in(screening_officer).post(NEW, data)
    assert response.status_code == 200
    unborn = Person.objects.for_org(front_door).get(is_unborn=True)
    assert unborn.expected_date == expected
    assert "unborn, expected" in response.content.decode()


def test_logging_the_written_referral_links_its_consultation(
    sign_in, front_door, screening_officer, fd_child
):
    consultation = NoNamesConsultation.objects.create(
        organisation=front_door,
        created_by=screening_officer,
        professional_name="Dr Ng",
        professional_agency="Northborough GP",
        consulted_at=clock.now() - timedelta(hours=1),
        summary="Worried",
        advice="Refer",
        written_referral_agreed=True,
        referral_due_at=clock.now() + timedelta(hours=1),
    )
    client = sign_in(screening_officer)
    form = client.get(NEW, {"consultation": consultation.pk}).content.decode()
    assert "Dr Ng, Northborough GP" in form
    response = client.post(
        NEW, posted(children=str(fd_child.pk), consultation=str(consultation.pk))
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.referral_contact == Contact.objects.for_org(front_door).get()


# --- Who may log contacts ---------------------------------------------------------------


@pytest.mark.parametrize("persona", ["police_member", "early_help_coordinator", "dsl"])
def test_others_may_not_log_contacts(request, sign_in, persona):
    user = request.getfixturevalue(persona)
    assert sign_in(user).get(NEW).status_code == 403


# --- The contact page -------------------------------------------------------------------


def test_the_contact_page_shows_the_contact_and_audits_each_child(
    sign_in, front_door, screening_officer, fd_child, contact
):
    sibling = make_person(screening_officer, first="Babs", last="Bunny")
    ContactPerson.objects.create(
        organisation=front_door, contact=contact, person=sibling, role="child"
    )
    Contact.unscoped.filter(pk=contact.pk).update(keep_referrer_from_family=True)
    response = sign_in(screening_officer).get(reverse("frontdoor:contact", args=[contact.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert contact.reference in page
    assert "Keep the referrer's identity from the family." in page
    assert reverse("people:detail", args=[fd_child.pk]) in page
    assert "Bruising to the arm" in page
    views = AuditEvent.objects.filter(action=Action.VIEW, object_id=str(contact.pk))
    assert set(views.values_list("person_id", flat=True)) == {fd_child.pk, sibling.pk}


def test_the_contact_page_shows_the_running_clock_in_words(sign_in, screening_officer, contact):
    workflow.clock_start(contact, ClockKind.RED, at=clock.now() - timedelta(hours=5))
    contact.save()
    page = (
        sign_in(screening_officer)
        .get(reverse("frontdoor:contact", args=[contact.pk]))
        .content.decode()
    )
    assert "Overdue by 1 hour" in page


@pytest.mark.parametrize("persona", ["police_member", "dsl", "staff_member"])
def test_partner_members_and_school_staff_may_not_open_a_contact(
    request, sign_in, contact, persona
):
    user = request.getfixturevalue(persona)
    response = sign_in(user).get(reverse("frontdoor:contact", args=[contact.pk]))
    assert response.status_code == 403


def test_another_front_doors_contact_is_not_found(sign_in, contact):
    elsewhere = make_front_door("Southborough Front Door")
    officer = make_staff(elsewhere, "screening_officer", "Sam Elsewhere")
    response = sign_in(officer).get(reverse("frontdoor:contact", args=[contact.pk]))
    assert response.status_code == 404


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_contact_page_costs_the_same_however_much_has_happened(
    sign_in, front_door, senior_practitioner, contact, django_assert_num_queries
):
    client = sign_in(senior_practitioner)
    url = reverse("frontdoor:contact", args=[contact.pk])
    client.get(url)
    before = _count(client, url)
    workflow.move(contact, Status.RATING, senior_practitioner, note="Screened")
    for stage, rating in (("initial", Rag.AMBER_CP), ("review", Rag.RED)):
        RagRating.objects.create(
            organisation=front_door,
            created_by=senior_practitioner,
            contact=contact,
            stage=stage,
            rating=rating,
            rationale="Why",
        )
        workflow.clock_start(contact, ClockKind.AMBER, at=clock.now(), rating=rating)
    workflow.move(contact, Status.ALLOCATION, senior_practitioner)
    contact.save()
    with django_assert_num_queries(before):
        client.get(url)


def test_a_decided_contact_shows_its_outcome_and_retention(
    sign_in, front_door, mash_manager, contact
):
    from haven.frontdoor.services.decision import contact_finish

    contact_finish(
        contact=contact,
        actor=mash_manager,
        outcome="adult_services",
        to_status=Status.PASSED_TO_ADULT_SERVICES,
    )
    page = (
        sign_in(mash_manager).get(reverse("frontdoor:contact", args=[contact.pk])).content.decode()
    )
    assert "Passed to adult social care" in page
    assert "disposal review on" in page


def test_the_site_navigation_offers_the_front_door_to_its_staff(
    sign_in, screening_officer, early_help_manager
):
    page = sign_in(screening_officer).get(reverse("core:home")).content.decode()
    assert ">Front door</a>" in page and ">Log a contact</a>" in page
    page = sign_in(early_help_manager).get(reverse("core:home")).content.decode()
    assert ">Front door</a>" in page and ">Log a contact</a>" not in page


def test_a_police_report_with_its_file_is_logged_and_shown_on_the_page(
    sign_in, front_door, screening_officer, fd_child
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client = sign_in(screening_officer)
    response = client.post(
        NEW,
        posted(
            source="police",
            police_rag="red",
            is_domestic_abuse="on",
            children=str(fd_child.pk),
            police_report=report,
        ),
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "About domestic abuse." in page
    assert "passed to Domestic abuse service" in page
    assert "Police report for contact C000001" in page
    assert "Red" in page


def test_a_police_report_about_adults_only_needs_no_child(sign_in, front_door, screening_officer):
    adult = make_person(screening_officer, first="Ray", last="Stone", kind="adult", born=None)
    response = sign_in(screening_officer).post(
        NEW, posted(source="police", police_rag="green", about_adults_only="on", adults=adult.pk)
    )
    assert response.status_code == 302
    contact = Contact.objects.for_org(front_door).get()
    assert contact.status == Status.PASSED_TO_ADULT_SERVICES


def test_a_police_rating_on_a_telephone_contact_is_refused(
    sign_in, front_door, screening_officer, fd_child
):
    response = sign_in(screening_officer).post(
        NEW, posted(police_rag="red", children=str(fd_child.pk))
    )
    assert response.status_code == 400
    assert "Only a police report carries a police RAG rating." in response.content.decode()
