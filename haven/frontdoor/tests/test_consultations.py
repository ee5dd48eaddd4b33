"""No-names consultations: recorded without the child, and the written referral awaited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.frontdoor.models import FrontDoorSettings, NoNamesConsultation
from haven.frontdoor.reminders_intake import WrittenReferralReminders
from haven.frontdoor.services.consultations import ConsultationData, consultation_record
from haven.frontdoor.services.intake import ContactData, contact_create
from haven.frontdoor.testing import make_front_door, make_staff
from haven.notifications.models import Kind, Notification
from haven.notifications.reminders import send_reminders


def consultation_data(**overrides) -> ConsultationData:
    values = {
        "professional_name": "Dr Amal Ng",
        "professional_role": "GP",
        "professional_agency": "Northborough Health Centre",
        "consulted_at": clock.now(),
        "summary": "A parent seems low and the baby is often unwashed.",
        "advice": "Speak to the health visitor; send a written referral today.",
        "written_referral_agreed": True,
    }
    values.update(overrides)
    return ConsultationData(**values)


def _referral_contact(actor, child, consultation):
    return contact_create(
        actor=actor,
        data=ContactData(
            source="inter_agency",
            received_at=clock.now(),
            concerns="The written referral.",
            referrer_name="Dr Amal Ng",
            parents_informed=True,
            consent="given",
            children=[child],
        ),
        consultation=consultation,
    )


# --- Recording --------------------------------------------------------------------------


def test_an_agreed_written_referral_is_due_two_hours_later(screening_officer):
    consultation = consultation_record(actor=screening_officer, data=consultation_data())
    assert consultation.referral_due_at == consultation.consulted_at + timedelta(hours=2)


def test_the_period_is_the_organisations_setting(front_door, screening_officer):
    FrontDoorSettings.objects.for_org(front_door).update(written_referral_hours=4)
    consultation = consultation_record(actor=screening_officer, data=consultation_data())
    assert consultation.referral_due_at == consultation.consulted_at + timedelta(hours=4)


def test_without_an_agreed_referral_nothing_is_awaited(screening_officer):
    consultation = consultation_record(
        actor=screening_officer, data=consultation_data(written_referral_agreed=False)
    )
    assert consultation.referral_due_at is None


def test_a_consultation_needs_the_professional_and_the_advice(front_door, screening_officer):
    with pytest.raises(DomainError, match="Give the professional's name"):
        consultation_record(actor=screening_officer, data=consultation_data(professional_name=""))
    with pytest.raises(DomainError, match="Record the advice given"):
        consultation_record(actor=screening_officer, data=consultation_data(advice=" "))
    assert not NoNamesConsultation.objects.for_org(front_door).exists()


def test_partner_members_may_not_record_consultations(police_member):
    with pytest.raises(NotAllowed):
        consultation_record(actor=police_member, data=consultation_data())


# --- The reminder -----------------------------------------------------------------------


def _reminders(front_door):
    return Notification.objects.for_org(front_door).filter(kind=Kind.WRITTEN_REFERRAL_OVERDUE)


def test_the_reminder_fires_once_after_two_hours_and_not_before(
    front_door, screening_officer, senior_practitioner
):
    officer = make_staff(front_door, "screening_officer", "Sid Second")
    consultation = consultation_record(actor=senior_practitioner, data=consultation_data())
    with clock.travel(timedelta(hours=1, minutes=59)):
        send_reminders()
    assert not _reminders(front_door).exists()
    with clock.travel(timedelta(hours=2, minutes=1)):
        send_reminders()
        send_reminders()
    notes = _reminders(front_door)
    assert {n.recipient_id for n in notes} == {
        senior_practitioner.pk,
        screening_officer.pk,
        officer.pk,
    }
    assert all(n.url == f"/front-door/consultations/{consultation.pk}/" for n in notes)
    # The next run notes it as reminded, which takes it out of the index.
    with clock.travel(timedelta(hours=3)):
        send_reminders()
    consultation.refresh_from_db()
    assert consultation.reminder_sent_at is not None
    assert _reminders(front_door).count() == 3


def test_the_reminder_does_not_fire_once_the_referral_is_linked(
    front_door, screening_officer, fd_child
):
    consultation = consultation_record(actor=screening_officer, data=consultation_data())
    _referral_contact(screening_officer, fd_child, consultation)
    with clock.travel(timedelta(hours=3)):
        assert WrittenReferralReminders().due(clock.today()) is not None
        assert list(WrittenReferralReminders().due(clock.today())) == []
        send_reminders()
    assert not _reminders(front_door).exists()


def test_a_consultation_is_linked_to_one_referral_only(front_door, screening_officer, fd_child):
    consultation = consultation_record(actor=screening_officer, data=consultation_data())
    _referral_contact(screening_officer, fd_child, consultation)
    with pytest.raises(DomainError, match="already been logged"):
        _referral_contact(screening_officer, fd_child, consultation)


def test_another_organisations_consultation_cannot_be_linked(screening_officer, fd_child):
    elsewhere = make_front_door("Southborough Front Door")
    theirs = consultation_record(
        actor=make_staff(elsewhere, "screening_officer", "Sam Elsewhere"),
        data=consultation_data(),
    )
    with pytest.raises(NotAllowed):
        _referral_contact(screening_officer, fd_child, theirs)


# --- Pages ------------------------------------------------------------------------------


def test_recording_a_consultation_from_the_page(sign_in, front_door, screening_officer):
    now = timezone.localtime(clock.now())
    response = sign_in(screening_officer).post(
        reverse("frontdoor:consultation_new"),
        {
            "professional_name": "Dr Amal Ng",
            "professional_agency": "Northborough Health Centre",
            "consulted_date": now.strftime("%d/%m/%Y"),
            "consulted_time": now.strftime("%H:%M"),
            "summary": "A worry.",
            "advice": "Refer in writing.",
            "written_referral_agreed": "yes",
        },
    )
    consultation = NoNamesConsultation.objects.for_org(front_door).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdoor:consultation", args=[consultation.pk])
    assert consultation.written_referral_agreed and consultation.referral_due_at


def test_a_refused_consultation_keeps_what_was_typed(sign_in, front_door, screening_officer):
    response = sign_in(screening_officer).post(
        reverse("frontdoor:consultation_new"),
        {"professional_name": "Dr Amal Ng", "summary": "A particular worry."},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A particular worry." in page and "Dr Amal Ng" in page
    assert not NoNamesConsultation.objects.for_org(front_door).exists()


def test_the_consultation_page_offers_to_log_the_referral(sign_in, screening_officer):
    consultation = consultation_record(actor=screening_officer, data=consultation_data())
    page = (
        sign_in(screening_officer)
        .get(reverse("frontdoor:consultation", args=[consultation.pk]))
        .content.decode()
    )
    assert "has not arrived" in page
    assert f"{reverse('frontdoor:contact_new')}?consultation={consultation.pk}" in page


def test_the_list_is_newest_first_and_paged(
    sign_in, screening_officer, django_assert_max_num_queries
):
    for index in range(27):
        consultation_record(
            actor=screening_officer,
            data=consultation_data(professional_name=f"Professional {index:02d}"),
        )
    client = sign_in(screening_officer)
    url = reverse("frontdoor:consultations")
    page = client.get(url).content.decode()
    assert page.index("Professional 26") < page.index("Professional 25")
    assert "Professional 01" not in page
    assert "Older consultations" in page
    last = NoNamesConsultation.unscoped.order_by("id")[2]
    older = client.get(url, {"before": last.pk + 1}).content.decode()
    assert "Professional 01" in older and "Professional 26" not in older
    with django_assert_max_num_queries(12):
        client.get(url)


def test_the_list_can_show_only_those_awaiting_a_referral(sign_in, screening_officer):
    consultation_record(
        actor=screening_officer,
        data=consultation_data(professional_name="Nobody Waiting", written_referral_agreed=False),
    )
    consultation_record(actor=screening_officer, data=consultation_data())
    page = (
        sign_in(screening_officer)
        .get(reverse("frontdoor:consultations"), {"awaiting": "1"})
        .content.decode()
    )
    assert "Dr Amal Ng" in page and "Nobody Waiting" not in page


@pytest.mark.parametrize("persona", ["police_member", "dsl"])
def test_partner_members_and_school_staff_may_not_see_consultations(request, sign_in, persona):
    client = sign_in(request.getfixturevalue(persona))
    assert client.get(reverse("frontdoor:consultations")).status_code == 403
    assert client.get(reverse("frontdoor:consultation_new")).status_code == 403


def test_another_front_doors_consultation_is_not_found(sign_in, screening_officer):
    consultation = consultation_record(actor=screening_officer, data=consultation_data())
    elsewhere = make_front_door("Southborough Front Door")
    officer = make_staff(elsewhere, "screening_officer", "Sam Elsewhere")
    response = sign_in(officer).get(reverse("frontdoor:consultation", args=[consultation.pk]))
    assert response.status_code == 404
