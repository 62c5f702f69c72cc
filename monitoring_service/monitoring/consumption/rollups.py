"""kWh and reading counts of one device over any buckets, from the rollups, in one query.

Each bucket [a, b) is composed of UTC days (``monitoring_daily_consumption``) and UTC hours
(``monitoring_hourly_consumption``), hours added or, where a bucket takes most of a UTC day,
subtracted from that day (the fewest rows), and, only where a bound is not a whole UTC hour
(zones at :30 or :45 offsets), the quarter-hours of the partial hours at its edges (the hourly
rows' first three quarter-hours, the view ``monitoring_quarter_consumption``), which outlive the
raw readings; only a bound that is not a whole quarter-hour (a tariff window at 07:10) reads raw
readings (``monitoring_reading_kwh``) for the minutes up to its quarter-hour. The signed pieces
of a bucket add up to exactly its range, so a reading counts once, in the bucket holding its
instant (boundaries included at the start); all rollups come from the same ingestion statement,
so a day row is the sum of its hour rows, an hour row the sum of its quarter-hours. A year costs
about 365 day rows plus a few dozen hour rows, where the hours alone would be 8,760.

Every piece is a range of one table's primary key (device_id, start): one SQL statement reads
each ``unnest``-ed range with a LATERAL aggregate (one index range scan) and groups by bucket.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.db import connection

from monitoring.consumption.buckets import DeviceNotVisible

ONE_HOUR = timedelta(hours=1)
ONE_DAY = timedelta(days=1)

ONE_QUARTER = timedelta(minutes=15)

Table = Literal["day", "hour", "quarter", "raw"]

RANGES = (
    "unnest(%({t}_lo)s::timestamptz[], %({t}_hi)s::timestamptz[], %({t}_bucket)s::int[],"
    " %({t}_sign)s::int[])"
)
# Per range, a LATERAL aggregate: the range's bounds become the index condition of one index
# range scan (a plain join lets the planner read all of the device's rows and filter them).
PIECE_SQL = """
    SELECT r.bucket, r.sign * s.kwh AS kwh, r.sign * s.readings AS readings,
           r.sign * s.estimated AS estimated
    FROM {ranges} AS r(lo, hi, bucket, sign)
    CROSS JOIN LATERAL (
        SELECT sum(c.{value}) AS kwh, {count} AS readings, {estimated} AS estimated
        FROM {table} AS c
        WHERE c.device_id = %(device)s AND c.{column} >= r.lo AND c.{column} < r.hi{extra}
    ) AS s"""
# The hours holding the quarter-hours [lo, hi): a range of the hourly primary key.
QUARTER_HOURS = "\n          AND c.hour_start > r.lo - INTERVAL '1 hour' AND c.hour_start < r.hi"
ROLLUP_SQL = f"""
WITH device AS MATERIALIZED (
    SELECT reading_interval_minutes,
           greatest(
               (SELECT max(last_ts) FROM monitoring_quarter_consumption
                WHERE device_id = %(device)s
                  AND hour_start > %(last_from)s - INTERVAL '1 hour' AND hour_start < %(last_to)s
                  AND (quarter_start < %(last_hour_lo)s OR quarter_start >= %(last_hour_hi)s)
                  AND quarter_start >= %(last_from)s AND quarter_start < %(last_to)s
                  AND last_ts >= %(last_from)s AND last_ts < %(last_to)s),
               (SELECT last_ts FROM monitoring_hourly_consumption
                WHERE device_id = %(device)s
                  AND hour_start >= %(last_hour_lo)s AND hour_start < %(last_hour_hi)s
                ORDER BY hour_start DESC LIMIT 1),
               (SELECT max(ts) FROM monitoring_reading_kwh
                WHERE device_id = %(device)s AND ts >= %(last_from)s AND ts < %(last_to)s
                  AND %(last_raw)s)
           ) AS last
    FROM monitoring_device
    WHERE id = %(device)s AND (%(owner)s::uuid IS NULL OR owner_id = %(owner)s::uuid)
), parts AS (
    {PIECE_SQL.format(
        ranges=RANGES.format(t="day"), table="monitoring_daily_consumption",
        column="day_start", value="kwh", count="sum(c.readings)", extra="",
        estimated="sum(c.estimated_kwh)",
    )}
    UNION ALL
    {PIECE_SQL.format(
        ranges=RANGES.format(t="hour"), table="monitoring_hourly_consumption",
        column="hour_start", value="kwh", count="sum(c.readings)", extra="",
        estimated="sum(c.estimated_kwh)",
    )}
    UNION ALL
    {PIECE_SQL.format(
        ranges=RANGES.format(t="quarter"), table="monitoring_quarter_consumption",
        column="quarter_start", value="kwh", count="sum(c.readings)",
        extra=QUARTER_HOURS, estimated="0",
    )}
    UNION ALL
    {PIECE_SQL.format(
        ranges=RANGES.format(t="raw"), table="monitoring_reading_kwh",
        column="ts", value="value", count="count(*)", extra="", estimated="0",
    )}
), totals AS (
    SELECT bucket, sum(kwh) AS kwh, sum(readings) AS readings, sum(estimated) AS estimated
    FROM parts GROUP BY bucket
)
SELECT d.reading_interval_minutes, d.last, t.bucket, t.kwh, t.readings, t.estimated
FROM device AS d
LEFT JOIN totals AS t ON true
"""  # fmt: skip


@dataclass(frozen=True)
class Piece:
    table: Table
    lo: datetime
    hi: datetime
    sign: int = 1  # -1: subtracted (hours of a day piece that are not in the bucket)


@dataclass(frozen=True)
class Sums:
    kwh: list[Decimal]  # one per bucket
    readings: list[int]
    interval_minutes: int  # the device's reading interval
    last_reading_at: datetime | None  # the latest reading in [last_from, last_to), UTC
    # Of kwh, what register gaps spread over the range's whole hours (quarter-hour and raw
    # pieces, at the partial hours of :30/:45 zones, count none).
    estimated_kwh: list[Decimal] = field(default_factory=list)


def floor_to(ts: datetime, step: timedelta) -> datetime:
    utc = ts.astimezone(UTC)
    if step == ONE_DAY:
        return utc.replace(hour=0, minute=0, second=0, microsecond=0)
    if step == ONE_QUARTER:
        return utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0)
    return utc.replace(minute=0, second=0, microsecond=0)


def ceil_to(ts: datetime, step: timedelta) -> datetime:
    floor = floor_to(ts, step)
    return floor if floor == ts else floor + step


def pieces(lo: datetime, hi: datetime, days: bool = True) -> list[Piece]:
    """Ranges of the rollup tables and the readings whose signed sum is exactly [lo, hi).

    Partial hours at the edges come from the quarter-hours (and the readings for what is not a
    whole quarter-hour, see ``edge``); the whole hours from the hourly rows, or,
    with ``days``, from the daily rows with the fewest hourly rows around them: an edge of more
    than 12 hours into a UTC day is that day minus the hours not wanted (a Bucharest month ends
    at 22:00 UTC: its last UTC day minus 2 hours, not 22 hours).
    """
    if lo >= hi:
        return []
    hour_lo, hour_hi = ceil_to(lo, ONE_HOUR), floor_to(hi, ONE_HOUR)
    if hour_lo >= hour_hi:  # inside one UTC hour (or two partial ones)
        return edge(lo, hi)
    result = edge(lo, hour_lo)
    if days:
        result += whole_hours(hour_lo, hour_hi)
    else:
        result.append(Piece("hour", hour_lo, hour_hi))
    return result + edge(hour_hi, hi)


def edge(lo: datetime, hi: datetime) -> list[Piece]:
    """[lo, hi) (less than two hours) as whole quarter-hours and, only for what is not a whole
    quarter-hour, raw readings (gone after the raw retention)."""
    if lo >= hi:
        return []
    quarter_lo, quarter_hi = ceil_to(lo, ONE_QUARTER), floor_to(hi, ONE_QUARTER)
    if quarter_lo >= quarter_hi:
        return [Piece("raw", lo, hi)]
    result = [Piece("raw", lo, quarter_lo)] if lo < quarter_lo else []
    result.append(Piece("quarter", quarter_lo, quarter_hi))
    if quarter_hi < hi:
        result.append(Piece("raw", quarter_hi, hi))
    return result


HALF_DAY_HOURS = 12


def whole_hours(lo: datetime, hi: datetime) -> list[Piece]:
    """[lo, hi) (whole UTC hours) as daily rows plus or minus the fewest hourly rows."""
    day_lo, day_hi = ceil_to(lo, ONE_DAY), floor_to(hi, ONE_DAY)
    if day_lo > day_hi:  # inside one UTC day
        if (hi - lo) // ONE_HOUR <= HALF_DAY_HOURS:
            return [Piece("hour", lo, hi)]
        day = floor_to(lo, ONE_DAY)
        return [Piece("day", day, day + ONE_DAY), *outside(day, lo), *outside(hi, day + ONE_DAY)]
    result = [Piece("day", day_lo, day_hi)] if day_lo < day_hi else []
    if lo < day_lo:  # the tail of the UTC day before day_lo
        if (day_lo - lo) // ONE_HOUR <= HALF_DAY_HOURS:
            result.append(Piece("hour", lo, day_lo))
        else:
            result += [Piece("day", day_lo - ONE_DAY, day_lo), *outside(day_lo - ONE_DAY, lo)]
    if day_hi < hi:  # the head of the UTC day from day_hi
        if (hi - day_hi) // ONE_HOUR <= HALF_DAY_HOURS:
            result.append(Piece("hour", day_hi, hi))
        else:
            result += [Piece("day", day_hi, day_hi + ONE_DAY), *outside(hi, day_hi + ONE_DAY)]
    return result


def outside(lo: datetime, hi: datetime) -> list[Piece]:
    """The hours [lo, hi) subtracted from a day piece (none when the range is empty)."""
    return [Piece("hour", lo, hi, -1)] if lo < hi else []


def last_reading_params(lo: datetime, hi: datetime) -> dict[str, Any]:
    """The latest reading in [lo, hi) comes from the latest whole UTC hour's ``last_ts`` (one
    backward probe of the hourly key) and the quarter-hours of the partial hours at the edges
    (``last_ts`` of each quarter-hour); raw readings only for a bound that is not a whole
    quarter-hour (``last_raw``), so that it outlives the raw readings."""
    hour_lo, hour_hi = ceil_to(lo, ONE_HOUR), floor_to(hi, ONE_HOUR)
    if hour_lo >= hour_hi:  # no whole hour: the quarter-hours only
        hour_lo = hour_hi = hi
    return {
        "last_from": lo,
        "last_to": hi,
        "last_hour_lo": hour_lo,
        "last_hour_hi": hour_hi,
        "last_raw": not (quarter_aligned(lo) and quarter_aligned(hi)),
    }


def quarter_aligned(ts: datetime) -> bool:
    return floor_to(ts, ONE_QUARTER) == ts


def rollup_sums(
    device_id: uuid.UUID,
    ranges: list[tuple[datetime, datetime]],
    last_reading_in: tuple[datetime, datetime],
    owner_id: uuid.UUID | None = None,
    hours_below: timedelta = timedelta(0),
) -> Sums:
    """kWh and readings of the device in each [lo, hi) of ``ranges``, in one query.

    Also the device's interval and its latest reading in ``last_reading_in``. ``owner_id``: only
    a device of that owner counts as found (None: any device). DeviceNotVisible otherwise.
    ``hours_below``: a range shorter than that is read from hour rows only (one index range
    scan, not a day plus or minus hours: many short ranges, e.g. the price segments of a year).
    """
    bounds: dict[str, list[datetime]] = {}
    numbers: dict[str, list[int]] = {}
    for table in ("day", "hour", "quarter", "raw"):
        bounds[f"{table}_lo"], bounds[f"{table}_hi"] = [], []
        numbers[f"{table}_bucket"], numbers[f"{table}_sign"] = [], []
    for index, (lo, hi) in enumerate(ranges):
        for piece in pieces(lo, hi, days=hi - lo >= hours_below):
            bounds[f"{piece.table}_lo"].append(piece.lo)
            bounds[f"{piece.table}_hi"].append(piece.hi)
            numbers[f"{piece.table}_bucket"].append(index)
            numbers[f"{piece.table}_sign"].append(piece.sign)
    params: dict[str, Any] = {
        "device": device_id,
        "owner": owner_id,
        **last_reading_params(*last_reading_in),
        **bounds,
        **numbers,
    }
    with connection.cursor() as cursor:
        cursor.execute(ROLLUP_SQL, params)
        rows = cursor.fetchall()
    if not rows:
        raise DeviceNotVisible()
    kwh = [Decimal(0)] * len(ranges)
    readings = [0] * len(ranges)
    estimated = [Decimal(0)] * len(ranges)
    for _interval, _last, bucket, bucket_kwh, bucket_readings, bucket_estimated in rows:
        if bucket is not None and bucket_kwh is not None:  # None: no rows in its pieces
            kwh[bucket] = bucket_kwh
            readings[bucket] = int(bucket_readings)
            estimated[bucket] = bucket_estimated or Decimal(0)
    interval, last = rows[0][0], rows[0][1]
    return Sums(kwh, readings, interval, last, estimated)
