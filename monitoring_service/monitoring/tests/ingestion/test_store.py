import random
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from monitoring.ingestion.readings import Reading, parse_reading
from monitoring.ingestion.store import store_readings
from monitoring.tests.ingestion.helpers import (
    assert_rollups_exact,
    day_of_readings,
    expected_hourly,
    hourly,
    make_device,
    stored_count,
)

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 5, 4, tzinfo=UTC)


def test_a_day_of_144_readings_gives_24_exact_hourly_totals() -> None:
    device = make_device()
    readings = day_of_readings(DAY)

    result = store_readings([Reading(device.id, ts, value) for ts, value in readings])

    assert (result.stored, stored_count(device.id)) == (144, 144)
    totals = hourly(device.id)
    assert totals == expected_hourly(readings)
    assert list(totals) == [DAY.replace(hour=h) for h in range(24)]
    assert sum(totals.values()) == sum(value for _, value in readings) == Decimal("10.44")


def test_the_same_readings_again_change_nothing() -> None:
    device = make_device()
    batch = [Reading(device.id, ts, value) for ts, value in day_of_readings(DAY)]
    store_readings(batch)
    before = hourly(device.id)

    again = store_readings(batch)

    assert again.stored == 0
    assert hourly(device.id) == before
    assert_rollups_exact(device.id)
    assert stored_count(device.id) == 144


def test_readings_in_random_order_and_split_batches_give_the_same_totals() -> None:
    device = make_device()
    readings = day_of_readings(DAY)
    shuffled = random.Random(7).sample(readings, len(readings))

    for start in range(0, 144, 37):
        store_readings([Reading(device.id, ts, v) for ts, v in shuffled[start : start + 37]])

    assert hourly(device.id) == expected_hourly(readings)
    assert_rollups_exact(device.id)


def test_a_duplicate_inside_one_batch_counts_once() -> None:
    device = make_device()
    ts = datetime(2026, 5, 4, 10, 10, tzinfo=UTC)

    result = store_readings([Reading(device.id, ts, Decimal("1.5"))] * 3)

    assert result.stored == 1
    assert hourly(device.id) == {datetime(2026, 5, 4, 10, tzinfo=UTC): Decimal("1.5")}


def test_a_reading_exactly_on_the_hour_belongs_to_the_hour_it_starts() -> None:
    device = make_device()

    store_readings([Reading(device.id, datetime(2026, 5, 4, 11, tzinfo=UTC), Decimal("2"))])

    assert list(hourly(device.id)) == [datetime(2026, 5, 4, 11, tzinfo=UTC)]


def test_deleting_a_device_deletes_its_readings_and_totals() -> None:
    device = make_device()
    store_readings([Reading(device.id, ts, v) for ts, v in day_of_readings(DAY)])

    device.delete()

    assert stored_count(device.id) == 0
    assert hourly(device.id) == {}


def test_zero_and_sub_watt_hour_values_are_stored_exactly() -> None:
    device = make_device()
    body = '{{"timestamp": "2026-05-04T10:{:02d}:00Z", "device_id": "{}", "measurement_value": {}}}'
    raws = [body.format(m, device.id, v).encode() for m, v in [(0, "0"), (10, "0.000001"), (20, 7)]]

    store_readings([parse_reading(raw) for raw in raws])

    assert hourly(device.id) == {datetime(2026, 5, 4, 10, tzinfo=UTC): Decimal("7.000001")}
    assert stored_count(device.id) == 3


def test_readings_of_unknown_devices_are_left_out_and_named() -> None:
    device = make_device()
    stranger = uuid.uuid4()
    ts = datetime(2026, 5, 4, 9, 10, tzinfo=UTC)

    result = store_readings(
        [Reading(device.id, ts, Decimal("0.5")), Reading(stranger, ts, Decimal("0.7"))]
    )

    assert result.stored == 1
    assert result.unknown_devices == frozenset({str(stranger)})
    assert stored_count(stranger) == 0
    assert hourly(device.id) == {DAY.replace(hour=9): Decimal("0.5")}
