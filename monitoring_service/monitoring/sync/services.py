"""Keeping monitoring's copies of users and devices current (versioned and idempotent).

Each function runs inside the sync consumer's transaction; ``ems_common.inbox`` ignores an
event older than (or as old as) what is stored, including one arriving after a delete.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from ems_common.inbox.services import apply_delete, apply_upsert
from monitoring.models import Device, User

log = logging.getLogger(__name__)


def apply_user_upsert(user_id: uuid.UUID, version: int, fields: dict[str, Any]) -> bool:
    return apply_upsert(User, user_id, version, fields)


def apply_user_deleted(user_id: uuid.UUID, version: int) -> bool:
    """Forget the user; its devices lose their owner here too.

    device_service publishes device.updated (owner_id null) for each of them as well; clearing
    the owner now only means a deleted user's devices are never shown as its, even briefly.
    The version is left alone, so those events still apply.
    """
    if not apply_delete(User, user_id, version):
        return False
    unassigned = Device.objects.filter(owner_id=user_id).update(owner_id=None)
    log.info("user %s deleted: %d device(s) unassigned", user_id, unassigned)
    return True


def apply_device_upsert(device_id: uuid.UUID, version: int, fields: dict[str, Any]) -> bool:
    """device.created and device.updated carry the full state, so either one creates it."""
    return apply_upsert(Device, device_id, version, fields)


def apply_device_deleted(device_id: uuid.UUID, version: int) -> bool:
    return apply_delete(Device, device_id, version)
