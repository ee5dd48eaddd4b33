"""Idle timeout, the 12-hour limit, and the session clock endpoints."""

import pytest

from haven.accounts import services
from haven.audit.models import Action, AuditEvent
from haven.core import clock

pytestmark = pytest.mark.django_db


def _age(client, *, idle: float = 0, signed_in: float = 0):
    session = client.session
    now = clock.now().timestamp()
    session[services.LAST_SEEN] = now - idle
    session[services.SIGNED_IN_AT] = now - max(signed_in, idle)
    session.save()


def test_an_idle_session_is_signed_out_and_sent_back_to_where_it_was(staff_member, sign_in):
    client = sign_in(staff_member)
    _age(client, idle=31 * 60)
    response = client.get("/account/?tab=1")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=%2Faccount%2F%3Ftab%3D1"
    page = client.get(response["Location"])
    assert "left idle" in page.content.decode()
    assert AuditEvent.objects.filter(action=Action.SESSION_TIMED_OUT, actor=staff_member).exists()


def test_the_organisation_sets_the_idle_timeout(staff_member, sign_in):
    staff_member.organisation.idle_timeout_minutes = 60
    staff_member.organisation.save()
    client = sign_in(staff_member)
    _age(client, idle=45 * 60)
    assert client.get("/").status_code == 200


def test_no_session_lasts_more_than_twelve_hours_however_busy(staff_member, sign_in):
    client = sign_in(staff_member)
    _age(client, idle=0, signed_in=12 * 3600 + 1)
    session = client.session
    session[services.LAST_SEEN] = clock.now().timestamp()
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert "12 hours" in client.get(response["Location"]).content.decode()


def test_asking_how_long_is_left_does_not_keep_the_session_alive(staff_member, sign_in):
    client = sign_in(staff_member)
    _age(client, idle=29 * 60)
    left = client.get("/session/status/").json()["remaining_seconds"]
    assert 0 < left <= 60
    assert client.get("/notifications/bell/").status_code == 200
    assert client.get("/concerns/alerts/badge/").status_code == 200
    assert client.get("/session/status/").json()["remaining_seconds"] <= left


def test_stay_signed_in_resets_the_idle_clock(staff_member, sign_in):
    client = sign_in(staff_member)
    _age(client, idle=29 * 60)
    left = client.post("/session/keepalive/").json()["remaining_seconds"]
    assert left > 29 * 60


def test_an_ordinary_page_counts_as_activity(staff_member, sign_in):
    client = sign_in(staff_member)
    _age(client, idle=20 * 60)
    client.get("/")
    assert client.get("/session/status/").json()["remaining_seconds"] > 29 * 60


def test_an_htmx_request_after_timeout_is_told_to_go_to_sign_in(staff_member, sign_in):
    client = sign_in(staff_member)
    _age(client, idle=31 * 60)
    response = client.get("/notifications/bell/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/sign-in/"


def test_someone_whose_role_needs_a_second_factor_sets_it_up_before_anything_else(admin, sign_in):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=admin).delete()
    client = sign_in(admin, elevated=False)
    for path in ("/", "/administration/staff/", "/notifications/", "/account/"):
        assert client.get(path)["Location"] == "/account/two-factor/", path
    assert client.get("/account/two-factor/").status_code == 200


def test_when_everyone_needs_a_second_factor_an_unproven_session_is_asked_for_it(
    staff_member, sign_in
):
    from haven.core.testing.factories import TEST_TOTP_KEY_HEX

    org = staff_member.organisation
    org.two_factor_policy = "everyone"
    org.save()
    client = sign_in(staff_member, elevated=False)
    assert client.get("/")["Location"] == "/account/two-factor/"
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=staff_member, key=TEST_TOTP_KEY_HEX, confirmed=True)
    assert client.get("/")["Location"] == "/account/elevate/"


def test_a_background_request_without_a_session_takes_its_page_to_sign_in(client):
    # Not a redirect: the browser would follow it in the background and fetch the sign-in
    # page, using up the message saying why the person was signed out.
    response = client.get(
        "/notifications/bell/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/people/?q=ivy"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/sign-in/?next=%2Fpeople%2F%3Fq%3Divy"
    assert client.get("/notifications/bell/").status_code == 302
