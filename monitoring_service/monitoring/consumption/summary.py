"""A device's day (its hours with total, peak hour and average) and a range of days with total."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from monitoring.consumption.buckets import (
    MAX_RANGE_DAYS,
    DayTotal,
    HourTotal,
    daily_hours,
    daily_totals,
)
from monitoring.consumption.local_days import day_start, period_days

AVERAGE_PLACES = 6


@dataclass(frozen=True)
class DaySummary:
    hours: list[HourTotal]  # 23, 24 or 25 (daylight saving)
    total: Decimal
    peak: HourTotal | None  # the first busiest hour; None when every hour is 0
    average: Decimal  # per elapsed hour of the day (all of a past day, none of a future one)


@dataclass(frozen=True)
class RangeSummary:
    days: list[DayTotal]
    total: Decimal


def summarize_day(hours: list[HourTotal], elapsed_hours: Decimal | None = None) -> DaySummary:
    """``elapsed_hours``: how much of the day is over (None: all of it, one per hour)."""
    total = sum((h.kwh for h in hours), Decimal(0))
    busiest = max(hours, key=lambda h: h.kwh)
    elapsed = Decimal(len(hours)) if elapsed_hours is None else elapsed_hours
    return DaySummary(
        hours=hours,
        total=total,
        peak=busiest if busiest.kwh > 0 else None,
        average=round(total / elapsed, AVERAGE_PLACES) if elapsed > 0 else Decimal(0),
    )


def elapsed_hours(day: date, zone: ZoneInfo, now: datetime) -> Decimal:
    """Hours of the local day before ``now``: 0 before it starts, all of them once it is over."""
    start, end = day_start(day, zone), day_start(day + timedelta(days=1), zone)
    elapsed = min(max(now, start), end) - start
    return Decimal(elapsed // timedelta(seconds=1)) / 3600


def day_summary(
    device_id: uuid.UUID,
    day: date,
    zone: ZoneInfo,
    owner_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> DaySummary:
    """The local day's hours and their summary; DeviceNotVisible for a device not the owner's.

    The average divides by the elapsed hours: a running day's so far, not 24.
    """
    hours = daily_hours(device_id, day, zone, owner_id)
    return summarize_day(hours, elapsed_hours(day, zone, now or datetime.now(UTC)))


def range_summary(
    device_id: uuid.UUID, first: date, last: date, zone: ZoneInfo, owner_id: uuid.UUID | None = None
) -> RangeSummary:
    """kWh per local day ``first..last`` (at most MAX_RANGE_DAYS) and their total.

    InvalidPeriod for an empty or too long period, DeviceNotVisible as for a day.
    """
    period_days(first, last, MAX_RANGE_DAYS)
    days = daily_totals(device_id, first, last, zone, owner_id)
    return RangeSummary(days=days, total=sum((d.kwh for d in days), Decimal(0)))
