"""Real TOTP codes for tests, computed the way an authenticator app does."""

import time

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def next_code(user) -> str:
    """A code the user's authenticator would show that Haven has not yet accepted.

    django-otp refuses a code from a time step it has already used, and accepts one step of
    drift either side; so pick the first step after the last one used.
    """
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    now_step = int(time.time() - device.t0) // device.step
    step = max(now_step - device.tolerance, device.last_t + 1)
    if step > now_step + device.tolerance:
        raise RuntimeError("No fresh TOTP code until the next 30-second step.")
    code = totp(device.bin_key, device.step, device.t0, device.digits, drift=step - now_step)
    return f"{code:0{device.digits}d}"
