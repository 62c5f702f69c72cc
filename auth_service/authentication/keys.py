"""The RS256 signing key: created once (race-safe across workers), kept in the database.

Every gunicorn worker caches the keys it has loaded; a token naming a kid it has not seen makes it
reload from the database, so a key created by another worker verifies everywhere.
"""

from __future__ import annotations

import base64
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import connection, transaction
from rest_framework import exceptions

from authentication.models import SigningKey

# pg_advisory_xact_lock key: "ems auth signing key" — any constant shared by all workers.
KEY_CREATION_LOCK = 0x454D534B


@dataclass(frozen=True)
class LoadedKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()


_lock = threading.Lock()
_keys: dict[str, LoadedKey] = {}
_current: LoadedKey | None = None


def _load(row: SigningKey) -> LoadedKey:
    private_key = serialization.load_pem_private_key(row.private_pem.encode(), password=None)
    assert isinstance(private_key, rsa.RSAPrivateKey)
    return LoadedKey(kid=row.kid, private_key=private_key)


def _new_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _newest_or_create() -> SigningKey:
    row = SigningKey.objects.first()
    if row is not None:
        return row
    with transaction.atomic():
        # Two workers starting at once: the second waits here and then finds the first's key.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [KEY_CREATION_LOCK])
        row = SigningKey.objects.first()
        if row is None:
            row = SigningKey.objects.create(kid=uuid.uuid4().hex, private_pem=_new_pem())
        return row


def reload_keys() -> None:
    """Forget what this process cached and read the keys from the database again."""
    global _current
    with _lock:
        _keys.clear()
        _current = None


def current_key() -> LoadedKey:
    """The key that signs new tokens (created on first use)."""
    global _current
    with _lock:
        if _current is not None:
            return _current
    loaded = _load(_newest_or_create())
    with _lock:
        _keys[loaded.kid] = loaded
        _current = loaded
    return loaded


def all_keys() -> list[LoadedKey]:
    current_key()
    return [_load(row) for row in SigningKey.objects.all()]


def public_key_for(kid: str) -> rsa.RSAPublicKey | None:
    with _lock:
        cached = _keys.get(kid)
    if cached is not None:
        return cached.public_key
    row = SigningKey.objects.filter(kid=kid).first()
    if row is None:
        return None
    loaded = _load(row)
    with _lock:
        _keys[kid] = loaded
    return loaded.public_key


def resolve_token_key(token: str) -> Any:
    """ems_common.auth key resolver: auth verifies its own tokens without an HTTP round trip."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.InvalidTokenError:
        kid = None
    # A NUL byte cannot be in a stored kid (PostgreSQL text holds none): not a lookup, a refusal.
    key = public_key_for(kid) if isinstance(kid, str) and "\x00" not in kid else None
    if key is None:
        raise exceptions.AuthenticationFailed(
            "Token is signed with an unknown key.", "token_invalid"
        )
    return key


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwk(key: LoadedKey) -> dict[str, str]:
    numbers = key.public_key.public_numbers()
    return {
        "kty": "RSA",
        "kid": key.kid,
        "alg": "RS256",
        "use": "sig",
        "n": _b64(numbers.n),
        "e": _b64(numbers.e),
    }


def jwks() -> dict[str, list[dict[str, str]]]:
    return {"keys": [jwk(key) for key in all_keys()]}
