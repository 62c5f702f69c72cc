"""The fleet on one local day, for admins: its total, devices over their maximum, silent meters
and the biggest consumers — one SQL statement, whatever the number of devices.

- kWh of a device for the local day come from its UTC-hour totals inside the day, plus its raw
  readings in the partial hours at the day's edges (zones at :30 or :45 offsets): a reading
  counts in the day holding its instant, as everywhere else.
- ``hours_over``: the device's UTC hours inside the local day whose total is above its
  ``max_hourly_consumption_kwh`` (the hours alerts are raised for).
- silent: the device's latest reading (ever) is more than 3 of its reading intervals before
  now; a device that never sent a reading is silent too, with ``last_reading_at`` None. Silence
  is about now, not about the day asked for.
- top: the 10 devices with the most kWh that day (ties by name), devices with 0 kWh left out.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from monitoring.consumption.local_days import day_start
from monitoring.consumption.rollups import pieces

TOP_COUNT = 10
SILENT_AFTER_INTERVALS = 3

# Every device's UTC hours of the day: one range scan of the hour_start index; the raw readings of
# the edges (zones at :30/:45 only): one primary key range scan per device and edge, forced by the
# LATERAL aggregate; each device's latest reading: one backward probe of its primary key.
FLEET_SQL = """
WITH devices AS (
    SELECT id, name, max_hourly_consumption_kwh AS max_kwh, reading_interval_minutes
    FROM monitoring_device
), parts AS (
    SELECT h.device_id AS id, sum(h.kwh) AS kwh,
           count(*) FILTER (WHERE h.kwh > d.max_kwh) AS hours_over
    FROM unnest(%(hour_lo)s::timestamptz[], %(hour_hi)s::timestamptz[]) AS p(lo, hi)
    CROSS JOIN LATERAL (
        SELECT device_id, kwh FROM monitoring_hourly_consumption
        WHERE hour_start >= p.lo AND hour_start < p.hi
    ) AS h
    JOIN devices AS d ON d.id = h.device_id
    GROUP BY h.device_id
    UNION ALL
    SELECT d.id, s.kwh, 0
    FROM devices AS d
    CROSS JOIN unnest(%(raw_lo)s::timestamptz[], %(raw_hi)s::timestamptz[]) AS p(lo, hi)
    CROSS JOIN LATERAL (
        SELECT sum(r.value) AS kwh
        FROM monitoring_reading AS r
        WHERE r.device_id = d.id AND r.ts >= p.lo AND r.ts < p.hi
    ) AS s
), per_device AS (
    SELECT id, coalesce(sum(kwh), 0) AS kwh, sum(hours_over)::int AS hours_over
    FROM parts GROUP BY id
), latest AS (
    SELECT d.id, d.name, l.ts
    FROM devices AS d
    LEFT JOIN LATERAL (
        SELECT ts FROM monitoring_reading WHERE device_id = d.id ORDER BY ts DESC LIMIT 1
    ) AS l ON true
    WHERE l.ts IS NULL
       OR l.ts < %(now)s - d.reading_interval_minutes * %(silent_after)s * INTERVAL '1 minute'
)
SELECT
    (SELECT count(*) FROM devices),
    (SELECT coalesce(sum(kwh), 0) FROM per_device),
    (SELECT coalesce(json_agg(json_build_array(p.id, d.name, p.hours_over)
                              ORDER BY p.hours_over DESC, d.name, p.id), '[]')
     FROM per_device AS p JOIN devices AS d USING (id) WHERE p.hours_over > 0),
    (SELECT coalesce(json_agg(json_build_array(id, name, ts) ORDER BY ts NULLS FIRST, name, id),
                     '[]')
     FROM latest),
    (SELECT coalesce(json_agg(json_build_array(id, name, kwh::text) ORDER BY kwh DESC, name, id),
                     '[]')
     FROM (SELECT p.id, d.name, p.kwh FROM per_device AS p JOIN devices AS d USING (id)
           WHERE p.kwh > 0 ORDER BY p.kwh DESC, d.name, p.id LIMIT %(top)s) AS top)
"""


@dataclass(frozen=True)
class OverMax:
    device_id: uuid.UUID
    name: str
    hours_over: int


@dataclass(frozen=True)
class Silent:
    device_id: uuid.UUID
    name: str
    last_reading_at: datetime | None  # UTC


@dataclass(frozen=True)
class TopConsumer:
    device_id: uuid.UUID
    name: str
    kwh: Decimal


@dataclass(frozen=True)
class FleetDay:
    devices: int
    total: Decimal
    over_max: list[OverMax]
    silent: list[Silent]
    top: list[TopConsumer]


def fleet_day(day: date, zone: ZoneInfo, now: datetime | None = None) -> FleetDay:
    """Every device on the local ``day`` (see the module's docstring for the definitions)."""
    start, end = day_start(day, zone), day_start(day + timedelta(days=1), zone)
    ranges: dict[str, list[datetime]] = {"hour_lo": [], "hour_hi": [], "raw_lo": [], "raw_hi": []}
    for piece in pieces(start, end, days=False):  # hours_over needs the hours anyway
        ranges[f"{piece.table}_lo"].append(piece.lo)
        ranges[f"{piece.table}_hi"].append(piece.hi)
    params: dict[str, Any] = {
        **ranges,
        "now": now or datetime.now(UTC),
        "silent_after": SILENT_AFTER_INTERVALS,
        "top": TOP_COUNT,
    }
    with connection.cursor() as cursor:
        cursor.execute(FLEET_SQL, params)
        devices, total, over, silent, top = cursor.fetchone()
    return FleetDay(
        devices=devices,
        total=total,
        over_max=[OverMax(uuid.UUID(i), name, n) for i, name, n in loaded(over)],
        silent=[Silent(uuid.UUID(i), name, instant(ts)) for i, name, ts in loaded(silent)],
        top=[TopConsumer(uuid.UUID(i), name, Decimal(kwh)) for i, name, kwh in loaded(top)],
    )


def loaded(value: Any) -> list[list[Any]]:
    """A json_agg result: psycopg decodes json itself; text if the column came as text."""
    rows: list[list[Any]] = json.loads(value) if isinstance(value, str) else value
    return rows


def instant(value: object) -> datetime | None:
    if value is None:
        return None
    ts = datetime.fromisoformat(str(value))
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)
