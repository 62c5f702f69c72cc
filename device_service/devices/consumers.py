"""``sync_queue.device_service``: user.* events keep the copy of possible device owners."""

from __future__ import annotations

from devices import services
from ems_common.events import Envelope, InvalidEvent, data_uuid, require

SYNC_SERVICE = "device_service"


def handle_event(event: Envelope) -> None:
    """Decode one user.* event and apply it (inside the consumer's transaction)."""
    user_id = data_uuid(event.data, "id")
    assert user_id is not None  # not nullable
    if event.type in ("user.created", "user.updated"):
        fields = {
            "username": require(event.data, "username", str),
            "role": require(event.data, "role", str),
        }
        services.apply_user_upsert(user_id, event.version, fields)
    elif event.type == "user.deleted":
        services.apply_user_deleted(user_id, event.version)
    else:
        raise InvalidEvent(f"unexpected event type {event.type!r} on the device sync queue")
