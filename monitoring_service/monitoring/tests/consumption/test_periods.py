"""Periods in any zone: buckets tile the period, and their kWh are those of the readings inside.

The zones include the awkward ones: Asia/Kolkata (+5:30), Asia/Kathmandu (+5:45),
Australia/Lord_Howe (+10:30, with a 30-minute daylight-saving shift), and two with ordinary DST.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from monitoring.consumption.period_summary import expected_readings, period_consumption
from monitoring.consumption.periods import (
    Period,
    PeriodKind,
    bucket_bounds,
    last_year_period,
    period_bounds,
    period_holding,
    previous_period,
)
from monitoring.consumption.rollups import ONE_DAY, ONE_HOUR, pieces
from monitoring.ingestion.readings import Reading
from monitoring.ingestion.store import store_readings
from monitoring.tests.ingestion.helpers import make_device

ZONES = [
    "UTC",
    "Europe/Bucharest",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
]
KINDS = list(PeriodKind)
DATES = st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31))
BUCKETS_PER_PERIOD = {
    PeriodKind.DAY: {23, 24, 25},  # DST; Lord Howe's 23.5 and 24.5 hours end with a half hour
    PeriodKind.WEEK: {7},
    PeriodKind.MONTH: {28, 29, 30, 31},
    PeriodKind.YEAR: {12},
}


def local(ts: datetime, zone: ZoneInfo) -> datetime:
    return ts.astimezone(zone)


@given(zone_name=st.sampled_from(ZONES), kind=st.sampled_from(KINDS), day=DATES)
@example(zone_name="Europe/Bucharest", kind=PeriodKind.WEEK, day=date(2026, 3, 29))
@example(zone_name="America/New_York", kind=PeriodKind.MONTH, day=date(2026, 11, 1))
@example(zone_name="Australia/Lord_Howe", kind=PeriodKind.DAY, day=date(2026, 4, 5))
@example(zone_name="Australia/Lord_Howe", kind=PeriodKind.DAY, day=date(2026, 10, 4))
def test_buckets_tile_the_period_holding_the_date(
    zone_name: str, kind: PeriodKind, day: date
) -> None:
    zone = ZoneInfo(zone_name)
    period = period_holding(kind, day)
    bounds = bucket_bounds(period, zone)
    start, end = period_bounds(period, zone)

    assert period.first <= day < period.after
    assert (bounds[0], bounds[-1]) == (start, end)
    assert all(a < b for a, b in zip(bounds, bounds[1:], strict=False))
    assert len(bounds) - 1 in BUCKETS_PER_PERIOD[kind]
    if kind is PeriodKind.WEEK:
        assert period.first.isoweekday() == 1
    if kind is PeriodKind.DAY:
        assert all(b - a <= ONE_HOUR for a, b in zip(bounds, bounds[1:], strict=False))
    else:  # each bucket starts on a new local day (or month), in order
        starts = [local(b, zone).date() for b in bounds[:-1]]
        assert starts[0] == period.first
        assert len(set(starts)) == len(starts)


@given(kind=st.sampled_from(KINDS), day=DATES)
def test_previous_and_last_year_periods_are_of_the_same_kind(kind: PeriodKind, day: date) -> None:
    period = period_holding(kind, day)

    before = previous_period(period)
    year_ago = last_year_period(kind, day)

    assert before.after == period.first and before.kind == kind
    assert year_ago.kind == kind and year_ago.first < period.first
    assert timedelta(days=350) < period.first - year_ago.first < timedelta(days=380)


@given(
    lo=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
    days=st.booleans(),
    offsets=st.lists(st.timedeltas(min_value=-ONE_DAY, max_value=timedelta(days=41))),
)
def test_rollup_pieces_add_up_to_exactly_the_range_and_each_is_a_whole_row_range(
    lo: datetime, length: timedelta, days: bool, offsets: list[timedelta]
) -> None:
    lo = lo.replace(tzinfo=UTC)
    hi = lo + length

    parts = pieces(lo, hi, days=days)

    # Every instant counts once inside the range (signed sum 1), never outside it (0).
    bounds = [b for p in parts for b in (p.lo, p.hi, p.lo - timedelta(microseconds=1))]
    for ts in [lo, hi, lo - timedelta(microseconds=1), *bounds, *(lo + o for o in offsets)]:
        count = sum(p.sign for p in parts if p.lo <= ts < p.hi)
        assert count == (1 if lo <= ts < hi else 0)
    for part in parts:
        assert part.lo < part.hi
        if part.table == "day":
            assert days and part.sign == 1
            assert part.lo.time() == part.hi.time() == datetime.min.time()
        if part.table == "hour":
            assert (part.hi - part.lo) % ONE_HOUR == timedelta(0) and part.lo.minute == 0
            assert part.hi - part.lo <= (12 * ONE_HOUR if days else length)
        if part.table == "raw":
            assert part.sign == 1 and part.hi - part.lo < ONE_HOUR


def test_expected_readings_count_only_the_elapsed_part_of_a_bucket() -> None:
    start = datetime(2026, 5, 4, 10, tzinfo=UTC)
    end = start + ONE_HOUR

    assert expected_readings(start, end, end + ONE_DAY, 10) == 6
    assert expected_readings(start, end, start + timedelta(minutes=25), 10) == 2
    assert expected_readings(start, end, start - ONE_HOUR, 10) == 0
    assert expected_readings(start, end, end, 15) == 4


@st.composite
def period_and_readings(draw: st.DrawFn) -> tuple[ZoneInfo, Period, date, list[datetime]]:
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    kind = draw(st.sampled_from(KINDS))
    day = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)))
    period = period_holding(kind, day)
    bounds = bucket_bounds(period, zone)
    start, end = bounds[0], bounds[-1]
    # Instants anywhere around the period, and exactly on (or a microsecond off) its boundaries.
    anywhere = st.datetimes(
        min_value=(start - ONE_DAY).replace(tzinfo=None),
        max_value=(end + ONE_DAY).replace(tzinfo=None),
    ).map(lambda ts: ts.replace(tzinfo=UTC))
    near_bound = st.tuples(
        st.sampled_from(bounds), st.sampled_from([timedelta(0), timedelta(microseconds=-1)])
    ).map(lambda pair: pair[0] + pair[1])
    instants = draw(st.lists(st.one_of(anywhere, near_bound), max_size=40, unique=True))
    return zone, period, day, instants


@pytest.mark.django_db
@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(case=period_and_readings())
def test_bucket_kwh_and_counts_equal_the_readings_whose_instant_falls_in_the_bucket(
    case: tuple[ZoneInfo, Period, date, list[datetime]],
) -> None:
    zone, period, day, instants = case
    device = make_device()
    readings = [
        Reading(device.id, ts, Decimal(i + 1) / 1000) for i, ts in enumerate(sorted(instants))
    ]
    store_readings(readings)

    result = period_consumption(device.id, period.kind, day, zone)

    bounds = bucket_bounds(period, zone)
    assert [b.start for b in result.buckets] == [local(b, zone) for b in bounds[:-1]]
    assert [b.end for b in result.buckets] == [local(b, zone) for b in bounds[1:]]
    assert (result.start, result.end) == (local(bounds[0], zone), local(bounds[-1], zone))
    for bucket in result.buckets:
        inside = [r for r in readings if bucket.start <= r.ts < bucket.end]
        assert bucket.kwh == sum((r.value for r in inside), Decimal(0))
        assert bucket.readings == len(inside)
    in_period = [r for r in readings if bounds[0] <= r.ts < bounds[-1]]
    assert result.total == sum((r.value for r in in_period), Decimal(0))
    assert result.last_reading_at == (local(in_period[-1].ts, zone) if in_period else None)
    before = [r for r in readings if result.previous.start <= r.ts < result.previous.end]
    assert result.previous.kwh == sum((r.value for r in before), Decimal(0))
    assert result.previous.end == result.start
    year_ago = [r for r in readings if result.last_year.start <= r.ts < result.last_year.end]
    assert result.last_year.kwh == sum((r.value for r in year_ago), Decimal(0))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone_name", "kind", "day", "hours"),
    [
        ("Europe/Bucharest", PeriodKind.WEEK, date(2026, 3, 29), 7 * 24 - 1),  # spring forward
        ("Europe/Bucharest", PeriodKind.MONTH, date(2026, 10, 25), 31 * 24 + 1),  # fall back
        ("America/New_York", PeriodKind.YEAR, date(2026, 6, 1), 365 * 24),
        ("Australia/Lord_Howe", PeriodKind.WEEK, date(2026, 4, 5), 7 * 24 + 0.5),
        ("Asia/Kathmandu", PeriodKind.MONTH, date(2026, 2, 10), 28 * 24),
    ],
)
def test_periods_across_dst_changes_hold_every_ten_minute_reading_once(
    zone_name: str, kind: PeriodKind, day: date, hours: float
) -> None:
    zone = ZoneInfo(zone_name)
    device = make_device()
    start, end = period_bounds(period_holding(kind, day), zone)
    assert (end - start) / ONE_HOUR == hours
    count = int((end - start) / timedelta(minutes=10))
    store_readings(
        [
            Reading(device.id, start + timedelta(minutes=10 * i), Decimal("0.001"))
            for i in range(-6, count + 6)  # and an hour either side, which must not count
        ]
    )

    result = period_consumption(device.id, kind, day, zone, now=datetime(2040, 1, 1, tzinfo=UTC))

    assert not result.partial
    assert sum(b.readings for b in result.buckets) == count
    assert result.total == Decimal("0.001") * count
    assert all(b.readings == b.expected_readings for b in result.buckets)
