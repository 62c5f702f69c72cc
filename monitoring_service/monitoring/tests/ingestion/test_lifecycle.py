"""The raw readings' lifecycle: monthly partitions created ahead and dropped whole when expired,
every view the same once the raw rows are gone, a too-old reading refused with its reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ems_common.messaging.consumer import ERROR_HEADER
from ems_common.messaging.topology import dlq_name
from ems_common.settings import BrokerConfig
from ems_common.testing.broker import drain, wait_until
from monitoring.consumption.buckets import daily_hours, daily_totals
from monitoring.consumption.fleet import fleet_day
from monitoring.consumption.period_summary import period_consumption
from monitoring.consumption.periods import PeriodKind
from monitoring.ingestion.lifecycle import (
    compact_closed,
    ensure_partitions,
    partitions,
    run_lifecycle,
)
from monitoring.ingestion.readings import Reading
from monitoring.ingestion.store import store_readings
from monitoring.models import DailyConsumption, Device, HourlyConsumption, Tariff, TariffRate
from monitoring.models import Reading as RawReading
from monitoring.tests.ingestion.helpers import (
    assert_rollups_exact,
    body,
    epoch_ms,
    hourly,
    make_device,
    publish_all,
    running_consumer,
    stored_count,
)

# Readings in February and March 2024; at NOW a 400-day retention ends on 2024-04-27.
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
FIRST = datetime(2024, 2, 26, 3, 17, 41, tzinfo=UTC)
LAST = datetime(2024, 3, 4, tzinfo=UTC)
ZONES = [
    "Asia/Kolkata",
    "Australia/Eucla",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Europe/Bucharest",
]
DAYS = [date(2024, 2, 27), date(2024, 2, 29), date(2024, 3, 1), date(2024, 3, 3)]


def names(months: list[tuple[int, int]]) -> set[str]:
    return {f"monitoring_reading_y{y:04d}m{m:02d}" for y, m in months}


def raw_count() -> int:
    return RawReading.objects.count()


def irregular_readings(device: Device, every: timedelta = timedelta(seconds=433)) -> list[Reading]:
    """A reading every 7 min 13 s (every quarter-hour gets some, at odd instants), exact values."""
    readings, ts, i = [], FIRST, 0
    while ts < LAST:
        readings.append(Reading(device.id, ts, Decimal((i * 7919) % 100_000 + 1) / 10**6))
        ts, i = ts + every, i + 1
    return readings


def store_in_batches(readings: list[Reading], size: int = 1000) -> None:
    for i in range(0, len(readings), size):
        store_readings(readings[i : i + size])


def quarter_tariff() -> None:
    """A default tariff whose windows change at 07:45 and 22:30 local (quarter-hours)."""
    tariff = Tariff.objects.create(
        name="Quarters", currency="EUR", valid_from=date(2024, 1, 1), tz="Asia/Kolkata"
    )
    every_day = list(range(7))
    for position, (start, end, price) in enumerate(
        [(0, 465, "0.5"), (465, 1350, "1.25"), (1350, 1440, "0.5")]
    ):
        TariffRate.objects.create(
            tariff=tariff,
            position=position,
            days=every_day,
            start_minute=start,
            end_minute=end,
            price_per_kwh=Decimal(price),
        )


def every_view(device: Device) -> dict[str, Any]:
    """What the APIs show of the device (and the fleet) over those days, in every zone."""
    views: dict[str, Any] = {}
    for name in ZONES:
        zone = ZoneInfo(name)
        views[f"{name} days"] = daily_totals(device.id, DAYS[0], DAYS[-1], zone)
        for day in DAYS:
            views[f"{name} hours {day}"] = daily_hours(device.id, day, zone)
            views[f"{name} fleet {day}"] = fleet_day(day, zone, now=NOW)
            for kind in PeriodKind:
                views[f"{name} {kind} {day}"] = period_consumption(
                    device.id, kind, day, zone, now=NOW
                )
    return views


@pytest.mark.django_db
def test_partitions_are_created_ahead_and_only_whole_expired_months_dropped() -> None:
    device = make_device()
    # The months 2024-02..2024-04 get their partitions on demand (no retention yet).
    store_readings(
        [
            Reading(device.id, datetime(2024, 2, 29, 23, 59, tzinfo=UTC), Decimal("1")),
            Reading(device.id, datetime(2024, 3, 10, tzinfo=UTC), Decimal("2")),
            Reading(device.id, datetime(2024, 4, 30, tzinfo=UTC), Decimal("4")),
        ]
    )
    assert names([(2024, 2), (2024, 3), (2024, 4)]) <= {p.name for p in partitions()}

    report = run_lifecycle(now=NOW, days=400)  # cutoff 2024-04-27: April is kept whole

    assert names([(2025, 6), (2025, 7), (2025, 8)]) <= set(report.created)
    assert names([(2024, 2), (2024, 3)]) <= set(report.dropped)
    assert names([(2024, 4)]) & set(report.dropped) == set()
    kept = {p.name for p in partitions()}
    assert names([(2024, 4), (2025, 6), (2025, 7), (2025, 8)]) <= kept
    assert kept.isdisjoint(names([(2024, 2), (2024, 3)]))
    assert stored_count(device.id) == 1  # the April reading, in a month not wholly expired
    # The totals are those of all three readings still.
    assert sum(hourly(device.id).values()) == Decimal("7")
    assert run_lifecycle(now=NOW, days=400).created == []  # again: nothing to do


@pytest.mark.django_db
def test_the_command_reports_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("readings_lifecycle", "--retention-days", "0", "--since", "2023-11-05")
    out = capsys.readouterr().out
    assert "monitoring_reading_y2023m11" in out
    assert names([(2023, 11), (2023, 12), (2024, 1)]) <= {p.name for p in partitions()}


@pytest.mark.django_db
def test_every_view_is_the_same_once_the_raw_readings_are_dropped() -> None:
    device = make_device()
    other = make_device()
    quarter_tariff()
    store_in_batches(irregular_readings(device) + irregular_readings(other, timedelta(minutes=10)))
    assert_rollups_exact(device.id)
    before = every_view(device)

    run_lifecycle(now=NOW, days=400)

    assert raw_count() == 0
    after = every_view(device)
    assert after.keys() == before.keys()
    for key, view in before.items():
        assert after[key] == view, key


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=3 * 24 * 3600 - 1), max_size=60),
    zone_name=st.sampled_from(ZONES),
    day=st.sampled_from([date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]),
)
def test_any_readings_give_the_same_day_views_without_their_raw_rows(
    offsets: list[int], zone_name: str, day: date
) -> None:
    device = make_device()
    start = datetime(2024, 2, 27, 12, tzinfo=UTC)
    readings = [
        Reading(device.id, start + timedelta(seconds=s), Decimal(i + 1) / 1000)
        for i, s in enumerate(sorted(set(offsets)))
    ]
    store_readings(readings)
    zone = ZoneInfo(zone_name)
    views: Callable[[], Any] = lambda: (  # noqa: E731
        daily_hours(device.id, day, zone),
        period_consumption(device.id, PeriodKind.DAY, day, zone, now=NOW),
        period_consumption(device.id, PeriodKind.MONTH, day, zone, now=NOW),
    )
    before = views()
    with connection.cursor() as cursor:  # the raw rows gone, as the dropped partitions take them
        cursor.execute("DELETE FROM monitoring_reading WHERE device_key = %s", [device.key])
    assert views() == before


@pytest.mark.django_db
def test_a_reading_older_than_the_retention_is_refused_and_counted_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EMS_RAW_RETENTION_DAYS", "400")
    device = make_device()
    old = datetime(2024, 3, 1, 10, tzinfo=UTC)
    store_readings([Reading(device.id, old, Decimal("1.5"))], now=old)
    run_lifecycle(now=NOW)
    assert stored_count(device.id) == 0

    recent = NOW - timedelta(days=1)
    result = store_readings(
        [
            Reading(device.id, old, Decimal("1.5")),  # delivered again
            Reading(device.id, recent, Decimal("2")),
            Reading(device.id, NOW - timedelta(days=400, seconds=1), Decimal("3")),
        ],
        now=NOW,
    )

    assert (result.stored, result.expired) == (1, (0, 2))
    assert hourly(device.id) == {
        old: Decimal("1.5"),
        recent.replace(minute=0, second=0, microsecond=0): Decimal("2"),
    }


@pytest.mark.django_db(transaction=True)
def test_the_consumer_dead_letters_a_too_old_reading_with_its_reason(
    unique_queue: str, broker_config: BrokerConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMS_RAW_RETENTION_DAYS", "400")
    device = make_device()
    now = datetime.now(UTC).replace(microsecond=0)
    too_old = now - timedelta(days=401)
    good = body(device.id, epoch_ms(now - timedelta(hours=1)), 0.25)
    old = body(device.id, epoch_ms(too_old), 0.5)
    publish_all(unique_queue, [old, good], broker_config)

    with running_consumer(unique_queue, broker_config):
        wait_until(lambda: stored_count(device.id) == 1, timeout=15, what="the recent reading")
        dead = drain(dlq_name(unique_queue), count=1, timeout=10)

    assert [m.body for m in dead] == [old]
    reason = dead[0].headers[ERROR_HEADER]
    assert "older than the raw readings' retention (400 days" in reason
    assert sum(hourly(device.id).values()) == Decimal("0.25")


@pytest.mark.django_db
def test_deleting_a_device_deletes_its_readings_and_totals() -> None:
    device, other = make_device(), make_device()
    at = datetime(2026, 5, 4, 10, 20, tzinfo=UTC)
    store_readings([Reading(device.id, at, Decimal("1")), Reading(other.id, at, Decimal("2"))])

    Device.objects.filter(id=device.id).delete()

    assert stored_count(device.id) == 0 and stored_count(other.id) == 1
    assert not HourlyConsumption.objects.filter(device_id=device.id).exists()
    assert not DailyConsumption.objects.filter(device_id=device.id).exists()
    assert RawReading.objects.filter(device__key=other.key).count() == 1


@pytest.mark.django_db
def test_devices_get_distinct_keys_and_a_reading_is_stored_in_micro_kwh() -> None:
    first, second = make_device(), make_device()
    assert first.key is not None and second.key is not None and first.key != second.key
    store_readings([Reading(first.id, datetime(2026, 5, 4, tzinfo=UTC), Decimal("12.345678"))])
    assert RawReading.objects.get(device__key=first.key).value == 12_345_678


def index_bytes(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s::regclass)", [f"{name}_pkey"])
        (size,) = cursor.fetchone()
    return int(size)


@pytest.mark.django_db(transaction=True)
def test_a_closed_month_gets_its_primary_key_rebuilt_once() -> None:
    devices = [make_device() for _ in range(20)]
    start = datetime(2024, 5, 1, tzinfo=UTC)
    for step in range(0, 600, 100):  # each device appends inside its own key range, as live
        store_readings(
            [
                Reading(d.id, start + timedelta(minutes=10 * i), Decimal("0.001"))
                for i in range(step, step + 100)
                for d in devices
            ]
        )
    name = "monitoring_reading_y2024m05"
    grown = index_bytes(name)
    ensure_partitions([datetime(2024, 6, 1, tzinfo=UTC)])  # empty: left for its history to come

    compacted = compact_closed(now=NOW)

    assert name in compacted and "monitoring_reading_y2024m06" not in compacted
    assert index_bytes(name) < grown
    assert compact_closed(now=NOW) == []  # once
    assert stored_count(devices[0].id) == 600
    assert_rollups_exact(devices[0].id)
