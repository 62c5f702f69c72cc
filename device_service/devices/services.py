"""Device domain logic, shared by the API views and the sync consumer.

Every change is written together with its event (``ems_common.outbox``) in one transaction, so
monitoring learns of each change exactly when it commits, even if RabbitMQ is down right now.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db import transaction

from devices import meter_keys
from devices.models import Device, User
from ems_common.contracts import DeviceCreated, DeviceDeleted, DeviceUpdated
from ems_common.exceptions import InvalidField, NotFound, Unavailable
from ems_common.inbox.services import apply_delete, apply_upsert
from ems_common.outbox.services import publish_event

log = logging.getLogger(__name__)

EDITABLE_FIELDS = (
    "name",
    "description",
    "address",
    "max_hourly_consumption_kwh",
    "reading_interval_minutes",
    "meter_format",
)


def known_owner(user_id: uuid.UUID | None, attr: str = "owner_id") -> User | None:
    """The synced user ``user_id`` (locked until commit), or InvalidField naming ``attr``."""
    if user_id is None:
        return None
    # The lock keeps a user.deleted from removing the owner between this check and our commit.
    owner = User.objects.select_for_update().filter(id=user_id).first()
    if owner is None:
        raise InvalidField(attr, f"No user with id {user_id} is known to the device service.")
    return owner


@transaction.atomic
def create_device(fields: dict[str, Any], owner_id: uuid.UUID | None = None) -> Device:
    device = Device(**{name: fields[name] for name in EDITABLE_FIELDS if name in fields})
    device.owner = known_owner(owner_id)
    device.save()
    publish_event(DeviceCreated.of(device), version=device.version)
    return device


def _locked(device_id: uuid.UUID) -> Device:
    # A device deleted since the caller looked it up is a 404, not a crash.
    device = Device.objects.select_for_update().filter(id=device_id).first()
    if device is None:
        raise NotFound()
    return device


def _save_change(device: Device) -> Device:
    device.version += 1
    device.save()
    publish_event(DeviceUpdated.of(device), version=device.version)
    return device


_UNSET: Any = object()


@transaction.atomic
def update_device(device_id: uuid.UUID, fields: dict[str, Any], owner_id: Any = _UNSET) -> Device:
    """Apply ``fields`` (and ``owner_id`` when given, None unassigns) as one new version."""
    device = _locked(device_id)
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(device, name, fields[name])
    if owner_id is not _UNSET:
        device.owner = known_owner(owner_id)
    return _save_change(device)


@transaction.atomic
def assign_device(device_id: uuid.UUID, user_id: uuid.UUID | None) -> Device:
    device = _locked(device_id)
    device.owner = known_owner(user_id, attr="user_id")
    return _save_change(device)


@transaction.atomic
def delete_device(device_id: uuid.UUID) -> None:
    device = _locked(device_id)
    publish_event(DeviceDeleted(id=device.id), version=device.version + 1)
    device.delete()
    # Once the deletion is in, its meter key goes too (monitoring refuses its readings anyway,
    # as an unknown device, should the broker be unreachable now).
    transaction.on_commit(lambda: _revoke_quietly(device_id))


def _revoke_quietly(device_id: uuid.UUID) -> None:
    try:
        meter_keys.revoke_key(device_id)
    except Unavailable as exc:
        log.warning("device %s deleted; its meter key could not be revoked: %s", device_id, exc)


def apply_user_upsert(user_id: uuid.UUID, version: int, fields: dict[str, Any]) -> bool:
    """Store the user's ``username`` and ``role`` unless we hold a newer version."""
    return apply_upsert(User, user_id, version, fields)


def apply_user_deleted(user_id: uuid.UUID, version: int) -> bool:
    """Forget the user and unassign its devices, each publishing device.updated.

    Runs inside the consumer's transaction, so the deletion and the events commit together.
    """
    owned = Device.objects.select_for_update().filter(owner_id=user_id).order_by("id")
    # Device rows first, then the user row: the order the API's assign takes them in, so the
    # two cannot deadlock.
    list(owned)
    if not apply_delete(User, user_id, version):
        return False
    # Asked again: an assignment committed just before the user row went is in this answer.
    devices = list(owned.all())
    for device in devices:
        device.owner = None
        _save_change(device)
    log.info("user %s deleted: unassigned %d device(s)", user_id, len(devices))
    return True
