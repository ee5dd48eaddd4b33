import pytest
from django.urls import reverse

from haven.audit.models import Action, AuditEvent
from haven.core.testing.factories import TEST_PASSWORD
from haven.core.testing.totp import next_code

pytestmark = pytest.mark.django_db
SIGN_IN = "/sign-in/"


def _post(client, email, password):
    return client.post(SIGN_IN, {"email": email, "password": password})


def test_a_member_of_staff_without_a_second_factor_signs_in_with_a_password(client, staff_member):
    response = _post(client, staff_member.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(actor=staff_member, action=Action.SIGN_IN).count() == 1


def test_a_wrong_password_gets_one_message_that_does_not_reveal_the_account(client, staff_member):
    wrong = _post(client, staff_member.email, "not the password at all")
    unknown = _post(client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    message = "That email address and password do not match an account."
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).count() == 2
    unknown_event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED, actor=None)
    assert (
        unknown_event.organisation_id is None and unknown_event.actor_label == "nobody@example.org"
    )


def test_five_failures_lock_the_account_from_that_address_even_with_the_right_password(
    client, staff_member
):
    for _ in range(4):
        assert _post(client, staff_member.email, "wrong password here").status_code == 400
    fifth = _post(client, staff_member.email, "wrong password here")
    assert fifth.status_code == 429
    assert "Too many attempts" in fifth.content.decode()
    right = _post(client, staff_member.email, TEST_PASSWORD)
    assert right.status_code == 429
    assert client.get("/").status_code == 302  # still signed out
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT, actor=staff_member).exists()


def test_an_unknown_account_locks_the_same_way(client, db):
    for _ in range(4):
        _post(client, "ghost@example.org", "wrong password here")
    assert _post(client, "ghost@example.org", "wrong password here").status_code == 429


def test_success_resets_the_failure_count(client, staff_member):
    for _ in range(3):
        _post(client, staff_member.email, "wrong password here")
    assert _post(client, staff_member.email, TEST_PASSWORD).status_code == 302
    client.post("/sign-out/")
    for _ in range(3):
        assert _post(client, staff_member.email, "wrong password here").status_code == 400


def test_a_dsl_is_asked_for_a_code_and_is_elevated_after_it(client, dsl):
    response = _post(client, dsl.email, TEST_PASSWORD)
    assert response["Location"] == reverse("accounts:sign_in_verify")
    assert client.get("/").status_code == 302  # not signed in until the code is given
    response = client.post(reverse("accounts:sign_in_verify"), {"code": next_code(dsl)})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200 and "Elevated" in home.content.decode()


def test_a_used_code_is_refused_a_second_time(client, dsl):
    _post(client, dsl.email, TEST_PASSWORD)
    code = next_code(dsl)
    client.post(reverse("accounts:sign_in_verify"), {"code": code})
    client.post("/sign-out/")
    _post(client, dsl.email, TEST_PASSWORD)
    again = client.post(reverse("accounts:sign_in_verify"), {"code": code})
    assert again.status_code == 400
    assert "already been used" in again.content.decode()
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_FAILED, actor=dsl).exists()


def test_a_dsl_may_skip_the_code_to_record_concerns_but_is_not_elevated(client, dsl):
    _post(client, dsl.email, TEST_PASSWORD)
    client.post(reverse("accounts:sign_in_verify"), {"skip": "1"})
    home = client.get("/")
    assert home.status_code == 200
    assert "Not elevated" in home.content.decode()


def test_an_organisation_that_requires_two_factor_for_everyone_offers_no_skip(client, dsl):
    dsl.organisation.two_factor_policy = "everyone"
    dsl.organisation.save()
    _post(client, dsl.email, TEST_PASSWORD)
    client.post(reverse("accounts:sign_in_verify"), {"skip": "1"})
    assert client.get("/").status_code == 302


def test_sign_out_ends_the_session_and_is_audited(client, staff_member):
    _post(client, staff_member.email, TEST_PASSWORD)
    client.post("/sign-out/")
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(actor=staff_member, action=Action.SIGN_OUT).exists()


def test_next_may_not_send_people_to_another_site(client, staff_member):
    response = client.post(
        SIGN_IN + "?next=https://evil.example/",
        {"email": staff_member.email, "password": TEST_PASSWORD},
    )
    assert response["Location"] == "/"


def test_a_deactivated_account_cannot_sign_in(client, staff_member):
    staff_member.is_active = False
    staff_member.save()
    assert _post(client, staff_member.email, TEST_PASSWORD).status_code == 400
