"""kWh and reading counts of one device over any buckets, from the rollups, in one query.

Each bucket [a, b) is composed of the UTC days wholly inside it (``monitoring_daily_consumption``),
the whole UTC hours left over (``monitoring_hourly_consumption``), and, only where a bound is not
a whole UTC hour (zones at :30 or :45 offsets), the raw readings of the partial hours at its edges
(``monitoring_reading``). The pieces of a bucket are disjoint and cover it exactly, so a reading
counts once, in the bucket holding its instant (boundaries included at the start). A year costs
about 365 day rows plus a few dozen hour rows, where the hours alone would be 8,760.

Every piece is a range of one table's primary key (device_id, start): one SQL statement joins the
``unnest``-ed ranges to each table by index range scan and groups the rows by bucket.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.db import connection

from monitoring.consumption.buckets import DeviceNotVisible

ONE_HOUR = timedelta(hours=1)
ONE_DAY = timedelta(days=1)

Table = Literal["day", "hour", "raw"]

RANGES = "unnest(%({t}_lo)s::timestamptz[], %({t}_hi)s::timestamptz[], %({t}_bucket)s::int[])"
ROLLUP_SQL = f"""
WITH device AS (
    SELECT id, reading_interval_minutes
    FROM monitoring_device
    WHERE id = %(device)s AND (%(owner)s::uuid IS NULL OR owner_id = %(owner)s::uuid)
), parts AS (
    SELECT r.bucket, c.kwh, c.readings
    FROM {RANGES.format(t="day")} AS r(lo, hi, bucket)
    JOIN monitoring_daily_consumption AS c
      ON c.device_id = %(device)s AND c.day_start >= r.lo AND c.day_start < r.hi
    UNION ALL
    SELECT r.bucket, c.kwh, c.readings
    FROM {RANGES.format(t="hour")} AS r(lo, hi, bucket)
    JOIN monitoring_hourly_consumption AS c
      ON c.device_id = %(device)s AND c.hour_start >= r.lo AND c.hour_start < r.hi
    UNION ALL
    SELECT r.bucket, c.value, 1
    FROM {RANGES.format(t="raw")} AS r(lo, hi, bucket)
    JOIN monitoring_reading AS c
      ON c.device_id = %(device)s AND c.ts >= r.lo AND c.ts < r.hi
), totals AS (
    SELECT bucket, sum(kwh) AS kwh, sum(readings) AS readings FROM parts GROUP BY bucket
)
SELECT d.reading_interval_minutes,
       (SELECT max(ts) FROM monitoring_reading
        WHERE device_id = d.id AND ts >= %(last_from)s AND ts < %(last_to)s),
       t.bucket, t.kwh, t.readings
FROM device AS d
LEFT JOIN totals AS t ON true
"""


@dataclass(frozen=True)
class Piece:
    table: Table
    lo: datetime
    hi: datetime


@dataclass(frozen=True)
class Sums:
    kwh: list[Decimal]  # one per bucket
    readings: list[int]
    interval_minutes: int  # the device's reading interval
    last_reading_at: datetime | None  # the latest reading in [last_from, last_to), UTC


def floor_to(ts: datetime, step: timedelta) -> datetime:
    utc = ts.astimezone(UTC)
    if step == ONE_DAY:
        return utc.replace(hour=0, minute=0, second=0, microsecond=0)
    return utc.replace(minute=0, second=0, microsecond=0)


def ceil_to(ts: datetime, step: timedelta) -> datetime:
    floor = floor_to(ts, step)
    return floor if floor == ts else floor + step


def pieces(lo: datetime, hi: datetime) -> list[Piece]:
    """Disjoint ranges of the rollup tables and the readings that together cover [lo, hi)."""
    if lo >= hi:
        return []
    hour_lo, hour_hi = ceil_to(lo, ONE_HOUR), floor_to(hi, ONE_HOUR)
    if hour_lo >= hour_hi:  # inside one UTC hour (or two partial ones): the readings
        return [Piece("raw", lo, hi)]
    result = []
    if lo < hour_lo:
        result.append(Piece("raw", lo, hour_lo))
    day_lo, day_hi = ceil_to(hour_lo, ONE_DAY), floor_to(hour_hi, ONE_DAY)
    if day_lo < day_hi:
        if hour_lo < day_lo:
            result.append(Piece("hour", hour_lo, day_lo))
        result.append(Piece("day", day_lo, day_hi))
        if day_hi < hour_hi:
            result.append(Piece("hour", day_hi, hour_hi))
    else:
        result.append(Piece("hour", hour_lo, hour_hi))
    if hour_hi < hi:
        result.append(Piece("raw", hour_hi, hi))
    return result


def rollup_sums(
    device_id: uuid.UUID,
    ranges: list[tuple[datetime, datetime]],
    last_reading_in: tuple[datetime, datetime],
    owner_id: uuid.UUID | None = None,
) -> Sums:
    """kWh and readings of the device in each [lo, hi) of ``ranges``, in one query.

    Also the device's interval and its latest reading in ``last_reading_in``. ``owner_id``: only
    a device of that owner counts as found (None: any device). DeviceNotVisible otherwise.
    """
    bounds: dict[str, list[datetime]] = {}
    buckets: dict[str, list[int]] = {}
    for table in ("day", "hour", "raw"):
        bounds[f"{table}_lo"], bounds[f"{table}_hi"], buckets[f"{table}_bucket"] = [], [], []
    for index, (lo, hi) in enumerate(ranges):
        for piece in pieces(lo, hi):
            bounds[f"{piece.table}_lo"].append(piece.lo)
            bounds[f"{piece.table}_hi"].append(piece.hi)
            buckets[f"{piece.table}_bucket"].append(index)
    params: dict[str, Any] = {
        "device": device_id,
        "owner": owner_id,
        "last_from": last_reading_in[0],
        "last_to": last_reading_in[1],
        **bounds,
        **buckets,
    }
    with connection.cursor() as cursor:
        cursor.execute(ROLLUP_SQL, params)
        rows = cursor.fetchall()
    if not rows:
        raise DeviceNotVisible()
    kwh = [Decimal(0)] * len(ranges)
    readings = [0] * len(ranges)
    for _interval, _last, bucket, bucket_kwh, bucket_readings in rows:
        if bucket is not None:  # None: the device has no readings in any range
            kwh[bucket] = bucket_kwh
            readings[bucket] = int(bucket_readings)
    interval, last = rows[0][0], rows[0][1]
    return Sums(kwh, readings, interval, last)
