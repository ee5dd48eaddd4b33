"""The second factor: TOTP authenticator apps, and single-use recovery codes.

Built on django-otp, which refuses a code that was already used (it remembers the last time
step) and slows down repeated wrong guesses.
"""

from __future__ import annotations

import secrets

import segno
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.audit.models import Action
from haven.audit.services import record_event

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up, created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def qr_code_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", omitsize=False, title="QR code for your authenticator"
    )


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for people who cannot scan the QR code."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def confirm_authenticator(*, user, device: TOTPDevice, token: str, request) -> bool:
    """Finish set-up if the code is right; replaces any earlier authenticator."""
    if device.user_id != user.pk or device.confirmed:
        return False
    if not device.verify_token(_digits(token)):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save()
        record_event(action=Action.SECOND_FACTOR_SET_UP, actor=user, request=request)
    return True


def issue_recovery_codes(*, user, request) -> list[str]:
    """Replace the user's recovery codes with ten new ones, shown once."""
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        record_event(action=Action.RECOVERY_CODES_ISSUED, actor=user, request=request)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _digits(token: str) -> str:
    return "".join(token.split())


def verify(user, token: str):
    """The device that accepts this code (authenticator or recovery code), or None."""
    token = _digits(token or "")
    if not token or len(token) > 20:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token.lower() if isinstance(device, StaticDevice) else token):
            return device
    return None


def is_recovery_device(device) -> bool:
    return isinstance(device, StaticDevice)


def remove_devices(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
