"""Periods of local time: the day, ISO week (Monday first), month or year holding a date.

A period is cut into buckets: hours for a day, days for a week or a month, months for a year.
Bounds are UTC instants from ``zoneinfo`` (local midnights via ``local_days.day_start``), so a
daylight-saving day has 23 or 25 hours (23.5 or 24.5 on Lord Howe Island), and zones with :30 or
:45 offsets get buckets that start at their own local hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from monitoring.consumption.buckets import hour_bounds
from monitoring.consumption.local_days import day_start


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class BucketKind(StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"


BUCKET_OF = {
    PeriodKind.DAY: BucketKind.HOUR,
    PeriodKind.WEEK: BucketKind.DAY,
    PeriodKind.MONTH: BucketKind.DAY,
    PeriodKind.YEAR: BucketKind.MONTH,
}


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first: date  # the first local day
    after: date  # the local day after the last one (exclusive)

    @property
    def bucket(self) -> BucketKind:
        return BUCKET_OF[self.kind]


def period_holding(kind: PeriodKind, day: date) -> Period:
    """The period of ``kind`` that holds the local ``day``."""
    if kind is PeriodKind.DAY:
        return Period(kind, day, day + timedelta(days=1))
    if kind is PeriodKind.WEEK:
        monday = day - timedelta(days=day.weekday())
        return Period(kind, monday, monday + timedelta(days=7))
    if kind is PeriodKind.MONTH:
        first = day.replace(day=1)
        return Period(kind, first, next_month(first))
    first = date(day.year, 1, 1)
    return Period(kind, first, date(day.year + 1, 1, 1))


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_period(period: Period) -> Period:
    """The period of the same kind just before ``period``."""
    return period_holding(period.kind, period.first - timedelta(days=1))


def one_year_earlier(day: date) -> date:
    """The same date a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def last_year_period(kind: PeriodKind, day: date) -> Period:
    """The period of ``kind`` holding ``day`` minus one year."""
    return period_holding(kind, one_year_earlier(day))


def period_bounds(period: Period, zone: tzinfo) -> tuple[datetime, datetime]:
    """The period's first instant and the first instant after it, in UTC."""
    return day_start(period.first, zone), day_start(period.after, zone)


def bucket_bounds(period: Period, zone: tzinfo) -> list[datetime]:
    """UTC instants splitting the period into its buckets, its end included (n buckets, n + 1)."""
    if period.bucket is BucketKind.HOUR:
        return hour_bounds(period.first, zone)
    if period.bucket is BucketKind.DAY:
        days = (period.after - period.first).days
        return [day_start(period.first + timedelta(days=i), zone) for i in range(days + 1)]
    months = [period.first]
    while months[-1] < period.after:
        months.append(next_month(months[-1]))
    return [day_start(m, zone) for m in months]
