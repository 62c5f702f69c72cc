"""``sync_queue.device_service``: user.* events keep the copy of possible device owners."""

from __future__ import annotations

from devices import services
from ems_common.contracts import UserCreated, UserDeleted, UserUpdated
from ems_common.messaging.sync import SyncHandlers

sync = SyncHandlers("device_service")


@sync.handles(UserCreated, UserUpdated)
def user_changed(event: UserCreated | UserUpdated, version: int) -> bool:
    return services.apply_user_upsert(
        event.id, version, {"username": event.username, "role": event.role}
    )


@sync.handles(UserDeleted)
def user_deleted(event: UserDeleted, version: int) -> bool:
    return services.apply_user_deleted(event.id, version)
