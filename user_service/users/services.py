"""user_service's domain logic: applying user.* events and editing profiles."""

from __future__ import annotations

import uuid

from django.db import transaction

from ems_common.contracts import UserCreated, UserUpdated
from ems_common.inbox.services import apply_delete, apply_upsert
from users.models import Profile


def apply_user(event: UserCreated | UserUpdated, version: int) -> bool:
    """Apply user.created / user.updated; False when it changed nothing (duplicate, stale, deleted).

    user.updated moves only username and role: full_name and email belong to user_service once
    the profile exists, so an edit made here is never overwritten by auth's older copy. A
    user.updated for a profile we never saw (user.created lost to an old DLQ) creates it with
    everything the event carries.
    """
    fields = {"username": event.username, "role": event.role}
    if isinstance(event, UserCreated) or not Profile.objects.filter(pk=event.id).exists():
        fields.update(full_name=event.full_name, email=event.email)
    return apply_upsert(Profile, event.id, version, fields)


def apply_user_deleted(user_id: uuid.UUID, version: int) -> bool:
    return apply_delete(Profile, user_id, version)


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
