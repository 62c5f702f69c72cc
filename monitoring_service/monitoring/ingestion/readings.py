"""Parsing meter readings from ``device_data_queue``: pure functions, no database, no broker.

A reading is a JSON object ``{"timestamp", "device_id", "measurement_value"}`` or, from a meter
that reports its cumulative register, ``{"timestamp", "device_id", "energy_total_kwh"}`` (exactly
one of the two; monitoring.ingestion.registers turns registers into consumption); other keys are
ignored. Rules (also in README):

- ``timestamp``: a JSON number is epoch **milliseconds** when its magnitude is at least 10^11,
  otherwise epoch **seconds** (10^11 s is the year 5138, 10^11 ms is March 1973, so every date this
  system can see is unambiguous). A string must be ISO-8601 *with* a UTC offset (``Z`` or
  ``+02:00``). Accepted instants: 2000-01-01 up to (not including) 2100-01-01 UTC.
- ``device_id``: a UUID string.
- ``measurement_value``: a finite JSON number >= 0 (kWh in the interval ending at ``timestamp``),
  read exactly (no float on the way), rounded half-even to 6 decimal places, below 10^8.
- ``energy_total_kwh``: the register's reading in kWh, with the same rules.

The parser does as little per message as it can (it runs for every reading): a reading's device id
and value stay text, checked here and converted by PostgreSQL (``::uuid``, ``::numeric``), and only
the unusual forms (a UUID not in canonical form, a value with more than 6 decimals or an
exponent, a fractional timestamp) go through uuid.UUID and Decimal.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, NamedTuple

KWH_QUANTUM = Decimal("0.000001")
MAX_VALUE = Decimal("100000000")  # NUMERIC(14, 6) holds values below 10^8
MILLISECONDS_THRESHOLD = 10**11
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EARLIEST_MS = (EARLIEST - EPOCH) // timedelta(milliseconds=1)
LATEST_MS = (LATEST - EPOCH) // timedelta(milliseconds=1)
FIELDS = ("timestamp", "device_id")
VALUE_FIELD = "measurement_value"
REGISTER_FIELD = "energy_total_kwh"
# The text PostgreSQL's uuid and numeric(14, 6) take as they are: a canonical (lower-case) UUID;
# a JSON number below 10^8 with at most 6 decimals and no exponent (JSON has no leading zeros
# and no "+", so this is exactly the value, and it needs no rounding).
CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PLAIN_VALUE = re.compile(r"[0-9]{1,8}(?:\.[0-9]{1,6})?")


class InvalidReading(ValueError):
    """A reading that can never be stored; ``str()`` is the reason for the dead-letter header."""


class Reading(NamedTuple):
    """One reading. parse_reading gives ``device_id`` as canonical UUID text and ``value`` as the
    exact decimal text (at most 6 decimals); other callers may pass a UUID and a Decimal."""

    device_id: uuid.UUID | str
    ts: datetime
    value: Decimal | str


class RegisterReading(NamedTuple):
    """A meter's cumulative register at ``ts``: ``total`` kWh as exact decimal text (or Decimal)."""

    device_id: uuid.UUID | str
    ts: datetime
    total: Decimal | str


class NumberText(str):
    """A JSON number with a fraction or an exponent, as written in the message."""

    __slots__ = ()


