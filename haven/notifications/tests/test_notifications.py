import pytest
from django.core import mail

from haven.notifications.models import Kind, Notification
from haven.notifications.queries import unread_count
from haven.notifications.services import notify, send_queued_emails

pytestmark = pytest.mark.django_db
SECRET_TITLE = "Concern about Bugs Bunny: bruise on arm"


def test_a_notification_appears_in_the_app_and_by_email_without_its_content(
    staff_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[staff_member], kind=Kind.SECURITY, title=SECRET_TITLE, url="/account/")
    assert unread_count(staff_member) == 1
    (message,) = mail.outbox
    assert message.to == [staff_member.email]
    assert "Bugs Bunny" not in message.subject + message.body
    assert "bruise" not in message.subject + message.body
    assert "http://127.0.0.1:8000/account/" in message.body
    assert Notification.objects.for_org(staff_member.organisation).get().emailed_at is not None


def test_no_email_is_sent_if_the_change_rolls_back(
    staff_member, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=[staff_member], kind=Kind.SECURITY, title="x")
        raise RuntimeError
    assert mail.outbox == []
    assert unread_count(staff_member) == 0


def test_an_email_that_could_not_be_sent_stays_queued_and_goes_later(
    staff_member, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[staff_member], kind=Kind.SECURITY, title="x")
    note = Notification.objects.for_org(staff_member.organisation).get()
    assert note.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_queued_emails() == 1
    assert len(mail.outbox) == 1
    assert send_queued_emails() == 0


def test_deactivated_people_are_not_notified(admin, staff_member):
    staff_member.is_active = False
    staff_member.save()
    assert notify(recipients=[staff_member, admin], kind=Kind.SECURITY, title="x")
    assert unread_count(staff_member) == 0 and unread_count(admin) == 1


def test_the_inbox_lists_newest_first_and_marks_as_read(staff_member, sign_in):
    for n in range(3):
        notify(recipients=[staff_member], kind=Kind.SECURITY, title=f"note {n}", email=False)
    client = sign_in(staff_member)
    body = client.get("/notifications/").content.decode()
    assert body.index("note 2") < body.index("note 0")
    newest = Notification.objects.for_org(staff_member.organisation).order_by("-id").first()
    client.post(f"/notifications/{newest.pk}/read/")
    assert unread_count(staff_member) == 2
    client.post("/notifications/read-all/")
    assert unread_count(staff_member) == 0


def test_opening_a_notification_marks_it_read_and_follows_its_link(staff_member, sign_in):
    (note,) = notify(
        recipients=[staff_member], kind=Kind.SECURITY, title="x", url="/account/", email=False
    )
    response = sign_in(staff_member).post(f"/notifications/{note.pk}/open/")
    assert response["Location"] == "/account/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_not_found(staff_member, dsl, sign_in):
    (note,) = notify(recipients=[dsl], kind=Kind.SECURITY, title="x", email=False)
    client = sign_in(staff_member)
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
    assert client.post(f"/notifications/{note.pk}/open/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_the_inbox_pages_by_keyset_with_a_fixed_number_of_queries(
    staff_member, sign_in, django_assert_max_num_queries
):
    client = sign_in(staff_member)
    notify(recipients=[staff_member], kind=Kind.SECURITY, title="first", email=False)
    with django_assert_max_num_queries(20) as small:
        client.get("/notifications/")
    for n in range(70):
        notify(recipients=[staff_member], kind=Kind.SECURITY, title=f"n{n}", email=False)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get("/notifications/")
    body = page.content.decode()
    assert "before=" in body and "n69" in body and "first" not in body


def test_the_bell_shows_the_unread_count(staff_member, sign_in):
    notify(recipients=[staff_member], kind=Kind.SECURITY, title="x", email=False)
    body = sign_in(staff_member).get("/notifications/bell/").content.decode()
    assert '<span class="count">1' in body
