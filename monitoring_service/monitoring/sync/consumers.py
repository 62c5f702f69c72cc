"""``sync_queue.monitoring_service``: user.* and device.* events, applied to the copies."""

from __future__ import annotations

from ems_common.contracts import (
    DeviceCreated,
    DeviceDeleted,
    DeviceUpdated,
    UserCreated,
    UserDeleted,
    UserUpdated,
)
from ems_common.messaging.sync import SyncHandlers
from monitoring.sync import services

sync = SyncHandlers("monitoring_service")


@sync.handles(UserCreated, UserUpdated)
def user_changed(event: UserCreated | UserUpdated, version: int) -> bool:
    fields = event.model_dump(include={"username", "role", "full_name", "email"})
    return services.apply_user_upsert(event.id, version, fields)


@sync.handles(UserDeleted)
def user_deleted(event: UserDeleted, version: int) -> bool:
    return services.apply_user_deleted(event.id, version)


@sync.handles(DeviceCreated, DeviceUpdated)
def device_changed(event: DeviceCreated | DeviceUpdated, version: int) -> bool:
    fields = event.model_dump(exclude={"id"})
    return services.apply_device_upsert(event.id, version, fields)


@sync.handles(DeviceDeleted)
def device_deleted(event: DeviceDeleted, version: int) -> bool:
    return services.apply_device_deleted(event.id, version)