def decode_object(body: bytes) -> dict[str, Any]:
    """A message body's JSON object (fractions as NumberText), or InvalidReading."""
    try:
        data = _DECODER.decode(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidReading(f"not JSON: {exc}") from None
    if type(data) is not dict:
        raise InvalidReading(f"not a JSON object but {type(data).__name__}")
    return data


def parse_reading(body: bytes) -> Reading | RegisterReading:
    """The reading in a message body, or InvalidReading saying what is wrong with it."""
    data = decode_object(body)
    try:
        raw_device, raw_ts = data["device_id"], data["timestamp"]
        raw_value = data[VALUE_FIELD]
    except KeyError:
        if REGISTER_FIELD in data and all(name in data for name in FIELDS):
            return _register(data)
        missing = [name for name in FIELDS if name not in data]
        if VALUE_FIELD not in data and REGISTER_FIELD not in data:
            missing.append(f"{VALUE_FIELD} (or {REGISTER_FIELD})")
        raise InvalidReading(f"missing field(s): {', '.join(missing)}") from None
    if REGISTER_FIELD in data:
        raise InvalidReading(
            f"{VALUE_FIELD} and {REGISTER_FIELD}: a reading has exactly one of them"
        )
    return Reading(parse_device_id(raw_device), parse_timestamp(raw_ts), parse_value(raw_value))


def _register(data: dict[str, Any]) -> RegisterReading:
    return RegisterReading(
        parse_device_id(data["device_id"]),
        parse_timestamp(data["timestamp"]),
        parse_value(data[REGISTER_FIELD], REGISTER_FIELD),
    )


def parse_device_id(raw: Any) -> str:
    """The device id as canonical UUID text (lower case, hyphens)."""
    if type(raw) is not str:
        raise InvalidReading(f"device_id: expected a UUID string, got {_json_type(raw)}")
    if CANONICAL_UUID.fullmatch(raw):
        return raw
    try:
        return str(uuid.UUID(raw))  # upper case, braces, urn:uuid:, no hyphens
    except ValueError:
        raise InvalidReading(f"device_id: {raw[:60]!r} is not a UUID") from None


def parse_timestamp(raw: Any) -> datetime:
    raw_type = type(raw)
    if raw_type is int:
        # Whole milliseconds or seconds: integer arithmetic, exact.
        milliseconds = raw if abs(raw) >= MILLISECONDS_THRESHOLD else raw * 1000
        if EARLIEST_MS <= milliseconds < LATEST_MS:
            return EPOCH + timedelta(milliseconds=milliseconds)
        ts = _from_epoch(Decimal(raw))
    elif raw_type is NumberText or raw_type is Decimal:
        ts = _from_epoch(Decimal(raw))
    elif raw_type is str:
        ts = _from_iso(raw)
    else:
        raise InvalidReading(
            f"timestamp: expected epoch ms/s or an ISO-8601 string, got {_json_type(raw)}"
        )
    if not EARLIEST <= ts < LATEST:
        raise InvalidReading(f"timestamp: {ts.isoformat()} is outside 2000-01-01..2100-01-01")
    return ts


def parse_value(raw: Any, field: str = VALUE_FIELD) -> str:
    """The value as exact decimal text with at most 6 decimals, below 10^8."""
    raw_type = type(raw)
    if raw_type is NumberText and PLAIN_VALUE.fullmatch(raw):
        return str.__str__(raw)  # exact as written, nothing to round
    if raw_type is int and 0 <= raw < MAX_VALUE:
        return str(raw)
    return str(_rounded(raw, field))


def _rounded(raw: Any, field: str) -> Decimal:
    """Any other value: through Decimal, rounded half-even, or the reason it is refused."""
    raw_type = type(raw)
    if raw_type is int or raw_type is NumberText:
        raw = Decimal(raw)
    if type(raw) is not Decimal:
        raise InvalidReading(f"{field}: expected a number, got {_json_type(raw)}")
    if not raw.is_finite():
        raise InvalidReading(f"{field}: {raw} is not a finite number")
    if raw < 0:
        raise InvalidReading(f"{field}: {raw} is negative")
    value = raw.quantize(KWH_QUANTUM, rounding=ROUND_HALF_EVEN) if raw < MAX_VALUE else raw
    if value >= MAX_VALUE:
        raise InvalidReading(f"{field}: {raw} is too large (limit 10^8 kWh)")
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


# Fractions as their text (NumberText): 0.1 stays exactly 0.1, no float and no Decimal on the
# way; integers stay int.
_DECODER = json.JSONDecoder(parse_float=NumberText, parse_constant=_constant)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (NumberText, Decimal, int)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return f"a JSON {'object' if isinstance(value, dict) else 'array'}"
