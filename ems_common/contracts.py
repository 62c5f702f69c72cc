"""The events EMS services send each other: one typed model per type, in one registry.

Producers build a model and hand it to ``ems_common.outbox.services.publish_event``; consumers
get it back from ``decode`` (through ``ems_common.messaging.sync.SyncHandlers``), validated once,
so no service re-reads an event's ``data`` by hand. The wire format is the envelope of
``ems_common.events`` with ``data`` = the model's fields, in declaration order. Fields a newer
publisher adds are ignored, so a consumer keeps working while publishers move ahead.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Self, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from ems_common.auth import ROLES
from ems_common.events import Envelope, InvalidEvent, json_safe, json_type_name
from ems_common.messaging.topology import ALERTS_EXCHANGE, SYNC_EXCHANGE

# Older publishers leave these out or send null; both mean "empty".
OptionalText = Annotated[str, BeforeValidator(lambda value: "" if value is None else value)]
NonEmptyText = Annotated[str, Field(min_length=1)]
# What Device.max_hourly_consumption_kwh (12 digits, 3 places) holds, in both services.
Kwh = Annotated[Decimal, Field(gt=0, lt=10**9, allow_inf_nan=False)]
# Minutes between two readings of a meter (Device.reading_interval_minutes, in both services).
IntervalMinutes = Annotated[int, Field(ge=1, le=1440)]
DEFAULT_READING_INTERVAL_MINUTES = 10
# The payload a device's meter sends (Device.meter_format, in both services): our JSON (either
# form), Tasmota's tele/SENSOR, a Shelly Gen2 switch's status. One topic each (METER_TOPICS).
MeterFormat = Literal["ems", "tasmota", "shelly"]
METER_FORMATS: tuple[str, ...] = get_args(MeterFormat)
DEFAULT_METER_FORMAT: MeterFormat = "ems"


class Event(BaseModel):
    """An event's ``data``; ``type`` is its routing key on ``exchange``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: ClassVar[str]
    exchange: ClassVar[str] = SYNC_EXCHANGE

    @classmethod
    def of(cls, instance: object) -> Self:
        """The event read from ``instance``'s attributes of the same names (a Django model)."""
        return cls.model_validate(instance, from_attributes=True)

    def data(self) -> dict[str, Any]:
        """The JSON ``data`` of the envelope (UUIDs as strings, amounts as numbers)."""
        result: dict[str, Any] = json_safe(self.model_dump())
        return result


class _UserState(Event):
    """A user as auth_service holds it; ``role`` is one of ``ems_common.auth.ROLES``."""

    id: uuid.UUID
    username: NonEmptyText
    role: str
    full_name: OptionalText = ""
    email: OptionalText = ""

    @field_validator("role")
    @classmethod
    def _known_role(cls, role: str) -> str:
        if role not in ROLES:
            raise ValueError(f"must be one of {', '.join(ROLES)}, not {role!r}")
        return role


class _DeviceState(Event):
    """A device's full state (``address`` too: monitoring serves the whole device shape)."""

    id: uuid.UUID
    name: NonEmptyText
    description: OptionalText = ""
    address: OptionalText = ""
    owner_id: uuid.UUID | None
    max_hourly_consumption_kwh: Kwh
    # Older publishers leave it out: the default interval.
    reading_interval_minutes: IntervalMinutes = DEFAULT_READING_INTERVAL_MINUTES
    # Older publishers leave it out: our own JSON.
    meter_format: MeterFormat = DEFAULT_METER_FORMAT

    @field_validator("max_hourly_consumption_kwh")
    @classmethod
    def _three_places(cls, kwh: Decimal) -> Decimal:
        return kwh.quantize(Decimal("0.001"))


# The device shape: what device.* events carry, and what device_service and monitoring's copy
# serve (device_service adds its timestamps).
DEVICE_FIELDS: tuple[str, ...] = tuple(_DeviceState.model_fields)


class _Deleted(Event):
    """The entity is gone; its id is all that travels."""

    id: uuid.UUID


class UserCreated(_UserState):
    type = "user.created"


class UserUpdated(_UserState):
    type = "user.updated"


class UserDeleted(_Deleted):
    type = "user.deleted"


class DeviceCreated(_DeviceState):
    type = "device.created"


class DeviceUpdated(_DeviceState):
    type = "device.updated"


class DeviceDeleted(_Deleted):
    type = "device.deleted"


class AlertShape(BaseModel):
    """monitoring's API shape of an alert, as its WebSocket pushes it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    device_id: uuid.UUID
    device_name: str
    # Whose device it was when raised; absent from events published before they were added.
    owner_id: uuid.UUID | None = None
    owner_username: str | None = None
    hour_start: dt.datetime
    kwh: Decimal
    max_kwh: Decimal
    created_at: dt.datetime
    read_at: dt.datetime | None = None


class AlertRaised(Event):
    """An hour went over its device's maximum; ``owner_id`` is whom to tell (with the admins)."""

    type = "alert.overconsumption"
    exchange = ALERTS_EXCHANGE

    owner_id: uuid.UUID | None
    alert: AlertShape


EVENT_TYPES: dict[str, type[Event]] = {
    event.type: event
    for event in (
        UserCreated,
        UserUpdated,
        UserDeleted,
        DeviceCreated,
        DeviceUpdated,
        DeviceDeleted,
        AlertRaised,
    )
}


def event_class(event_type: str) -> type[Event]:
    """The model of ``event_type``; InvalidEvent for a type EMS does not have."""
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise InvalidEvent(f"unknown event type {event_type!r}") from None


def decode(envelope: Envelope) -> Event:
    """The typed event in ``envelope``; InvalidEvent naming each field at fault."""
    model = event_class(envelope.type)
    try:
        return model.model_validate(envelope.data)
    except ValidationError as exc:
        raise InvalidEvent("; ".join(_reason(error) for error in exc.errors())) from None


def _reason(error: ErrorDetails) -> str:
    """``<field> <what is wrong>``, in the words the consumers have always used."""
    field = ".".join(str(part) for part in error["loc"]) or "data"
    value = error.get("input")
    kind = json_type_name(value)
    phrases = {
        "missing": "is missing",
        "string_type": f"must be a string, not {kind}",
        "uuid_type": f"must be a string, not {kind}",
        "uuid_parsing": f"is not a UUID: {value!r}",
        "string_too_short": "must not be empty",
        "decimal_type": f"must be a number, not {kind}",
        "decimal_parsing": f"must be a number, not {value!r}",
        "finite_number": "must be a finite number",
    }
    if error["type"] == "value_error":
        return f"{field} {error.get('ctx', {}).get('error')}"
    if error["type"] in phrases:
        return f"{field} {phrases[error['type']]}"
    return f"{field}: {error['msg']}"
