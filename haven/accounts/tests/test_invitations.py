import re
from datetime import timedelta

import pytest
from django.core import mail

from haven.accounts import services
from haven.accounts.models import Invitation, User
from haven.audit.models import Action, AuditEvent
from haven.core import clock
from haven.core.errors import DomainError, NotAllowed
from haven.core.testing.factories import TeamFactory

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "plum orchard lantern seven"


def _invite(admin, django_capture_on_commit_callbacks, **extra):
    fields = {
        "email": "new.person@example.org",
        "full_name": "Nia Newcomer",
        "role_codes": ["practitioner"],
    }
    fields.update(extra)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(actor=admin, **fields)
    token = re.search(r"/invitations/([\w-]+)/", mail.outbox[-1].body).group(1)
    return invitation, token


def test_an_administrator_invites_by_email_with_a_one_time_link(
    admin, django_capture_on_commit_callbacks
):
    invitation, token = _invite(admin, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == ["new.person@example.org"]
    assert admin.organisation.name in message.body and "expires" in message.body
    assert invitation.token_hash != token  # only a hash is stored
    assert invitation.expires_at - clock.now() > timedelta(hours=71)
    assert AuditEvent.objects.filter(action=Action.INVITATION_SENT, actor=admin).exists()


def test_the_invitee_sets_a_password_and_gets_the_roles_and_teams(
    admin, client, django_capture_on_commit_callbacks
):
    team = TeamFactory(organisation=admin.organisation, name="Pastoral")
    _, token = _invite(admin, django_capture_on_commit_callbacks, teams=[team])
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 200 and "Nia Newcomer" in page.content.decode()
    response = client.post(
        f"/invitations/{token}/", {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    user = User.unscoped.get(email="new.person@example.org")
    assert user.organisation == admin.organisation
    assert user.role_codes == {"practitioner"}
    assert list(user.teams.all()) == [team]
    assert user.check_password(GOOD_PASSWORD)
    # A practitioner must set up the second factor before anything else.
    assert client.get("/")["Location"] == "/account/two-factor/"


def test_an_invitation_link_works_once(admin, client, django_capture_on_commit_callbacks):
    _, token = _invite(admin, django_capture_on_commit_callbacks)
    data = {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    client.post(f"/invitations/{token}/", data)
    client.post("/sign-out/")
    again = client.post(f"/invitations/{token}/", data)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert User.unscoped.filter(email="new.person@example.org").count() == 1


def test_an_expired_invitation_says_so_and_creates_nothing(
    admin, client, django_capture_on_commit_callbacks
):
    invitation, token = _invite(admin, django_capture_on_commit_callbacks)
    Invitation.unscoped.filter(pk=invitation.pk).update(
        expires_at=clock.now() - timedelta(minutes=1)
    )
    response = client.post(
        f"/invitations/{token}/", {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.unscoped.filter(email="new.person@example.org").exists()


def test_an_unknown_token_is_refused_politely(client, db):
    response = client.get("/invitations/not-a-real-token/")
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("short one", "short one", "too short"),
        ("password1234", "password1234", "too common"),
        (GOOD_PASSWORD, GOOD_PASSWORD + "x", "not the same"),
    ],
)
def test_a_weak_or_mismatched_password_is_explained_and_nothing_is_created(
    admin, client, django_capture_on_commit_callbacks, first, second, message
):
    _, token = _invite(admin, django_capture_on_commit_callbacks)
    response = client.post(f"/invitations/{token}/", {"password1": first, "password2": second})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.unscoped.filter(email="new.person@example.org").exists()


def test_a_long_passphrase_without_symbols_is_fine(
    admin, client, django_capture_on_commit_callbacks
):
    _, token = _invite(admin, django_capture_on_commit_callbacks)
    phrase = "the quick otter naps by the river"
    client.post(f"/invitations/{token}/", {"password1": phrase, "password2": phrase})
    assert User.unscoped.get(email="new.person@example.org").check_password(phrase)


def test_resending_replaces_the_old_link(admin, client, django_capture_on_commit_callbacks):
    invitation, old_token = _invite(admin, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation, actor=admin)
    new_token = re.search(r"/invitations/([\w-]+)/", mail.outbox[-1].body).group(1)
    assert new_token != old_token
    assert client.get(f"/invitations/{old_token}/").status_code == 410
    assert client.get(f"/invitations/{new_token}/").status_code == 200


def test_a_withdrawn_invitation_cannot_be_used(admin, client, django_capture_on_commit_callbacks):
    invitation, token = _invite(admin, django_capture_on_commit_callbacks)
    services.invitation_revoke(invitation=invitation, actor=admin)
    assert client.get(f"/invitations/{token}/").status_code == 410


def test_an_existing_account_cannot_be_invited_again(admin, dsl):
    with pytest.raises(DomainError, match="already an account"):
        services.invitation_create(
            actor=admin, email=dsl.email.upper(), full_name="Dup", role_codes=["staff"]
        )


def test_only_an_administrator_may_invite(dsl):
    with pytest.raises(NotAllowed):
        services.invitation_create(
            actor=dsl, email="x@example.org", full_name="X", role_codes=["staff"]
        )


def test_the_invite_page_shows_errors_and_keeps_what_was_typed(admin, sign_in):
    client = sign_in(admin)
    response = client.post(
        "/administration/staff/invite/",
        {"full_name": "Typed Name", "email": "not-an-email", "role_codes": []},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Typed Name" in body and "Enter a valid email address" in body
    assert not Invitation.objects.for_org(admin.organisation).exists()


def test_signing_in_while_accepting_someone_elses_invitation_signs_out_first(
    admin, staff_member, sign_in, django_capture_on_commit_callbacks
):
    _, token = _invite(admin, django_capture_on_commit_callbacks)
    client = sign_in(staff_member)
    client.get(f"/invitations/{token}/")
    assert client.get("/").status_code == 302
