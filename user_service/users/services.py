"""user_service's domain logic: applying user.* events and editing profiles."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from ems_common.auth import ROLES
from ems_common.events import Envelope, InvalidEvent, data_uuid, require
from ems_common.inbox.services import apply_delete, apply_upsert
from users.models import Profile

USER_EVENTS = ("user.created", "user.updated", "user.deleted")


def _optional_text(data: dict[str, Any], name: str) -> str:
    if data.get(name) is None:
        return ""
    return require(data, name, str)


def _identity_fields(data: dict[str, Any]) -> dict[str, Any]:
    username = require(data, "username", str)
    if not username:
        raise InvalidEvent("username must not be empty")
    role = require(data, "role", str)
    if role not in ROLES:
        raise InvalidEvent(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return {"username": username, "role": role}


def apply_user_event(envelope: Envelope) -> bool:
    """Apply one user.* event; False when it changed nothing (duplicate, stale, or deleted).

    user.updated moves only username and role: full_name and email belong to user_service after
    the profile exists (see docs/ARCHITECTURE.md). A user.updated for a profile we never saw
    (user.created lost to an old DLQ) creates it with everything the event carries.
    """
    if envelope.type not in USER_EVENTS:
        raise InvalidEvent(f"unknown event type {envelope.type!r}")
    user_id = data_uuid(envelope.data, "id")
    assert user_id is not None
    if envelope.type == "user.deleted":
        return apply_delete(Profile, user_id, envelope.version)
    fields = _identity_fields(envelope.data)
    contact = {
        "full_name": _optional_text(envelope.data, "full_name"),
        "email": _optional_text(envelope.data, "email"),
    }
    if envelope.type == "user.created" or not Profile.objects.filter(pk=user_id).exists():
        fields.update(contact)
    return apply_upsert(Profile, user_id, envelope.version, fields)


def update_contact(profile: Profile, **changes: str) -> Profile:
    """Edit full_name and/or email, which user_service owns once the profile exists."""
    with transaction.atomic():
        locked = Profile.objects.select_for_update().get(pk=profile.pk)
        for name, value in changes.items():
            setattr(locked, name, value)
        # synced_at is auto_now; only the edited fields and that timestamp are written.
        locked.save(update_fields=[*changes, "synced_at"])
    return locked


def profile_or_none(user_id: uuid.UUID) -> Profile | None:
    return Profile.objects.filter(pk=user_id).first()
