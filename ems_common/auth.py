"""JWT tokens: issuing (auth_service) and verifying against the auth service's JWKS (everyone).

Tokens are RS256 JWTs with the claims ``sub`` (user id), ``username``, ``role``, ``ver`` (the
account's version when issued: see ems_common.sessions), ``type`` (``access`` or ``refresh``),
``iss``, ``iat``, ``exp`` and ``jti``; the header names the key (``kid``).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

ALGORITHM = "RS256"
ROLES = ("admin", "client")

# Given a raw token, returns the public key that verifies it (a key object or PEM).
KeyResolver = Callable[[str], Any]

_resolver: KeyResolver | None = None
_jwks_client: jwt.PyJWKClient | None = None
_lock = threading.Lock()


class VerifierUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "Tokens cannot be verified right now: the auth service is unreachable."
    default_code = "auth_unavailable"


@dataclass(frozen=True)
class TokenUser:
    """The caller, as its access token describes it; no database row behind it."""

    id: uuid.UUID
    username: str
    role: str

    is_authenticated = True
    is_anonymous = False

    @property
    def pk(self) -> uuid.UUID:
        return self.id

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def caller(request: Request) -> TokenUser:
    """The authenticated caller, for views and permissions that run after authentication.

    DRF types ``request.user`` as Django's user classes; here it is the token's TokenUser
    (JWTAuthentication), or None for an anonymous caller (UNAUTHENTICATED_USER), a 401.
    """
    user = request.user
    if not isinstance(user, TokenUser):
        raise exceptions.NotAuthenticated()
    return user


def set_key_resolver(resolver: KeyResolver | None) -> None:
    """Replace how public keys are found (auth_service uses its own key; tests use theirs)."""
    global _resolver
    _resolver = resolver


def _jwks_key(token: str) -> Any:
    global _jwks_client
    with _lock:
        if _jwks_client is None:
            _jwks_client = jwt.PyJWKClient(
                settings.EMS_JWKS_URL, cache_keys=True, lifespan=300, timeout=5
            )
        client = _jwks_client
    try:
        return client.get_signing_key_from_jwt(token).key
    except jwt.PyJWKClientConnectionError as exc:
        raise VerifierUnavailable() from exc
    except jwt.PyJWKClientError as exc:
        # Unknown kid or malformed header: the token is not one of ours.
        raise exceptions.AuthenticationFailed("Token is signed with an unknown key.") from exc


def issue_token(
    private_key: Any,
    kid: str,
    *,
    user_id: uuid.UUID | str,
    username: str,
    role: str,
    version: int,
    token_type: str,
    lifetime: timedelta,
    issuer: str | None = None,
) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "username": username,
        "role": role,
        "ver": version,
        "type": token_type,
        "iss": issuer or settings.EMS_JWT_ISSUER,
        "iat": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, private_key, algorithm=ALGORITHM, headers={"kid": kid})


def decode_token(token: str, expected_type: str = "access") -> dict[str, Any]:
    """The verified claims of ``token``; AuthenticationFailed if it is not valid."""
    try:
        key = (_resolver or _jwks_key)(token)
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=settings.EMS_JWT_ISSUER,
            options={"require": ["sub", "exp", "iat", "type", "ver"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise exceptions.AuthenticationFailed("Token has expired.", "token_expired") from exc
    except jwt.InvalidTokenError as exc:
        raise exceptions.AuthenticationFailed("Token is invalid.", "token_invalid") from exc
    if claims.get("type") != expected_type:
        raise exceptions.AuthenticationFailed(
            f"Expected an {expected_type} token.", "token_invalid"
        )
    if not isinstance(claims["ver"], int) or isinstance(claims["ver"], bool):
        raise exceptions.AuthenticationFailed("Token version is invalid.", "token_invalid")
    if claims.get("role") not in ROLES:
        raise exceptions.AuthenticationFailed("Token has an unknown role.", "token_invalid")
    try:
        uuid.UUID(claims["sub"])
    except (ValueError, TypeError, AttributeError) as exc:
        raise exceptions.AuthenticationFailed("Token subject is invalid.", "token_invalid") from exc
    return claims


def user_from_claims(claims: dict[str, Any]) -> TokenUser:
    return TokenUser(
        id=uuid.UUID(claims["sub"]), username=claims.get("username", ""), role=claims["role"]
    )


class JWTAuthentication(BaseAuthentication):
    """``Authorization: Bearer <access token>``; a missing header leaves the request anonymous."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[TokenUser, str] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Authorization header must be 'Bearer <token>'.", "bad_authorization_header"
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Token is invalid.", "token_invalid") from exc
        from ems_common.sessions import check_current  # models: only once Django is set up

        claims = decode_token(token)
        check_current(claims)
        return user_from_claims(claims), token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="ems"'


# Registers the OpenAPI description of JWTAuthentication with drf-spectacular.
from ems_common import schema as _schema  # noqa: E402, F401
