"""Corrections keep a history; mistakes are marked entered in error, never deleted."""

import datetime

import pytest
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.chronology.models import Entry
from haven.core.errors import DomainError
from haven.programmes import reports, services
from haven.programmes.models import Consultation, Correction, OpenAccessSession, ServiceDelivery
from haven.programmes.services import DeliveryRow

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def session(child, engage, service, key_person):
    engagement = engage(child())
    return services.delivery_record(
        actor=key_person,
        row=DeliveryRow(
            engagement=engagement,
            service=service("Nursery"),
            delivered_on=TODAY - datetime.timedelta(days=2),
        ),
    )


def test_correcting_a_session_raises_its_version_and_keeps_what_changed(
    session, service, sign_in, key_person
):
    response = sign_in(key_person).post(
        reverse("programmes:delivery_edit", args=[session.pk]),
        {
            "form": "edit",
            "service": service("Trip").pk,
            "delivered_on": f"{session.delivered_on:%d/%m/%Y}",
            "attendance": "present",
            "summary": "Trip to the farm, not nursery",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.service.name == "Trip" and session.version == 2
    correction = Correction.objects.for_org(session.organisation).get()
    assert correction.created_by == key_person and correction.kind == "edited"
    assert correction.changes["service"] == ["SF: Nursery", "SF: Trip"]
    assert correction.changes["summary"] == ["", "Trip to the farm, not nursery"]
    page = sign_in(key_person).get(reverse("programmes:delivery_edit", args=[session.pk]))
    assert "“SF: Nursery” → “SF: Trip”" in page.content.decode()
    viewed = AuditEvent.objects.filter(
        action="view",
        object_type__icontains="servicedelivery",
        object_id=str(session.pk),
        person_id=session.engagement.child_id,
    )
    assert viewed.exists()  # opening the page shows the record: audited


def test_a_correction_is_checked_like_a_new_session(session, service, key_person):
    with pytest.raises(DomainError, match="before the engagement began"):
        services.delivery_update(
            delivery=session,
            actor=key_person,
            data={"delivered_on": session.engagement.referral_date - datetime.timedelta(days=1)},
        )
    session.refresh_from_db()
    assert session.version == 1
    assert not Correction.objects.for_org(session.organisation).exists()


def test_a_session_entered_in_error_leaves_lists_and_counts_but_is_kept_and_said_so(
    session, sign_in, key_person, st_francis
):
    client = sign_in(key_person)
    url = reverse("programmes:delivery_edit", args=[session.pk])
    refused = client.post(url, {"form": "error", "error-reason": ""})
    assert refused.status_code == 400
    response = client.post(url, {"form": "error", "error-reason": "Recorded on the wrong child"})
    assert response.status_code == 302
    kept = ServiceDelivery.objects.for_org(session.organisation).get(pk=session.pk)
    assert kept.in_error and kept.entered_in_error_by == key_person
    page = client.get(reverse("programmes:engagement", args=[session.engagement_id]))
    body = page.content.decode()
    assert "Service deliveries (0, 0 attended)" in body and "Show what was entered in error" in body
    errors = client.get(
        reverse("programmes:engagement", args=[session.engagement_id]), {"show": "errors"}
    ).content.decode()
    assert "Recorded on the wrong child" in errors
    entry = Entry.objects.for_org(session.organisation).get(
        source_id=session.pk, kind="service_delivery"
    )
    assert entry.summary.startswith("Entered in error (Recorded on the wrong child)")
    report = reports.deliveries_by_service(
        key_person, st_francis, TODAY - datetime.timedelta(9), TODAY
    )
    assert report.rows == []
    with pytest.raises(DomainError, match="entered in error"):
        services.delivery_update(delivery=kept, actor=key_person, data={"summary": "again"})


def test_a_consultation_is_corrected_with_its_actions_and_can_be_entered_in_error(
    child, engage, key_person, sign_in, dsl
):
    engagement = engage(child())
    consultation = services.consultation_record(
        engagement=engagement,
        actor=key_person,
        held_on=TODAY,
        method="phone",
        summary="Mum rang",
        others="Lola Bunny, mother",
        actions=[("Send photos", TODAY + datetime.timedelta(days=3))],
    )
    action = consultation.actions.get()
    client = sign_in(key_person)
    url = reverse("programmes:consultation_edit", args=[consultation.pk])
    response = client.post(
        url,
        {
            "form": "edit",
            "held_on": f"{TODAY:%d/%m/%Y}",
            "method": "meeting",
            "others": "Lola Bunny, mother",
            "summary": "Mum came in",
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "1",
            "actions-0-id": action.pk,
            "actions-0-description": "Send photos",
            "actions-0-due_on": f"{TODAY + datetime.timedelta(days=3):%d/%m/%Y}",
            "actions-0-assignee": key_person.pk,
            "actions-0-done": "on",
            "actions-1-description": "Book the review",
            "actions-1-due_on": f"{TODAY + datetime.timedelta(days=9):%d/%m/%Y}",
            "actions-1-assignee": dsl.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    consultation.refresh_from_db()
    assert consultation.method == "meeting" and consultation.version == 2
    assert consultation.actions.count() == 2
    action.refresh_from_db()
    assert action.done_on == TODAY and action.done_by == key_person
    assert consultation.actions.get(assignee=dsl).description == "Book the review"
    correction = Correction.objects.for_org(engagement.organisation).get()
    assert correction.changes["method"] == ["Telephone call", "Meeting"]
    client.post(url, {"form": "error", "error-reason": "Wrong family"})
    consultation.refresh_from_db()
    assert consultation.in_error
    assert Consultation.objects.for_org(engagement.organisation).count() == 1
    page = client.get(reverse("programmes:engagement", args=[engagement.pk])).content.decode()
    assert "Consultations (0)" in page


def test_open_access_sessions_are_listed_corrected_and_entered_in_error(
    sign_in, key_person, st_francis, service
):
    client = sign_in(key_person)
    url = reverse("programmes:open_access", args=[st_francis.pk])
    response = client.post(
        url,
        {
            "service": service("Stay and Play").pk,
            "held_on": f"{TODAY:%d/%m/%Y}",
            "attendees": "17",
            "note": "Wet day",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "SF: Stay and Play" in page and ">17<" in page
    session = OpenAccessSession.objects.for_org(st_francis.organisation).get()
    edit = reverse("programmes:open_access_edit", args=[session.pk])
    client.post(
        edit,
        {
            "form": "edit",
            "service": service("Stay and Play").pk,
            "held_on": f"{TODAY:%d/%m/%Y}",
            "attendees": "19",
            "note": "Wet day",
        },
    )
    session.refresh_from_db()
    assert session.attendees == 19 and session.version == 2
    totals = reports.open_access_totals(key_person, st_francis, TODAY, TODAY)
    assert totals.rows == [("SF: Stay and Play", 1, 19)]
    client.post(edit, {"form": "error", "error-reason": "Counted twice"})
    assert reports.open_access_totals(key_person, st_francis, TODAY, TODAY).rows == []
    assert ">19<" not in client.get(url).content.decode()
    assert "Counted twice" in client.get(url, {"show": "errors"}).content.decode()
    kinds = list(
        Correction.objects.for_org(st_francis.organisation).order_by("pk").values_list("kind")
    )
    assert kinds == [("edited",), ("entered_in_error",)]


def test_someone_who_may_not_see_the_engagement_cannot_correct_it(session, sign_in, org):
    from haven.core.testing.factories import UserFactory

    other = UserFactory(
        organisation=org, roles=["practitioner"], full_name="Olly Other", authenticator=True
    )
    client = sign_in(other)
    url = reverse("programmes:delivery_edit", args=[session.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"form": "error", "error-reason": "mine now"}).status_code == 404
    session.refresh_from_db()
    assert not session.in_error
