"""Consumption of one device over local days: the hours of a day, and day totals over a range.

Local days come from ``zoneinfo``. Buckets are summed from the per-UTC-hour totals when every
bucket boundary is a whole UTC hour (a zone with a whole-hour offset on those dates, DST or not);
otherwise (Asia/Kolkata +5:30, Asia/Kathmandu +5:45, ...) from the raw readings. Either way a
reading counts in the bucket holding its instant, boundaries included at the start.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

ONE_HOUR = timedelta(hours=1)
MAX_RANGE_DAYS = 366

# width_bucket(x, bounds) = i when bounds[i] <= x < bounds[i+1] (1-based): the bucket's index.
HOURLY_BUCKETS_SQL = """
SELECT width_bucket(hour_start, %(bounds)s::timestamptz[]) AS bucket, sum(kwh)
FROM monitoring_hourly_consumption
WHERE device_id = %(device)s AND hour_start >= %(start)s AND hour_start < %(end)s
GROUP BY bucket
"""
RAW_BUCKETS_SQL = """
SELECT width_bucket(ts, %(bounds)s::timestamptz[]) AS bucket, sum(value)
FROM monitoring_reading
WHERE device_id = %(device)s AND ts >= %(start)s AND ts < %(end)s
GROUP BY bucket
"""


@dataclass(frozen=True)
class HourTotal:
    start: datetime  # local, with its offset
    kwh: Decimal


@dataclass(frozen=True)
class DayTotal:
    day: date
    kwh: Decimal


def day_start(day: date, zone: tzinfo) -> datetime:
    """The first instant of ``day`` in ``zone``, in UTC (a skipped local midnight moves it on)."""
    local = datetime(day.year, day.month, day.day, tzinfo=zone)
    return local.astimezone(UTC)


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


def bucket_sums(device_id: uuid.UUID, bounds: list[datetime]) -> list[Decimal]:
    """kWh of the device in each [bounds[i], bounds[i+1]): one indexed query."""
    aligned = all(b.minute == 0 and b.second == 0 and b.microsecond == 0 for b in bounds)
    sql = HOURLY_BUCKETS_SQL if aligned else RAW_BUCKETS_SQL
    params = {"bounds": bounds, "device": device_id, "start": bounds[0], "end": bounds[-1]}
    sums = [Decimal(0)] * (len(bounds) - 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for bucket, kwh in cursor.fetchall():
            sums[bucket - 1] = kwh
    return sums


def daily_hours(device_id: uuid.UUID, day: date, zone: ZoneInfo) -> list[HourTotal]:
    bounds = hour_bounds(day, zone)
    sums = bucket_sums(device_id, bounds)
    return [
        HourTotal(start=b.astimezone(zone), kwh=kwh)
        for b, kwh in zip(bounds[:-1], sums, strict=True)
    ]


def daily_totals(device_id: uuid.UUID, first: date, last: date, zone: ZoneInfo) -> list[DayTotal]:
    sums = bucket_sums(device_id, day_bounds(first, last, zone))
    return [DayTotal(day=first + timedelta(days=i), kwh=kwh) for i, kwh in enumerate(sums)]
