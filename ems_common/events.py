"""The envelope every event carries, on ``ems.sync`` and ``ems.alerts`` alike.

``{"event_id": uuid, "type": "user.created", "version": int, "occurred_at": ISO-8601 UTC,
"source": "auth_service", "data": {...}}``; what ``data`` holds for each type is in
``ems_common.contracts``.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, TypeVar, overload

T = TypeVar("T")


class InvalidEvent(ValueError):
    """A message that can never be applied; consumers dead-letter it with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Envelope:
    event_id: uuid.UUID
    type: str
    version: int
    occurred_at: dt.datetime
    source: str
    data: dict[str, Any]


def make_envelope(
    type: str,
    data: dict[str, Any],
    *,
    version: int,
    source: str,
    event_id: uuid.UUID | None = None,
    occurred_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """A JSON-safe envelope: UUIDs and datetimes become strings, Decimals become numbers."""
    if not type:
        raise ValueError("event type is required")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ValueError(f"version must be a non-negative integer, not {version!r}")
    occurred_at = occurred_at or dt.datetime.now(dt.UTC)
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    return {
        "event_id": str(event_id or uuid.uuid4()),
        "type": type,
        "version": version,
        "occurred_at": _utc_iso(occurred_at),
        "source": source,
        "data": json_safe(data),
    }


def json_safe(value: Any) -> Any:
    """``value`` with UUIDs, Decimals, datetimes and dates turned into JSON types."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        # Amounts such as max_hourly_consumption_kwh travel as JSON numbers, as they always have.
        return float(value)
    if isinstance(value, dt.datetime):
        return _utc_iso(value) if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def encode_envelope(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, separators=(",", ":")).encode()


def parse_envelope(body: bytes) -> Envelope:
    """The envelope in ``body``; raises InvalidEvent saying what is wrong with it."""
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidEvent(f"not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise InvalidEvent(f"envelope must be a JSON object, not {type(raw).__name__}")
    event_id = _uuid(require(raw, "event_id", str), "event_id")
    event_type = require(raw, "type", str)
    if not event_type:
        raise InvalidEvent("type must not be empty")
    version = require(raw, "version", int)
    if version < 0:
        raise InvalidEvent(f"version must not be negative, got {version}")
    return Envelope(
        event_id=event_id,
        type=event_type,
        version=version,
        occurred_at=_aware_datetime(require(raw, "occurred_at", str)),
        source=require(raw, "source", str),
        data=require(raw, "data", dict),
    )


@overload
def require(
    data: dict[str, Any], name: str, kind: type[T], *, nullable: Literal[False] = False
) -> T: ...
@overload
def require(data: dict[str, Any], name: str, kind: type[T], *, nullable: bool) -> T | None: ...
def require(data: dict[str, Any], name: str, kind: type[T], *, nullable: bool = False) -> T | None:
    """``data[name]`` if present and of type ``kind`` (None allowed when ``nullable``)."""
    if name not in data:
        raise InvalidEvent(f"{name} is missing")
    value = data[name]
    if value is None and nullable:
        return None
    # bool is an int in Python, but never a valid count or version.
    wrong_bool = isinstance(value, bool) and kind is not bool
    if wrong_bool or not isinstance(value, kind):
        raise InvalidEvent(f"{name} must be {_kind_name(kind)}, not {json_type_name(value)}")
    return value


def _uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidEvent(f"{name} is not a UUID: {value!r}") from None


def _aware_datetime(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidEvent(f"occurred_at is not an ISO-8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise InvalidEvent("occurred_at has no UTC offset")
    return parsed.astimezone(dt.UTC)


def _utc_iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _kind_name(kind: type) -> str:
    return _TYPE_NAMES.get(kind, kind.__name__)


def json_type_name(value: Any) -> str:
    """How JSON would call ``value``'s type: "a string", "null", ..."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


_TYPE_NAMES: dict[type, str] = {
    type(None): "null",
    bool: "a boolean",
    str: "a string",
    int: "an integer",
    float: "a number",
    dict: "an object",
    list: "an array",
}
