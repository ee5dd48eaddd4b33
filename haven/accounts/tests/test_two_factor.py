import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.decorators import VERIFIED_AT
from haven.audit.models import Action, AuditEvent
from haven.core import clock
from haven.core.testing.factories import TEST_PASSWORD, UserFactory
from haven.core.testing.totp import next_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(org):
    """A practitioner who has not yet set up an authenticator."""
    return UserFactory(organisation=org, roles=["practitioner"])


def _code_from_page(body: str) -> str:
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', body).group(1)
    key = secret.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{totp(b32decode(key)):06d}"


def test_setting_up_an_authenticator_shows_a_qr_code_and_ten_recovery_codes(newcomer, sign_in):
    client = sign_in(newcomer, elevated=False)
    page = client.get("/account/two-factor/")
    body = page.content.decode()
    assert "<svg" in body and "otpauth" not in body.split("<svg")[0][-200:]
    response = client.post("/account/two-factor/", {"code": _code_from_page(body)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([0-9a-f]{5}) ([0-9a-f]{5})</code>", response.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=newcomer).confirmed
    assert "Elevated" in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action=Action.SECOND_FACTOR_SET_UP, actor=newcomer).exists()


def test_a_wrong_set_up_code_is_explained_and_nothing_is_turned_on(newcomer, sign_in):
    client = sign_in(newcomer, elevated=False)
    client.get("/account/two-factor/")
    response = client.post("/account/two-factor/", {"code": "000000"})
    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=newcomer, confirmed=True).exists()


def test_a_recovery_code_signs_in_once_only(dsl, client, sign_in):
    elevated = sign_in(dsl)
    page = elevated.post("/account/recovery-codes/")
    first = re.search(r"<code>([0-9a-f]{5}) ([0-9a-f]{5})</code>", page.content.decode())
    code = first.group(1) + first.group(2)
    assert StaticToken.objects.filter(device__user=dsl).count() == 10

    client.post("/sign-in/", {"email": dsl.email, "password": TEST_PASSWORD})
    response = client.post("/sign-in/code/", {"code": f"{code[:5]} {code[5:]}"})
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=dsl).count() == 9
    client.post("/sign-out/")
    client.post("/sign-in/", {"email": dsl.email, "password": TEST_PASSWORD})
    assert client.post("/sign-in/code/", {"code": code}).status_code == 400


def test_new_recovery_codes_need_a_recent_second_factor(dsl, sign_in):
    client = sign_in(dsl)
    session = client.session
    session[VERIFIED_AT] = clock.now().timestamp() - 16 * 60
    session.save()
    response = client.post("/account/recovery-codes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/elevate/?next=")
    assert "fresh=1" in response["Location"]
    assert not StaticToken.objects.filter(device__user=dsl).exists()


def test_elevating_a_session_takes_a_real_code_and_is_audited(dsl, sign_in):
    client = sign_in(dsl, elevated=False)
    assert "Not elevated" in client.get("/").content.decode()
    wrong = client.post("/account/elevate/", {"code": "123456", "next": "/account/"})
    assert wrong.status_code == 400
    time.sleep(1.1)  # django-otp slows down guessing after a wrong code
    right = client.post("/account/elevate/", {"code": next_code(dsl), "next": "/account/"})
    assert right["Location"] == "/account/"
    assert "Elevated" in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action=Action.ELEVATED, actor=dsl).exists()


def test_replacing_an_authenticator_needs_an_elevated_session(dsl, sign_in):
    client = sign_in(dsl, elevated=False)
    assert client.get("/account/two-factor/")["Location"].startswith("/account/elevate/")


def test_changing_a_password_needs_the_current_one_and_signs_out_other_sessions(
    staff_member, sign_in
):
    here, elsewhere = sign_in(staff_member), sign_in(staff_member)
    wrong = here.post(
        "/account/password/",
        {
            "current_password": "nope",
            "password1": "a brand new passphrase",
            "password2": "a brand new passphrase",
        },
    )
    assert wrong.status_code == 200 and "not your current password" in wrong.content.decode()
    right = here.post(
        "/account/password/",
        {
            "current_password": TEST_PASSWORD,
            "password1": "a brand new passphrase",
            "password2": "a brand new passphrase",
        },
    )
    assert right.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED).exists()


def test_argon2_is_the_password_hasher_in_every_profile():
    import importlib

    import haven.settings

    assert importlib.reload(haven.settings).PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
