"""A device's consumption over a period (day, week, month, year), with gaps and comparisons.

Each bucket has its kWh, the readings stored in it and the readings the device's interval would
give for the part of the bucket already elapsed (0 for a bucket still in the future), so a gap
shows as ``readings < expected_readings`` and "no data" is told apart from 0 kWh. The period
comes with the period before it and the same period a year earlier, each with its total; all of
it from one query (monitoring.consumption.rollups).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from monitoring.consumption.periods import (
    BucketKind,
    Period,
    PeriodKind,
    bucket_bounds,
    last_year_period,
    period_bounds,
    period_holding,
    previous_period,
)
from monitoring.consumption.rollups import rollup_sums


@dataclass(frozen=True)
class BucketTotal:
    start: datetime  # local, with its offset
    end: datetime
    kwh: Decimal
    readings: int
    expected_readings: int


@dataclass(frozen=True)
class PeriodTotal:
    start: datetime  # local, with offsets; end exclusive
    end: datetime
    kwh: Decimal


@dataclass(frozen=True)
class PeriodConsumption:
    period: Period
    start: datetime  # local, with offsets; end exclusive
    end: datetime
    buckets: list[BucketTotal]
    total: Decimal
    partial: bool  # the period is not over yet
    last_reading_at: datetime | None  # local; the device's latest reading in the period
    previous: PeriodTotal
    last_year: PeriodTotal

    @property
    def bucket(self) -> BucketKind:
        return self.period.bucket


def expected_readings(start: datetime, end: datetime, now: datetime, interval_minutes: int) -> int:
    """Readings every ``interval_minutes`` give in the elapsed part of [start, end)."""
    elapsed = min(end, now) - start
    if elapsed <= timedelta(0):
        return 0
    return elapsed // timedelta(minutes=interval_minutes)


def period_consumption(
    device_id: uuid.UUID,
    kind: PeriodKind,
    day: date,
    zone: ZoneInfo,
    owner_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> PeriodConsumption:
    """The period of ``kind`` holding the local ``day``; DeviceNotVisible for another's device."""
    now = now or datetime.now(UTC)
    period = period_holding(kind, day)
    bounds = bucket_bounds(period, zone)
    start, end = bounds[0], bounds[-1]
    before = previous_period(period)
    year_ago = last_year_period(kind, day)
    ranges = [*zip(bounds[:-1], bounds[1:], strict=True), period_bounds(before, zone)]
    if period_bounds(year_ago, zone) != ranges[-1]:  # a year's previous period is last year
        ranges.append(period_bounds(year_ago, zone))
    sums = rollup_sums(device_id, ranges, (start, end), owner_id)
    buckets = [
        BucketTotal(
            start=lo.astimezone(zone),
            end=hi.astimezone(zone),
            kwh=sums.kwh[i],
            readings=sums.readings[i],
            expected_readings=expected_readings(lo, hi, now, sums.interval_minutes),
        )
        for i, (lo, hi) in enumerate(ranges[: len(bounds) - 1])
    ]
    n = len(buckets)

    def total_of(index: int) -> PeriodTotal:
        lo, hi = ranges[index]
        return PeriodTotal(lo.astimezone(zone), hi.astimezone(zone), sums.kwh[index])

    return PeriodConsumption(
        period=period,
        start=start.astimezone(zone),
        end=end.astimezone(zone),
        buckets=buckets,
        total=sum((b.kwh for b in buckets), Decimal(0)),
        partial=now < end,
        last_reading_at=sums.last_reading_at.astimezone(zone) if sums.last_reading_at else None,
        previous=total_of(n),
        last_year=total_of(len(ranges) - 1),
    )
