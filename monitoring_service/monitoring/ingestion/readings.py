"""Parsing meter readings from ``device_data_queue``: pure functions, no database, no broker.

A reading is a JSON object ``{"timestamp", "device_id", "measurement_value"}``; other keys are
ignored. Rules (also in README):

- ``timestamp``: a JSON number is epoch **milliseconds** when its magnitude is at least 10^11,
  otherwise epoch **seconds** (10^11 s is the year 5138, 10^11 ms is March 1973, so every date this
  system can see is unambiguous). A string must be ISO-8601 *with* a UTC offset (``Z`` or
  ``+02:00``). Accepted instants: 2000-01-01 up to (not including) 2100-01-01 UTC.
- ``device_id``: a UUID string.
- ``measurement_value``: a finite JSON number >= 0 (kWh in the interval ending at ``timestamp``),
  read exactly (no float on the way), rounded half-even to 6 decimal places, below 10^8.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

KWH_QUANTUM = Decimal("0.000001")
MAX_VALUE = Decimal("100000000")  # NUMERIC(14, 6) holds values below 10^8
MILLISECONDS_THRESHOLD = 10**11
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIELDS = ("timestamp", "device_id", "measurement_value")


class InvalidReading(ValueError):
    """A reading that can never be stored; ``str()`` is the reason for the dead-letter header."""


@dataclass(frozen=True, slots=True)
class Reading:
    device_id: uuid.UUID
    ts: datetime
    value: Decimal


def parse_reading(body: bytes) -> Reading:
    """The reading in a message body, or InvalidReading saying what is wrong with it."""
    try:
        data = _DECODER.decode(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidReading(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidReading(f"not a JSON object but {type(data).__name__}")
    missing = [name for name in FIELDS if name not in data]
    if missing:
        raise InvalidReading(f"missing field(s): {', '.join(missing)}")
    return Reading(
        device_id=parse_device_id(data["device_id"]),
        ts=parse_timestamp(data["timestamp"]),
        value=parse_value(data["measurement_value"]),
    )


def parse_device_id(raw: Any) -> uuid.UUID:
    if not isinstance(raw, str):
        raise InvalidReading(f"device_id: expected a UUID string, got {_json_type(raw)}")
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise InvalidReading(f"device_id: {raw[:60]!r} is not a UUID") from None


def parse_timestamp(raw: Any) -> datetime:
    if isinstance(raw, int) and not isinstance(raw, bool):
        ts = _from_epoch(Decimal(raw))
    elif isinstance(raw, Decimal):
        ts = _from_epoch(raw)
    elif isinstance(raw, str):
        ts = _from_iso(raw)
    else:
        raise InvalidReading(
            f"timestamp: expected epoch ms/s or an ISO-8601 string, got {_json_type(raw)}"
        )
    if not EARLIEST <= ts < LATEST:
        raise InvalidReading(f"timestamp: {ts.isoformat()} is outside 2000-01-01..2100-01-01")
    return ts


def parse_value(raw: Any) -> Decimal:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = Decimal(raw)
    if not isinstance(raw, Decimal):
        raise InvalidReading(f"measurement_value: expected a number, got {_json_type(raw)}")
    if not raw.is_finite():
        raise InvalidReading(f"measurement_value: {raw} is not a finite number")
    if raw < 0:
        raise InvalidReading(f"measurement_value: {raw} is negative")
    value = raw.quantize(KWH_QUANTUM, rounding=ROUND_HALF_EVEN) if raw < MAX_VALUE else raw
    if value >= MAX_VALUE:
        raise InvalidReading(f"measurement_value: {raw} is too large (limit 10^8 kWh)")
    return value


def utc_hour(ts: datetime) -> datetime:
    """The start of the UTC hour holding ``ts``."""
    return ts.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _from_epoch(raw: Decimal) -> datetime:
    if not raw.is_finite():
        raise InvalidReading(f"timestamp: {raw} is not a finite number")
    milliseconds = raw if abs(raw) >= MILLISECONDS_THRESHOLD else raw * 1000
    try:
        return EPOCH + timedelta(milliseconds=int(milliseconds)) + _sub_millisecond(milliseconds)
    except (OverflowError, InvalidOperation):
        raise InvalidReading(f"timestamp: {raw} is not a possible instant") from None


def _sub_millisecond(milliseconds: Decimal) -> timedelta:
    fraction = milliseconds - int(milliseconds)
    return timedelta(microseconds=int(fraction * 1000)) if fraction else timedelta(0)


def _from_iso(raw: str) -> datetime:
    try:
        ts = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidReading(f"timestamp: {raw[:60]!r} is not ISO-8601") from None
    if ts.utcoffset() is None:
        raise InvalidReading(f"timestamp: {raw[:60]!r} has no UTC offset")
    return ts.astimezone(UTC)


def _constant(name: str) -> Any:
    # json would turn NaN / Infinity into floats; keep them as Decimal so the checks name them.
    return Decimal(name)


# Fractions as Decimal: 0.1 stays exactly 0.1 (no float on the way); integers stay int.
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_constant)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (Decimal, int)):
        return "a number"
    return f"a JSON {'object' if isinstance(value, dict) else 'array'}"
