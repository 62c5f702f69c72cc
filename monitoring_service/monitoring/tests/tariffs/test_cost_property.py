"""Property: a period's cost is the sum over its readings of value × the rate at the reading's
instant, looked up naively here (the tariff in force, then the local wall time), exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring.consumption.period_summary import period_consumption
from monitoring.consumption.periods import PeriodKind
from monitoring.ingestion.readings import Reading
from monitoring.ingestion.store import store_readings
from monitoring.tests.ingestion.helpers import make_device
from monitoring.tests.tariffs.helpers import make_tariff

pytestmark = pytest.mark.django_db

ZONES = ["Europe/Bucharest", "Asia/Kolkata"]
MINUTES_PER_WEEK = 7 * 24 * 60
# Around the last Sundays of March and October 2026 (Bucharest's DST changes).
WINDOWS = [
    (datetime(2026, 3, 26, tzinfo=UTC), datetime(2026, 4, 2, tzinfo=UTC)),
    (datetime(2026, 10, 22, tzinfo=UTC), datetime(2026, 10, 29, tzinfo=UTC)),
]
DAYS = [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30), date(2026, 10, 25),
        date(2026, 10, 26), date(2026, 10, 24)]  # fmt: skip

# Sunday 02:00 .. 05:00 local, every half hour: windows ending around the DST changes.
SUNDAY_NIGHT = [6 * 1440 + m for m in range(120, 301, 30)]
# The changes themselves (01:00 UTC), where readings are dense.
CHANGES = [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)]

prices = st.decimals(min_value=0, max_value=5, places=6, allow_nan=False, allow_infinity=False)


@st.composite
def weeks(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A random partition of the week (cuts at any minute, 07:30 often) with random prices."""
    cuts = draw(
        st.sets(
            st.one_of(
                st.integers(1, MINUTES_PER_WEEK - 1),
                st.sampled_from([7 * 60 + 30 + 1440 * d for d in range(7)]),
                st.sampled_from(SUNDAY_NIGHT),  # around the DST changes
            ),
            max_size=12,
        )
    )
    bounds = [0, *sorted(cuts), MINUTES_PER_WEEK]
    rates = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        price = str(draw(prices))
        while lo < hi:  # split at local midnights: one rate per day
            day, end = lo // 1440, min(hi, (lo // 1440 + 1) * 1440)
            rates.append(
                {
                    "days": [day],
                    "start": f"{lo % 1440 // 60:02d}:{lo % 60:02d}",
                    "end": f"{(end - day * 1440) // 60:02d}:{end % 60:02d}"
                    if end - day * 1440 < 1440
                    else "24:00",
                    "price_per_kwh": price,
                }
            )
            lo = end
    return rates


def minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:])


def naive_price(tariffs: list[tuple[datetime, ZoneInfo, list[dict[str, Any]]]], ts: datetime):
    """The price at ``ts``: the latest tariff started by then, the rate of ts's wall time."""
    started = [t for t in tariffs if t[0] <= ts]
    if not started:
        return None
    _start, zone, rates = max(started, key=lambda t: t[0])
    wall = ts.astimezone(zone)
    minute = wall.hour * 60 + wall.minute
    (match,) = [
        r
        for r in rates
        if wall.weekday() in r["days"] and minutes(r["start"]) <= minute < minutes(r["end"])
    ]
    return Decimal(match["price_per_kwh"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.data(),
    zone_name=st.sampled_from(ZONES),
    tariff_zone=st.sampled_from(ZONES),
    kind=st.sampled_from(list(PeriodKind)),
    day=st.sampled_from(DAYS),
    two=st.booleans(),
)
def test_period_cost_is_the_sum_of_each_reading_at_its_rate(
    data: st.DataObject, zone_name: str, tariff_zone: str, kind: PeriodKind, day: date, two: bool
) -> None:
    device = make_device()
    zone, tz = ZoneInfo(zone_name), ZoneInfo(tariff_zone)
    first_from = data.draw(st.dates(date(2026, 1, 1), date(2026, 3, 29)), label="first")
    starts = [first_from]
    if two:
        starts.append(data.draw(st.dates(first_from + timedelta(days=1), date(2026, 10, 27))))
    tariffs = []
    for valid_from in starts:
        rates = data.draw(weeks())
        make_tariff(device.id, valid_from, rates, tz=tariff_zone)
        midnight = datetime(valid_from.year, valid_from.month, valid_from.day, tzinfo=tz)
        tariffs.append((midnight.astimezone(UTC), tz, rates))
    seconds = st.integers(0, 7 * 86400 - 1)
    instants = set()
    for lo, _hi in WINDOWS:
        for s in data.draw(st.lists(seconds, max_size=25), label="seconds"):
            instants.add(lo + timedelta(seconds=s, microseconds=data.draw(st.integers(0, 999999))))
    near = st.integers(-4 * 3600, 4 * 3600)
    for change in CHANGES:
        for s in data.draw(st.lists(near, max_size=20), label="near a change"):
            instants.add(change + timedelta(seconds=s))
    readings = [
        Reading(device.id, ts, Decimal(data.draw(st.integers(1, 10**7))) / 10**6)
        for ts in sorted(instants)
    ]
    store_readings(readings)

    result = period_consumption(device.id, kind, day, zone)

    def expected(lo: datetime, hi: datetime) -> Decimal | None:
        if not tariffs or hi <= min(t[0] for t in tariffs):
            return None  # no tariff anywhere in it
        total = Decimal(0)
        for reading in readings:
            if lo <= reading.ts < hi:
                price = naive_price(tariffs, reading.ts)
                if price is None:
                    return None
                total += reading.value * price
        return total

    for bucket in result.buckets:
        assert bucket.cost == expected(bucket.start, bucket.end), bucket
    assert result.total_cost == expected(result.start, result.end)
    assert result.previous.cost == expected(result.previous.start, result.previous.end)
    assert (result.currency == "EUR") == (result.total_cost is not None)
