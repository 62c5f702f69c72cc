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
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

from monitoring.consumption.costs import PricedSums, RangeCost, combined, priced_sums
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


@dataclass(frozen=True)
class BucketTotal:
    start: datetime  # local, with its offset
    end: datetime
    kwh: Decimal
    readings: int
    expected_readings: int
    cost: Decimal | None = None  # monitoring.consumption.costs' rule
    estimated: bool = False  # part of kwh is a register gap spread over time


@dataclass(frozen=True)
class PeriodTotal:
    start: datetime  # local, with offsets; end exclusive
    end: datetime
    kwh: Decimal
    cost: Decimal | None = None


@dataclass(frozen=True)
class Projection:
    """Where a partial period ends at its pace so far: its totals × (period length / time from
    its start to the last reading)."""

    kwh: Decimal
    cost: Decimal | None  # quantized to 6 dp, half-even
    basis: timedelta  # from the period's start to the last reading


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
    total_cost: Decimal | None = None
    currency: str | None = None  # of the period's costs (None: no cost, or two currencies)
    projection: Projection | None = None

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
    sums = priced_sums(device_id, ranges, (start, end), owner_id)
    buckets = bucket_totals(sums, ranges[: len(bounds) - 1], zone, now)
    n = len(buckets)

    def total_of(index: int) -> PeriodTotal:
        lo, hi = ranges[index]
        return PeriodTotal(
            lo.astimezone(zone), hi.astimezone(zone), sums.kwh[index], sums.cost[index]
        )

    whole = combined(sums.parts[:n])
    last = sums.last_reading_at
    return PeriodConsumption(
        period=period,
        start=start.astimezone(zone),
        end=end.astimezone(zone),
        buckets=buckets,
        total=whole.kwh,
        partial=now < end,
        last_reading_at=last.astimezone(zone) if last else None,
        previous=total_of(n),
        last_year=total_of(len(ranges) - 1),
        total_cost=whole.cost,
        currency=whole.currency,
        projection=projection(whole, start, end, last) if now < end else None,
    )


def bucket_totals(
    sums: PricedSums, ranges: list[tuple[datetime, datetime]], zone: ZoneInfo, now: datetime
) -> list[BucketTotal]:
    """The buckets of ``ranges`` (the first ranges ``sums`` was asked for), local to ``zone``."""
    return [
        BucketTotal(
            start=lo.astimezone(zone),
            end=hi.astimezone(zone),
            kwh=sums.kwh[i],
            readings=sums.readings[i],
            expected_readings=expected_readings(lo, hi, now, sums.interval_minutes),
            cost=sums.cost[i],
            estimated=sums.estimated_kwh[i] != 0,
        )
        for i, (lo, hi) in enumerate(ranges)
    ]


PROJECTION_PLACES = Decimal("0.000001")


def projection(
    total: RangeCost, start: datetime, end: datetime, last: datetime | None
) -> Projection | None:
    """The partial period's totals × (its length / from its start to ``last``); None without
    a last reading after the start."""
    if last is None or last <= start:
        return None
    basis = last - start
    factor = Decimal((end - start) // timedelta(microseconds=1)) / Decimal(
        basis // timedelta(microseconds=1)
    )
    cost = total.cost
    return Projection(
        kwh=total.kwh * factor,
        cost=(cost * factor).quantize(PROJECTION_PLACES, ROUND_HALF_EVEN)
        if cost is not None
        else None,
        basis=basis,
    )
