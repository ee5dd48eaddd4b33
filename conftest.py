"""Personas and helpers shared by every test.

The personas mirror real users: a DSL, a deputy, a key person, a line manager, an
administrator, a member of staff without a second factor, a governor, and a stranger —
another organisation's DSL who must never see this organisation's records.
"""

from __future__ import annotations

import hypothesis
import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access import roles
from haven.access.decorators import VERIFIED_AT
from haven.accounts import services as account_services
from haven.core import clock
from haven.core.testing.factories import OrganisationFactory, UserFactory

# Property tests check what is true, not how fast examples are drawn: on a busy two-core
# machine (tests in parallel beside a benchmark) the timing checks fail tests that are right.
hypothesis.settings.register_profile(
    "haven", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("haven")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 stays first in production; tests use a quick hasher so hundreds of sign-ins stay fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path_factory):
    # Uploaded files (certificates) go to a fresh folder per test, never to var/files.
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("files"))


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Riverside Test Primary")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Elsewhere Academy")


def _persona(org, code, name, **extra):
    return UserFactory(
        organisation=org,
        full_name=name,
        email=f"{code}@{org.pk}.example.org",
        roles=[code],
        authenticator=roles.ROLES[code].needs_second_factor,
        **extra,
    )


@pytest.fixture
def dsl(org):
    return _persona(org, roles.DSL, "Dana Lead")


@pytest.fixture
def deputy_dsl(org):
    return _persona(org, roles.DEPUTY_DSL, "Devi Deputy")


@pytest.fixture
def manager(org):
    return _persona(org, roles.LINE_MANAGER, "Max Manager")


@pytest.fixture
def key_person(org, manager):
    return _persona(org, roles.PRACTITIONER, "Kim Keyperson", line_manager=manager)


@pytest.fixture
def admin(org):
    return _persona(org, roles.ADMINISTRATOR, "Ari Admin")


@pytest.fixture
def staff_member(org, manager):
    return _persona(org, roles.STAFF, "Sol Staff", line_manager=manager)


@pytest.fixture
def leader(org):
    return _persona(org, roles.LEADER, "Lee Governor")


@pytest.fixture
def stranger(other_org):
    """Another organisation's DSL: must see nothing of ``org``."""
    return _persona(other_org, roles.DSL, "Stan Stranger")


@pytest.fixture
def sign_in():
    """Return a test client signed in as ``user``, elevated with the second factor if asked."""

    def _sign_in(user, *, elevated: bool = True) -> Client:
        client = Client()
        client.force_login(user, backend="haven.accounts.backends.StaffBackend")
        session = client.session
        now = clock.now().timestamp()
        session[account_services.SIGNED_IN_AT] = now
        session[account_services.LAST_SEEN] = now
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if elevated and device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session[VERIFIED_AT] = now
        session.save()
        return client

    return _sign_in
