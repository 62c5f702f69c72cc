"""auth_service's domain logic: users, their events, login, tokens (views and commands call it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed

from authentication import throttling
from authentication.keys import current_key
from authentication.models import Role, SignedOutToken, User
from ems_common import auth, sessions
from ems_common.contracts import UserCreated, UserDeleted, UserUpdated
from ems_common.exceptions import InvalidField, NotAuthenticated, NotFound, TryLater
from ems_common.outbox.services import publish_event

SOURCE = "auth_service"
SIGNED_OUT = "This session was signed out: sign in again."
USERNAME_TAKEN = "A user with that username already exists."


class SelfProtectionError(InvalidField):
    """An admin tried to delete or demote their own account (``field``: what was refused)."""


def check_password_strength(password: str, user: User) -> None:
    try:
        # The validators read only the attributes they name (user_attributes); the stubs want
        # django.contrib.auth's user class, which auth_service does not use.
        validate_password(password, user)  # type: ignore[arg-type]
    except DjangoValidationError as exc:
        raise InvalidField("password", *exc.messages) from exc


def username_taken(username: str, exclude: uuid.UUID | None = None) -> bool:
    users = User.objects.filter(username__iexact=username)
    if exclude is not None:
        users = users.exclude(pk=exclude)
    return users.exists()


def create_user(
    *,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    role: str = "client",
    validate: bool = True,
) -> User:
    """A new user and its user.created event, in one transaction."""
    user = User(username=username, full_name=full_name, email=email, role=role, version=1)
    if username_taken(username):
        raise InvalidField("username", USERNAME_TAKEN, code="unique")
    if validate:
        check_password_strength(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
            publish_event(UserCreated.of(user), version=user.version, source=SOURCE)
    except IntegrityError as exc:
        # Two registrations of the same name at once: the unique index decides.
        raise InvalidField("username", USERNAME_TAKEN, code="unique") from exc
    return user


def _locked(user: User) -> User:
    """``user`` re-read under a row lock; 404 if another request deleted it meanwhile."""
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None:
        raise NotFound("No user with that id.")
    return locked


def update_user(
    user: User,
    *,
    acting_user_id: uuid.UUID | None = None,
    role: str | None = None,
    password: str | None = None,
) -> User:
    """Change role and/or password; the version grows and user.updated goes out."""
    if role is not None and role != Role.ADMIN and user.id == acting_user_id:
        raise SelfProtectionError("role", "You cannot remove the admin role from your own account.")
    if password is not None:
        check_password_strength(password, user)
    if role in (None, user.role) and password is None:
        return user  # nothing changes: no new version, no event
    with transaction.atomic():
        locked = _locked(user)
        if role is not None:
            locked.role = role
        if password is not None:
            locked.set_password(password)
        locked.version += 1
        locked.save()
        publish_event(UserUpdated.of(locked), version=locked.version, source=SOURCE)
    return locked


def delete_user(user: User, *, acting_user_id: uuid.UUID | None = None) -> None:
    if user.id == acting_user_id:
        raise SelfProtectionError("non_field_errors", "You cannot delete your own account.")
    with transaction.atomic():
        locked = _locked(user)
        # The deletion is one more change: consumers holding this version or older drop the copy.
        version = locked.version + 1
        locked.delete()
        publish_event(UserDeleted(id=user.id), version=version, source=SOURCE)


def ensure_user(username: str, password: str, role: str) -> tuple[User, bool]:
    """A bootstrap account (created without password validation); ``(user, created)``.

    An existing account of that name is left as it is (role and password too), so running it
    again changes nothing and never undoes an admin's edits.
    """
    existing = User.objects.filter(username__iexact=username).first()
    if existing is not None:
        return existing, False
    user = create_user(username=username, password=password, role=role, validate=False)
    return user, True


def ensure_admin(username: str, password: str) -> tuple[User, bool]:
    """The bootstrap admin (created without password validation); ``(user, created)``."""
    return ensure_user(username, password, "admin")


# --- login and tokens -------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def _issue(user: User, token_type: str, seconds: int) -> str:
    key = current_key()
    return auth.issue_token(
        key.private_key,
        key.kid,
        user_id=user.id,
        username=user.username,
        role=user.role,
        version=user.version,
        token_type=token_type,
        lifetime=timedelta(seconds=seconds),
    )


def issue_access(user: User) -> str:
    return _issue(user, "access", settings.EMS_ACCESS_TOKEN_SECONDS)


def issue_pair(user: User) -> TokenPair:
    return TokenPair(
        access=issue_access(user),
        refresh=_issue(user, "refresh", settings.EMS_REFRESH_TOKEN_SECONDS),
    )


def login(username: str, password: str, ip: str) -> tuple[User, TokenPair]:
    """Tokens for the right password; 401 otherwise, 429 while this caller must wait."""
    wait = throttling.seconds_until_allowed(username, ip)
    if wait:
        raise TryLater("Too many failed login attempts; try again later.", wait)
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        # The same hashing work as for a real user, so the answer's timing tells nothing.
        User().set_password(password)
    if user is None or not user.check_password(password):
        throttling.record_failure(username, ip)
        raise NotAuthenticated("Wrong username or password.", "wrong_credentials")
    throttling.clear_failures(username, ip)
    return user, issue_pair(user)


def refresh_access(refresh_token: str) -> str:
    """A new access token for a refresh token issued since the account last changed.

    A change of role or password, or a deletion, grows the account's version: every refresh
    token issued before it is refused, so the account's sessions end.
    """
    claims = auth.decode_token(refresh_token, expected_type="refresh")
    user = User.objects.filter(pk=claims["sub"]).first()
    if user is None or user.version != claims["ver"]:
        raise NotAuthenticated(sessions.ENDED, "session_ended")
    if SignedOutToken.objects.filter(jti=_jti(claims)).exists():
        raise NotAuthenticated(SIGNED_OUT, "signed_out")
    return issue_access(user)


def sign_out(refresh_token: str) -> None:
    """Refresh refuses this token from now on; a token that is not valid needs nothing."""
    try:
        claims = auth.decode_token(refresh_token, expected_type="refresh")
    except AuthenticationFailed:  # what ems_common.auth says of a token it refuses
        return
    SignedOutToken.objects.filter(expires_at__lt=timezone.now()).delete()
    expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    SignedOutToken.objects.bulk_create(
        [SignedOutToken(jti=_jti(claims), expires_at=expires_at)], ignore_conflicts=True
    )


def _jti(claims: dict[str, Any]) -> str:
    # Every token issue_token signs has one (32 hex digits); without it, it could not be told apart.
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti.isalnum() or len(jti) > 64:
        raise NotAuthenticated("Token is invalid.", "token_invalid")
    return jti


def user_for_token(user_id: uuid.UUID) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotAuthenticated("The user no longer exists.", "user_not_found")
    return user
