"""The alerts inbox: reading what you were alerted to, "see next", marking as read."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.urls import reverse

from haven.audit.models import AuditEvent
from haven.core.testing.factories import UserFactory
from haven.notifications.models import Kind, Notification
from haven.safeguarding import alerts
from haven.safeguarding.models import Alert
from haven.safeguarding.tests.records import concern_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(org):
    return UserFactory(organisation=org, full_name="Tess Teacher", roles=["staff"])


def recorded(recorder, child, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return concern_records(recorder, child, **kwargs).concern


def alert_of(user, concern) -> Alert:
    return Alert.objects.for_org(user.organisation).get(recipient=user, concern=concern)


def test_alerting_sends_an_in_app_notification_and_an_email_without_content(
    teacher, staff_member, child, mailoutbox
):
    concern = recorded(teacher, child, alert_people=[staff_member])
    note = Notification.objects.for_org(child.organisation).get(recipient=staff_member)
    assert note.kind == Kind.CONCERN_ALERT
    (email,) = [m for m in mailoutbox if staff_member.email in m.to]
    assert child.first_name not in email.body and concern.account not in email.body


def test_the_inbox_lists_unread_concerns_newest_first(teacher, staff_member, child, sign_in):
    first = recorded(teacher, child, alert_people=[staff_member])
    second = recorded(teacher, child, alert_people=[staff_member])
    response = sign_in(staff_member).get(reverse("safeguarding:alerts"))
    assert response.status_code == 200
    assert [a.concern for a in response.context["alerts"]] == [second, first]


def test_the_inbox_costs_the_same_with_more_alerts(
    teacher, staff_member, child, sign_in, django_assert_num_queries
):
    client = sign_in(staff_member)
    recorded(teacher, child, alert_people=[staff_member])
    client.get(reverse("safeguarding:alerts"))  # warm the session
    with django_assert_num_queries(4) as first:
        client.get(reverse("safeguarding:alerts"))
    for _ in range(4):
        recorded(teacher, child, alert_people=[staff_member])
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("safeguarding:alerts"))
    assert len(response.context["alerts"]) == 5


def test_the_badge_counts_unread_alerts(teacher, staff_member, child, sign_in):
    recorded(teacher, child, alert_people=[staff_member])
    response = sign_in(staff_member).get(reverse("safeguarding:alerts_badge"))
    assert b'1<span class="visually-hidden"> unread' in response.content


def test_opening_an_alert_shows_the_concern_and_is_audited(teacher, staff_member, child, sign_in):
    concern = recorded(teacher, child, alert_people=[staff_member])
    alert = alert_of(staff_member, concern)
    response = sign_in(staff_member).get(reverse("safeguarding:alert", args=[alert.pk]))
    assert response.status_code == 200
    assert concern.account.encode() in response.content
    assert reverse("safeguarding:concern", args=[concern.pk]).encode() in response.content
    assert AuditEvent.objects.filter(
        actor=staff_member, action="view", person_id=child.pk, object_id=str(concern.pk)
    ).exists()


def test_the_notification_link_opens_the_readers_own_alert(teacher, staff_member, child, sign_in):
    concern = recorded(teacher, child, alert_people=[staff_member])
    alert = alert_of(staff_member, concern)
    response = sign_in(staff_member).get(
        reverse("safeguarding:alert_for_concern", args=[concern.pk])
    )
    assert response.headers["Location"] == reverse("safeguarding:alert", args=[alert.pk])


def test_someone_elses_alert_is_not_found(teacher, staff_member, key_person, child, sign_in):
    concern = recorded(teacher, child, alert_people=[staff_member])
    alert = alert_of(staff_member, concern)
    client = sign_in(key_person)
    assert client.get(reverse("safeguarding:alert", args=[alert.pk])).status_code == 404
    assert client.post(reverse("safeguarding:alert_read", args=[alert.pk])).status_code == 404
    assert alert_of(staff_member, concern).read_at is None


def test_another_organisations_dsl_gets_not_found(teacher, staff_member, stranger, child, sign_in):
    concern = recorded(teacher, child, alert_people=[staff_member])
    alert = alert_of(staff_member, concern)
    client = sign_in(stranger)
    assert client.get(reverse("safeguarding:alert", args=[alert.pk])).status_code == 404
    assert (
        client.get(reverse("safeguarding:alert_for_concern", args=[concern.pk])).status_code == 404
    )


def test_the_inbox_needs_a_sign_in(client):
    response = client.get(reverse("safeguarding:alerts"))
    assert response.status_code == 302 and "/sign-in/" in response.headers["Location"]


def test_marking_as_read_records_when_and_goes_to_the_next(teacher, staff_member, child, sign_in):
    older = recorded(teacher, child, alert_people=[staff_member])
    newer = recorded(teacher, child, alert_people=[staff_member])
    client = sign_in(staff_member)
    newest_alert = alert_of(staff_member, newer)
    response = client.post(reverse("safeguarding:alert_read", args=[newest_alert.pk]))
    next_alert = alert_of(staff_member, older)
    assert response.headers["Location"] == reverse("safeguarding:alert", args=[next_alert.pk])
    assert alert_of(staff_member, newer).read_at is not None
    assert AuditEvent.objects.filter(
        actor=staff_member, object_id=str(newest_alert.pk), detail__what="concern alert marked read"
    ).exists()
    response = client.post(reverse("safeguarding:alert_read", args=[next_alert.pk]))
    assert response.headers["Location"] == reverse("safeguarding:alerts")
    assert alerts.unread_count(staff_member) == 0


def test_see_next_walks_the_inbox_in_order(teacher, staff_member, child):
    concerns = [recorded(teacher, child, alert_people=[staff_member]) for _ in range(3)]
    third, second, first = (alert_of(staff_member, c) for c in reversed(concerns))
    assert alerts.next_unread(staff_member, third) == second
    assert alerts.next_unread(staff_member, second) == first
    # From the oldest, back round to the newest still unread.
    assert alerts.next_unread(staff_member, first) == third


def test_marking_read_covers_every_unread_alert_of_theirs_on_that_concern(
    teacher, staff_member, dsl, child
):
    concern = recorded(teacher, child, alert_people=[staff_member])
    with TestCase.captureOnCommitCallbacks(execute=True):
        alerts.concern_realert(
            concern=concern, recipient=staff_member, message="Please ring mum", actor=dsl
        )
    first = alert_of_first(staff_member, concern)
    assert alerts.alert_mark_read(alert=first, actor=staff_member) == 2
    assert alerts.unread_count(staff_member) == 0
    assert alerts.alert_mark_read(alert=first, actor=staff_member) == 0  # nothing new


def alert_of_first(user, concern) -> Alert:
    return (
        Alert.objects.for_org(user.organisation)
        .filter(recipient=user, concern=concern)
        .order_by("pk")
        .first()
    )


def test_nobody_marks_someone_elses_alert_read(teacher, staff_member, key_person, child):
    from haven.core.errors import NotAllowed

    concern = recorded(teacher, child, alert_people=[staff_member])
    with pytest.raises(NotAllowed):
        alerts.alert_mark_read(alert=alert_of(staff_member, concern), actor=key_person)


def test_marking_read_needs_a_post(teacher, staff_member, child, sign_in):
    concern = recorded(teacher, child, alert_people=[staff_member])
    alert = alert_of(staff_member, concern)
    response = sign_in(staff_member).get(reverse("safeguarding:alert_read", args=[alert.pk]))
    assert response.status_code == 405
    assert alert_of(staff_member, concern).read_at is None


# --- Re-alerts -----------------------------------------------------------------------------


def test_a_dsl_re_alerts_someone_with_a_message(teacher, staff_member, dsl, child, sign_in):
    concern = recorded(teacher, child, alert_people=[staff_member])
    alerts.alert_mark_read(alert=alert_of(staff_member, concern), actor=staff_member)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = sign_in(dsl).post(
            reverse("safeguarding:realert", args=[concern.pk]),
            {"recipient": staff_member.pk, "message": "Please add what mum said at pick-up."},
        )
    assert response.status_code == 302
    alert = Alert.objects.for_org(child.organisation).get(
        recipient=staff_member, reason=Alert.Reason.REALERT
    )
    assert alert.message == "Please add what mum said at pick-up." and alert.read_at is None
    assert (
        Notification.objects.for_org(child.organisation)
        .filter(recipient=staff_member, kind=Kind.ACTION_REQUESTED)
        .exists()
    )


def test_a_re_alert_without_a_message_changes_nothing(teacher, staff_member, dsl, child, sign_in):
    concern = recorded(teacher, child, alert_people=[staff_member])
    before = Alert.objects.for_org(child.organisation).count()
    response = sign_in(dsl).post(
        reverse("safeguarding:realert", args=[concern.pk]),
        {"recipient": staff_member.pk, "message": "  "},
    )
    assert response.status_code == 400
    assert b"Say what you are asking them to do" in response.content
    assert Alert.objects.for_org(child.organisation).count() == before


def test_a_re_alert_to_another_organisation_is_refused(teacher, dsl, stranger, child, sign_in):
    concern = recorded(teacher, child)
    before = Alert.objects.for_org(child.organisation).count()
    response = sign_in(dsl).post(
        reverse("safeguarding:realert", args=[concern.pk]),
        {"recipient": stranger.pk, "message": "Please look"},
    )
    assert response.status_code == 400
    assert Alert.objects.for_org(child.organisation).count() == before


def test_only_safeguarding_leads_re_alert(teacher, staff_member, key_person, child, sign_in):
    concern = recorded(teacher, child, alert_people=[staff_member])
    response = sign_in(key_person).post(
        reverse("safeguarding:realert", args=[concern.pk]),
        {"recipient": staff_member.pk, "message": "Please"},
    )
    assert response.status_code == 403
    assert not Alert.objects.for_org(child.organisation).filter(reason="realert").exists()


def test_a_restricted_concern_cannot_be_sent_to_someone_who_may_not_see_it(
    teacher, staff_member, dsl, child
):
    from haven.core.errors import DomainError

    concern = recorded(teacher, child, restricted=True)
    with pytest.raises(DomainError):
        alerts.concern_realert(concern=concern, recipient=staff_member, message="Look", actor=dsl)
    assert not Alert.objects.for_org(child.organisation).filter(recipient=staff_member).exists()


def test_the_concern_page_offers_mark_as_read_and_answers_the_notification(
    teacher, staff_member, child, sign_in
):
    concern = recorded(teacher, child, alert_people=[staff_member])
    client = sign_in(staff_member)
    page = client.get(reverse("safeguarding:concern", args=[concern.pk]))
    alert = alert_of(staff_member, concern)
    assert reverse("safeguarding:alert_read", args=[alert.pk]).encode() in page.content
    client.post(reverse("safeguarding:alert_read", args=[alert.pk]))
    assert (
        not Notification.objects.for_org(child.organisation)
        .filter(recipient=staff_member, read_at__isnull=True, kind=Kind.CONCERN_ALERT)
        .exists()
    )
    page = client.get(reverse("safeguarding:concern", args=[concern.pk]))
    assert b"Mark as read" not in page.content
