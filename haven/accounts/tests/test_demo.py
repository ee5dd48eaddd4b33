import pytest
from django.core.management import call_command
from django_otp.oath import totp

from haven.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_totp_key_hex
from haven.accounts.models import Organisation, User
from haven.audit.services import verify_all

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_with_one_sign_in_per_role(capsys):
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "already loaded" in out and DEMO_PASSWORD in out and DEMO_TOTP_SECRET in out
    # Two Haven organisations and the front door they refer to.
    assert Organisation.objects.count() == 3
    riverside = Organisation.objects.get(name="Riverside Primary School")
    roles = set()
    for user in User.objects.for_org(riverside):
        roles |= user.role_codes
    assert roles == {
        "staff",
        "practitioner",
        "dsl",
        "deputy_dsl",
        "line_manager",
        "administrator",
        "leader",
    }
    assert verify_all()[1] == []


def test_a_demo_dsl_signs_in_with_the_published_password_and_secret(client):
    call_command("load_demo")
    client.post("/sign-in/", {"email": "dsl@riverside.example", "password": DEMO_PASSWORD})
    code = f"{totp(bytes.fromhex(demo_totp_key_hex())):06d}"
    assert client.post("/sign-in/code/", {"code": code}).status_code == 302
    assert "Elevated" in client.get("/").content.decode()


def test_the_demo_teacher_has_no_second_factor_and_records_concerns_only(client):
    call_command("load_demo")
    response = client.post(
        "/sign-in/", {"email": "teacher@riverside.example", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == "/"
    assert "Not elevated" in client.get("/").content.decode()
