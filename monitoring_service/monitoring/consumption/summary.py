"""A device's day (its hours with total, peak hour and average) and a range of days with total."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from monitoring.consumption.buckets import (
    MAX_RANGE_DAYS,
    DayTotal,
    HourTotal,
    daily_hours,
    daily_totals,
)
from monitoring.consumption.local_days import period_days

AVERAGE_PLACES = 6


@dataclass(frozen=True)
class DaySummary:
    hours: list[HourTotal]  # 23, 24 or 25 (daylight saving)
    total: Decimal
    peak: HourTotal | None  # the first busiest hour; None when every hour is 0
    average: Decimal  # per hour of the day, to 6 places


@dataclass(frozen=True)
class RangeSummary:
    days: list[DayTotal]
    total: Decimal


def summarize_day(hours: list[HourTotal]) -> DaySummary:
    total = sum((h.kwh for h in hours), Decimal(0))
    busiest = max(hours, key=lambda h: h.kwh)
    return DaySummary(
        hours=hours,
        total=total,
        peak=busiest if busiest.kwh > 0 else None,
        average=round(total / len(hours), AVERAGE_PLACES),
    )


def day_summary(
    device_id: uuid.UUID, day: date, zone: ZoneInfo, owner_id: uuid.UUID | None = None
) -> DaySummary:
    """The local day's hours and their summary; DeviceNotVisible for a device not the owner's."""
    return summarize_day(daily_hours(device_id, day, zone, owner_id))


def range_summary(
    device_id: uuid.UUID, first: date, last: date, zone: ZoneInfo, owner_id: uuid.UUID | None = None
) -> RangeSummary:
    """kWh per local day ``first..last`` (at most MAX_RANGE_DAYS) and their total.

    InvalidPeriod for an empty or too long period, DeviceNotVisible as for a day.
    """
    period_days(first, last, MAX_RANGE_DAYS)
    days = daily_totals(device_id, first, last, zone, owner_id)
    return RangeSummary(days=days, total=sum((d.kwh for d in days), Decimal(0)))
