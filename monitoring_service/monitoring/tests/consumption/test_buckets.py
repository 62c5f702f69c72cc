"""Local days: DST days of 23 and 25 hours, half-hour zones, and the day-boundary property."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring.consumption.buckets import HourTotal, daily_hours, daily_totals
from monitoring.ingestion.readings import Reading
from monitoring.ingestion.store import store_readings
from monitoring.models import Device
from monitoring.tests.ingestion.helpers import make_device

pytestmark = pytest.mark.django_db

BUCHAREST = ZoneInfo("Europe/Bucharest")
KOLKATA = ZoneInfo("Asia/Kolkata")


def ten_minute_readings(device_id, start: datetime, end: datetime) -> list[Reading]:
    """A reading every 10 minutes in [start, end), value = minutes since start / 10^4 (exact)."""
    readings, ts = [], start
    while ts < end:
        minutes = int((ts - start).total_seconds() // 60)
        readings.append(Reading(device_id, ts, Decimal(minutes + 1) / 10_000))
        ts += timedelta(minutes=10)
    return readings


def in_local_day(reading: Reading, day: date, zone: ZoneInfo) -> bool:
    return reading.ts.astimezone(zone).date() == day


def stored_readings(first: date, end: date) -> tuple[Device, list[Reading]]:
    """A new device and its readings every 10 minutes from UTC midnight of ``first`` to that of
    ``end`` (excluded), stored."""
    device = make_device()
    readings = ten_minute_readings(
        device.id, datetime.combine(first, time(), UTC), datetime.combine(end, time(), UTC)
    )
    store_readings(readings)
    return device, readings


def hours_of_local_day(day: date, zone: ZoneInfo) -> tuple[list[HourTotal], list[Reading]]:
    """daily_hours of local ``day`` for a device read every 10 minutes from the UTC day before
    to the end of the UTC ``day``, and those of its readings that fall in the local day."""
    device, readings = stored_readings(day - timedelta(days=1), day + timedelta(days=1))
    day_readings = [r for r in readings if in_local_day(r, day, zone)]
    return daily_hours(device.id, day, zone), day_readings


def test_spring_forward_day_in_bucharest_has_23_hours_with_the_right_readings() -> None:
    hours, day_readings = hours_of_local_day(date(2026, 3, 29), BUCHAREST)

    assert len(hours) == 23
    assert [h.start.hour for h in hours] == [0, 1, 2, *range(4, 24)]
    assert hours[0].start.isoformat() == "2026-03-29T00:00:00+02:00"
    assert hours[-1].start.isoformat() == "2026-03-29T23:00:00+03:00"
    assert sum(h.kwh for h in hours) == sum(Decimal(r.value) for r in day_readings)
    assert all(
        h.kwh == sum(Decimal(r.value) for r in day_readings[6 * i : 6 * i + 6])
        for i, h in enumerate(hours)
    )


def test_fall_back_day_in_bucharest_has_25_hours_with_the_right_readings() -> None:
    hours, day_readings = hours_of_local_day(date(2026, 10, 25), BUCHAREST)

    assert len(hours) == 25
    assert [h.start.hour for h in hours] == [0, 1, 2, 3, 3, *range(4, 24)]
    assert hours[3].start.utcoffset() != hours[4].start.utcoffset()
    assert len(day_readings) == 150
    assert sum(h.kwh for h in hours) == sum(Decimal(r.value) for r in day_readings)


def test_kolkata_half_hour_offset_sums_the_readings_of_its_own_day() -> None:
    hours, day_readings = hours_of_local_day(date(2026, 6, 2), KOLKATA)

    assert len(hours) == 24
    assert hours[0].start.isoformat() == "2026-06-02T00:00:00+05:30"
    assert sum(h.kwh for h in hours) == sum(Decimal(r.value) for r in day_readings)
    first_hour = [r for r in day_readings if r.ts < hours[1].start]
    assert hours[0].kwh == sum(Decimal(r.value) for r in first_hour) and len(first_hour) == 6


def test_range_gives_one_total_per_local_day_both_ends_included() -> None:
    device, readings = stored_readings(date(2026, 3, 27), date(2026, 4, 2))

    days = daily_totals(device.id, date(2026, 3, 28), date(2026, 3, 31), BUCHAREST)

    assert [d.day for d in days] == [date(2026, 3, 28) + timedelta(days=i) for i in range(4)]
    for total in days:
        assert total.kwh == sum(
            Decimal(r.value) for r in readings if in_local_day(r, total.day, BUCHAREST)
        )


ZONES = sorted(available_timezones() - {"localtime", "Factory"})
# Readings around the clock for a few days, stored once for the whole property.
PROPERTY_START = datetime(2026, 3, 25, tzinfo=UTC)
PROPERTY_END = datetime(2026, 4, 5, tzinfo=UTC)


@pytest.fixture(scope="module")
def property_device(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        device = make_device()
        # Irregular instants (every 7 minutes 13 seconds) so no boundary is special.
        readings, ts, i = [], PROPERTY_START, 0
        while ts < PROPERTY_END:
            readings.append(Reading(device.id, ts, Decimal(i % 97 + 1) / 1000))
            ts += timedelta(minutes=7, seconds=13)
            i += 1
        store_readings(readings)
    yield device, readings
    with django_db_blocker.unblock():
        device.delete()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(zone_name=st.sampled_from(ZONES), offset=st.integers(min_value=1, max_value=9))
def test_day_total_equals_the_readings_whose_instant_falls_in_that_local_day(
    property_device,
    zone_name: str,
    offset: int,
) -> None:
    device, readings = property_device
    zone = ZoneInfo(zone_name)
    day = PROPERTY_START.date() + timedelta(days=offset)

    hours = daily_hours(device.id, day, zone)
    (total,) = daily_totals(device.id, day, day, zone)

    expected = sum((Decimal(r.value) for r in readings if in_local_day(r, day, zone)), Decimal(0))
    assert sum(h.kwh for h in hours) == expected == total.kwh
