"""Consumption of one device over local days: the hours of a day, and day totals over a range.

Local days come from ``zoneinfo``. Buckets are summed from the per-UTC-hour totals when every
bucket boundary is a whole UTC hour (a zone with a whole-hour offset on those dates, DST or not);
otherwise (Asia/Kolkata +5:30, Asia/Kathmandu +5:45, ...) from their quarter-hours (the view
``monitoring_quarter_consumption``: every zone offset in use is a whole quarter-hour), and only
for a bound that is not even that from the raw readings. Either way a reading counts in the
bucket holding its instant, boundaries included at the start.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from ems_common.exceptions import NotFound
from monitoring.consumption.local_days import day_start

ONE_HOUR = timedelta(hours=1)
MAX_RANGE_DAYS = 366

# One round trip: the device row (absent if unknown or not the caller's) and its buckets.
# width_bucket(x, bounds) = i when bounds[i] <= x < bounds[i+1] (1-based): the bucket's index.
BUCKETS_SQL = """
SELECT b.bucket, b.kwh
FROM monitoring_device AS d
LEFT JOIN LATERAL (
    SELECT width_bucket({column}, %(bounds)s::timestamptz[]) AS bucket, sum({value}) AS kwh
    FROM {table}
    WHERE device_id = d.id AND {column} >= %(start)s AND {column} < %(end)s{extra}
    GROUP BY bucket
) AS b ON true
WHERE d.id = %(device)s AND (%(owner)s::uuid IS NULL OR d.owner_id = %(owner)s::uuid)
"""
HOURLY_BUCKETS_SQL = BUCKETS_SQL.format(
    table="monitoring_hourly_consumption", column="hour_start", value="kwh", extra=""
)
# The hours holding the quarter-hours of the range bound too: a range of the hourly primary key.
QUARTER_BUCKETS_SQL = BUCKETS_SQL.format(
    table="monitoring_quarter_consumption",
    column="quarter_start",
    value="kwh",
    extra="\n      AND hour_start > %(start)s - INTERVAL '1 hour' AND hour_start < %(end)s",
)
RAW_BUCKETS_SQL = BUCKETS_SQL.format(
    table="monitoring_reading_kwh", column="ts", value="value", extra=""
)


class DeviceNotVisible(NotFound):
    """No such device, or it belongs to someone else (the caller cannot tell which)."""


@dataclass(frozen=True)
class HourTotal:
    start: datetime  # local, with its offset
    kwh: Decimal


@dataclass(frozen=True)
class DayTotal:
    day: date
    kwh: Decimal


def hour_bounds(day: date, zone: tzinfo) -> list[datetime]:
    """UTC instants splitting the local day into its hours (23, 24 or 25 buckets), end included."""
    start, end = day_start(day, zone), day_start(day + timedelta(days=1), zone)
    bounds = [start]
    while bounds[-1] + ONE_HOUR < end:
        bounds.append(bounds[-1] + ONE_HOUR)
    bounds.append(end)
    return bounds


def day_bounds(first: date, last: date, zone: tzinfo) -> list[datetime]:
    days = (last - first).days + 1
    return [day_start(first + timedelta(days=i), zone) for i in range(days + 1)]


def bucket_sums(
    device_id: uuid.UUID, bounds: list[datetime], owner_id: uuid.UUID | None = None
) -> list[Decimal]:
    """kWh of the device in each [bounds[i], bounds[i+1]), in one indexed query.

    ``owner_id``: only a device of that owner counts as found (None: any device, for admins).
    DeviceNotVisible when there is no such device.
    """
    if all(b.second == 0 and b.microsecond == 0 and b.minute == 0 for b in bounds):
        sql = HOURLY_BUCKETS_SQL
    elif all(b.second == 0 and b.microsecond == 0 and b.minute % 15 == 0 for b in bounds):
        sql = QUARTER_BUCKETS_SQL
    else:
        sql = RAW_BUCKETS_SQL
    params: dict[str, list[datetime] | datetime | uuid.UUID | None] = {
        "bounds": bounds,
        "device": device_id,
        "owner": owner_id,
        "start": bounds[0],
        "end": bounds[-1],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        raise DeviceNotVisible()
    sums = [Decimal(0)] * (len(bounds) - 1)
    for bucket, kwh in rows:
        if bucket is not None:  # None: the device exists, without readings in the period
            sums[bucket - 1] = kwh
    return sums


def daily_hours(
    device_id: uuid.UUID, day: date, zone: ZoneInfo, owner_id: uuid.UUID | None = None
) -> list[HourTotal]:
    bounds = hour_bounds(day, zone)
    sums = bucket_sums(device_id, bounds, owner_id)
    return [
        HourTotal(start=b.astimezone(zone), kwh=kwh)
        for b, kwh in zip(bounds[:-1], sums, strict=True)
    ]


def daily_totals(
    device_id: uuid.UUID, first: date, last: date, zone: ZoneInfo, owner_id: uuid.UUID | None = None
) -> list[DayTotal]:
    sums = bucket_sums(device_id, day_bounds(first, last, zone), owner_id)
    return [DayTotal(day=first + timedelta(days=i), kwh=kwh) for i, kwh in enumerate(sums)]
