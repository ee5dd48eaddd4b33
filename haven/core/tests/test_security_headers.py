import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.django_db


def test_every_page_forbids_caching_framing_and_inline_script(staff_member, sign_in):
    response = sign_in(staff_member).get("/")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


def test_cookies_are_http_only_and_same_site(client, staff_member):
    response = client.post(
        "/sign-in/", {"email": staff_member.email, "password": "correct horse battery staple"}
    )
    cookie = response.cookies["haven_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_the_health_check_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_an_oversized_request_is_refused_before_it_is_read(staff_member, sign_in):
    client = sign_in(staff_member)
    response = client.generic(
        "POST", "/drafts/save/", b"x", CONTENT_TYPE="text/plain", CONTENT_LENGTH=str(40 * 2**20)
    )
    assert response.status_code == 413


def test_a_malformed_form_is_a_clear_message_not_a_crash(client, db):
    response = client.post("/sign-in/", {"email": "not an email", "password": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_an_unknown_page_is_a_friendly_404(staff_member, sign_in):
    response = sign_in(staff_member).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_forbidden_page_says_who_to_ask(staff_member, sign_in):
    response = sign_in(staff_member).get("/administration/staff/")
    assert response.status_code == 403
    assert "ask your designated safeguarding lead" in response.content.decode()


def _settings_in_subprocess(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", "import haven.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HAVEN_PROFILE": "staging"}, "HAVEN_PROFILE must be"),
        ({"HAVEN_PROFILE": "production"}, "HAVEN_SECRET_KEY is required"),
        ({"HAVEN_DEBUG": "perhaps"}, "HAVEN_DEBUG must be true or false"),
        ({"HAVEN_EMAIL_HOST": "mail", "HAVEN_EMAIL_PORT": "lots"}, "must be a whole number"),
        ({"DATABASE_URL": "mysql://x/y"}, "must point at PostgreSQL or SQLite"),
        (
            {
                "HAVEN_PROFILE": "production",
                "HAVEN_SECRET_KEY": "k" * 60,
                "HAVEN_ALLOWED_HOSTS": "h",
                "HAVEN_BASE_URL": "https://h",
                "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
            },
            "needs PostgreSQL",
        ),
    ],
)
def test_bad_configuration_stops_start_up_with_a_message(tmp_path, env, message):
    result = _settings_in_subprocess({"HAVEN_DATA_DIR": str(tmp_path), **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_the_development_profile_needs_no_configuration(tmp_path):
    assert _settings_in_subprocess({"HAVEN_DATA_DIR": str(tmp_path)}).returncode == 0
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
