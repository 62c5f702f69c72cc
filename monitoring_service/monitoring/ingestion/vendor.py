"""The payloads of two kinds of DIY meter, read as cumulative register readings.

A meter key may publish under its device's subtree (ems_common.messaging.topology,
``METER_TOPICS``); the topic says which payload it is, and the device id is the one in the
topic (these payloads name none). Both are registers, so they take the RegisterReading path
(monitoring.ingestion.registers): ordering, duplicates, resets and gaps stay exact.

- Tasmota, ``ems/meters/<id>/tele/SENSOR``: ``{"Time": ..., "ENERGY": {"Total": <kWh>, ...}}``.
  ``Time`` must carry a UTC offset: Tasmota writes local time without one unless the device has
  ``SetOption52 1``, and its zone cannot be known here, so such a reading is refused with that
  advice rather than guessed.
- Shelly Gen2, ``ems/meters/<id>/status/switch:0``: a switch's status,
  ``{"aenergy": {"total": <Wh>, "minute_ts": <unix seconds>, ...}, ...}``. ``total`` is Wh,
  divided by 1000 exactly; ``minute_ts`` (the start of the minute the status is of) is the
  instant when given, else the time the reading is parsed here (its arrival).

Pure functions, no database: every bad field is an InvalidReading naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from monitoring.ingestion.readings import (
    EARLIEST_MS,
    EPOCH,
    LATEST_MS,
    MAX_VALUE,
    InvalidReading,
    NumberText,
    RegisterReading,
    _json_type,
    decode_object,
    parse_timestamp,
    parse_value,
)

TASMOTA = "tasmota"
SHELLY = "shelly"
NO_OFFSET = (
    "Time: {raw!r} has no UTC offset: Tasmota sends local time unless SetOption52 is on;"
    " enter `SetOption52 1` in the device's console (its zone cannot be known here)"
)


def parse_vendor_reading(
    meter_format: str,
    device_id: str,
    body: bytes,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> RegisterReading:
    """The register reading in a Tasmota or Shelly payload for ``device_id`` (canonical UUID
    text, from the topic), or InvalidReading naming the field at fault."""
    data = decode_object(body)
    if meter_format == TASMOTA:
        return _tasmota(device_id, data)
    if meter_format == SHELLY:
        return _shelly(device_id, data, now)
    raise ValueError(f"not a vendor payload format: {meter_format!r}")


def _tasmota(device_id: str, data: dict[str, Any]) -> RegisterReading:
    energy = data.get("ENERGY")
    if energy is None:
        sensors = ", ".join(sorted(k for k in data if k != "Time"))[:120] or "nothing"
        raise InvalidReading(
            f"ENERGY: missing (this SENSOR message holds {sensors}): not an energy meter's"
        )
    if type(energy) is not dict:
        raise InvalidReading(f"ENERGY: expected an object, got {_json_type(energy)}")
    if "Total" not in energy:
        raise InvalidReading("ENERGY.Total: missing")
    total = energy["Total"]
    if type(total) is list:
        raise InvalidReading(
            "ENERGY.Total: an array (one total per channel); only a single-channel meter's"
            " Total is taken"
        )
    if type(total) is str:
        raise InvalidReading("ENERGY.Total: expected a number (kWh), got a string")
    if "Time" not in data:
        raise InvalidReading("Time: missing")
    raw_time = data["Time"]
    if type(raw_time) is not str:
        raise InvalidReading(f"Time: expected an ISO-8601 string, got {_json_type(raw_time)}")
    try:
        parsed = datetime.fromisoformat(raw_time)
    except ValueError:
        raise InvalidReading(f"Time: {raw_time[:60]!r} is not ISO-8601") from None
    if parsed.utcoffset() is None:
        raise InvalidReading(NO_OFFSET.format(raw=raw_time[:60]))
    ts = _renamed("Time", lambda: parse_timestamp(raw_time))
    return RegisterReading(device_id, ts, parse_value(total, "ENERGY.Total"))


def _shelly(device_id: str, data: dict[str, Any], now: Callable[[], datetime]) -> RegisterReading:
    if "aenergy" not in data:
        raise InvalidReading("aenergy: missing (not the status of a switch that meters energy)")
    energy = data["aenergy"]
    if type(energy) is not dict:
        raise InvalidReading(f"aenergy: expected an object, got {_json_type(energy)}")
    if "total" not in energy:
        raise InvalidReading("aenergy.total: missing")
    total = _watt_hours_in_kwh(energy["total"])
    minute_ts = energy.get("minute_ts")
    ts = now().astimezone(UTC) if minute_ts is None else _unix_seconds(minute_ts)
    return RegisterReading(device_id, ts, parse_value(total, "aenergy.total"))


def _watt_hours_in_kwh(raw: Any) -> Decimal:
    """Wh as exact kWh (a shift of the decimal point: no rounding on the way)."""
    if type(raw) is not int and type(raw) is not NumberText and type(raw) is not Decimal:
        raise InvalidReading(f"aenergy.total: expected a number (Wh), got {_json_type(raw)}")
    value = Decimal(raw)
    if not value.is_finite():
        raise InvalidReading(f"aenergy.total: {raw} is not a finite number")
    if value < 0:
        raise InvalidReading(f"aenergy.total: {raw} Wh is negative")
    if value >= MAX_VALUE * 1000:
        raise InvalidReading(f"aenergy.total: {raw} Wh is too large (limit 10^11 Wh)")
    return value.scaleb(-3)


def _unix_seconds(raw: Any) -> datetime:
    """Unix seconds (never milliseconds: Shelly sends seconds), in 2000..2100."""
    if type(raw) is not int and type(raw) is not NumberText and type(raw) is not Decimal:
        raise InvalidReading(f"aenergy.minute_ts: expected unix seconds, got {_json_type(raw)}")
    milliseconds = Decimal(raw) * 1000
    if not milliseconds.is_finite() or not EARLIEST_MS <= milliseconds < LATEST_MS:
        raise InvalidReading(f"aenergy.minute_ts: {raw} is outside 2000-01-01..2100-01-01")
    return EPOCH + timedelta(microseconds=int(milliseconds * 1000))


def _renamed(field: str, parse: Callable[[], datetime]) -> datetime:
    """``parse()``, its InvalidReading naming ``field`` instead of ``timestamp``."""
    try:
        return parse()
    except InvalidReading as exc:
        raise InvalidReading(str(exc).replace("timestamp:", f"{field}:", 1)) from None
