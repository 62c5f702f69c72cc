"""``sync_queue.user_service``: user.* events keep the profiles."""

from __future__ import annotations

from ems_common.contracts import UserCreated, UserDeleted, UserUpdated
from ems_common.messaging.sync import SyncHandlers
from users import services

sync = SyncHandlers("user_service")


@sync.handles(UserCreated, UserUpdated)
def user_changed(event: UserCreated | UserUpdated, version: int) -> bool:
    return services.apply_user(event, version)


@sync.handles(UserDeleted)
def user_deleted(event: UserDeleted, version: int) -> bool:
    return services.apply_user_deleted(event.id, version)
