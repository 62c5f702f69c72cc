"""``sync_queue.monitoring_service``: user.* and device.* events, decoded and applied."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ems_common.events import Envelope, InvalidEvent, data_decimal, data_uuid, require
from monitoring.sync import services as sync_services

SYNC_SERVICE = "monitoring_service"
MAX_KWH_LIMIT = Decimal(10**9)  # what Device.max_hourly_consumption_kwh (12 digits, 3 places) holds


def handle_event(event: Envelope) -> None:
    """Apply one event (inside the consumer's transaction); InvalidEvent dead-letters it."""
    handler = HANDLERS.get(event.type)
    if handler is None:
        raise InvalidEvent(f"unexpected event type {event.type!r} on the monitoring sync queue")
    entity_id = data_uuid(event.data, "id")
    assert entity_id is not None  # not nullable
    handler(entity_id, event)


def _user_upsert(user_id: uuid.UUID, event: Envelope) -> None:
    sync_services.apply_user_upsert(user_id, event.version, user_fields(event.data))


def _user_deleted(user_id: uuid.UUID, event: Envelope) -> None:
    sync_services.apply_user_deleted(user_id, event.version)


def _device_upsert(device_id: uuid.UUID, event: Envelope) -> None:
    sync_services.apply_device_upsert(device_id, event.version, device_fields(event.data))


def _device_deleted(device_id: uuid.UUID, event: Envelope) -> None:
    sync_services.apply_device_deleted(device_id, event.version)


def user_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "username": require(data, "username", str),
        "role": require(data, "role", str),
        "full_name": _optional_text(data, "full_name"),
        "email": _optional_text(data, "email"),
    }


def device_fields(data: dict[str, Any]) -> dict[str, Any]:
    name = require(data, "name", str)
    if not name:
        raise InvalidEvent("name must not be empty")
    maximum = data_decimal(data, "max_hourly_consumption_kwh")
    assert maximum is not None  # not nullable
    if not 0 < maximum < MAX_KWH_LIMIT:
        raise InvalidEvent(f"max_hourly_consumption_kwh must be in (0, 10^9), got {maximum}")
    return {
        "name": name,
        "description": _optional_text(data, "description"),
        "address": _optional_text(data, "address"),
        "owner_id": data_uuid(data, "owner_id", nullable=True),
        "max_hourly_consumption_kwh": maximum.quantize(Decimal("0.001")),
    }


def _optional_text(data: dict[str, Any], name: str) -> str:
    """A text field that older publishers may leave out or send as null."""
    if data.get(name) is None:
        return ""
    return require(data, name, str)


HANDLERS: dict[str, Callable[[uuid.UUID, Envelope], None]] = {
    "user.created": _user_upsert,
    "user.updated": _user_upsert,
    "user.deleted": _user_deleted,
    "device.created": _device_upsert,
    "device.updated": _device_upsert,
    "device.deleted": _device_deleted,
}
