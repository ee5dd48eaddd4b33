"""Encrypting the few fields that must not sit in the database in plain text.

Values are Fernet tokens (AES-128-CBC with HMAC-SHA256) under a key derived from Django's
``SECRET_KEY`` with HKDF, one key per ``purpose`` so that a token made for one field cannot
be replayed into another. ``SECRET_KEY_FALLBACKS`` are tried when decrypting, so the secret
key can be rotated: new values use the new key, old ones still read until re-saved.

Anyone with both the database and the secret key can read these values; the point is that
a copy of the database alone (a backup, a replica, a dump) does not give them away.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SALT = b"haven.core.crypto"


class CannotDecrypt(Exception):
    """The token was not made with this secret key (or one of its fallbacks)."""


def _key(secret: str, purpose: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=purpose.encode()).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


def _fernet(purpose: str) -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_key(secret, purpose)) for secret in secrets])


def encrypt(value: str, *, purpose: str) -> str:
    return _fernet(purpose).encrypt(value.encode()).decode()


def decrypt(token: str, *, purpose: str) -> str:
    try:
        return _fernet(purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        raise CannotDecrypt(purpose) from None
