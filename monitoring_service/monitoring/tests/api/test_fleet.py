"""GET /api/monitoring/fleet/: the day's total, devices over max, silent meters, top consumers."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from ems_common.testing.openapi import assert_documented
from monitoring.consumption.fleet import fleet_day
from monitoring.ingestion.readings import Reading
from monitoring.ingestion.store import store_readings
from monitoring.models import Device

pytestmark = pytest.mark.django_db

URL = "/api/monitoring/fleet/"
DAY = datetime(2026, 5, 4, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


def device(name: str, max_kwh: str = "5", interval: int = 10) -> Device:
    return Device.objects.create(
        id=uuid.uuid4(),
        name=name,
        max_hourly_consumption_kwh=Decimal(max_kwh),
        reading_interval_minutes=interval,
    )


def every_ten_minutes(d: Device, start: datetime, hours: int, kwh: str) -> list[Reading]:
    return [
        Reading(d.id, start + timedelta(minutes=10 * i), Decimal(kwh)) for i in range(hours * 6)
    ]


def test_a_day_of_the_fleet(admin_api: APIClient) -> None:
    busy, quiet, idle, _never = (
        device("Busy", max_kwh="1"),
        device("Quiet"),
        device("Idle"),
        device("Never"),
    )
    store_readings(
        every_ten_minutes(busy, DAY + timedelta(hours=8), 3, "0.5")  # 3 kWh an hour, 3 hours
        + every_ten_minutes(quiet, DAY, 24, "0.01")
        + [Reading(idle.id, DAY - timedelta(days=1), Decimal("7"))]  # the day before
    )
    now = DAY + timedelta(hours=23, minutes=55)

    fleet = fleet_day(DAY.date(), UTC_ZONE, now=now)

    assert fleet.devices == 4
    assert fleet.total == Decimal("9") + Decimal("1.44")
    assert [(o.name, o.hours_over) for o in fleet.over_max] == [("Busy", 3)]
    assert [(s.name, s.last_reading_at) for s in fleet.silent] == [
        ("Never", None),
        ("Idle", DAY - timedelta(days=1)),
        ("Busy", DAY + timedelta(hours=10, minutes=50)),
    ]
    assert [(t.name, t.kwh) for t in fleet.top] == [
        ("Busy", Decimal(9)),
        ("Quiet", Decimal("1.44")),
    ]


def test_a_meter_is_silent_only_after_three_of_its_intervals(admin_api: APIClient) -> None:
    hourly_meter = device("Hourly", interval=60)
    store_readings([Reading(hourly_meter.id, DAY, Decimal("1"))])

    assert fleet_day(DAY.date(), UTC_ZONE, now=DAY + timedelta(hours=3)).silent == []
    later = fleet_day(DAY.date(), UTC_ZONE, now=DAY + timedelta(hours=3, seconds=1))
    assert [s.name for s in later.silent] == ["Hourly"]


def test_the_top_holds_at_most_ten_devices_biggest_first(admin_api: APIClient) -> None:
    meters = [device(f"M{i:02}") for i in range(12)]
    store_readings(
        [Reading(m.id, DAY + timedelta(hours=1), Decimal(i + 1)) for i, m in enumerate(meters)]
    )

    top = fleet_day(DAY.date(), UTC_ZONE, now=DAY).top

    assert [t.name for t in top] == [f"M{i:02}" for i in range(11, 1, -1)]


def test_a_local_day_at_a_quarter_hour_offset_counts_its_edge_readings(
    admin_api: APIClient,
) -> None:
    meter = device("Meter")
    # Asia/Kathmandu's 2026-05-04 is [2026-05-03 18:15, 2026-05-04 18:15) UTC.
    store_readings(
        [
            Reading(meter.id, datetime(2026, 5, 3, 18, 10, tzinfo=UTC), Decimal("1")),  # before
            Reading(meter.id, datetime(2026, 5, 3, 18, 15, tzinfo=UTC), Decimal("2")),
            Reading(meter.id, datetime(2026, 5, 4, 12, 0, tzinfo=UTC), Decimal("4")),
            Reading(meter.id, datetime(2026, 5, 4, 18, 14, tzinfo=UTC), Decimal("8")),
            Reading(meter.id, datetime(2026, 5, 4, 18, 15, tzinfo=UTC), Decimal("16")),  # after
        ]
    )

    response = admin_api.get(URL, {"date": "2026-05-04", "tz": "Asia/Kathmandu"})

    body = response.json()
    assert response.status_code == 200, body
    assert (body["date"], body["tz"], body["devices"], body["total_kwh"]) == (
        "2026-05-04",
        "Asia/Kathmandu",
        1,
        14.0,
    )
    assert body["top"] == [{"device_id": str(meter.id), "name": "Meter", "kwh": 14.0, "cost": None}]
    assert body["over_max"] == []
    assert body["silent"] == [
        {
            "device_id": str(meter.id),
            "name": "Meter",
            "last_reading_at": "2026-05-05T00:00:00+05:45",
        }
    ]
    assert_documented(response, "GET", URL)


def test_a_client_is_403_and_anonymous_401(client_for: Callable[..., APIClient]) -> None:
    assert client_for(uuid.uuid4()).get(URL, {"date": "2026-05-04"}).status_code == 403
    assert APIClient().get(URL, {"date": "2026-05-04"}).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date": "yesterday"}, "date"),
        ({}, "date"),
        ({"date": "2026-05-04", "tz": "Nowhere"}, "tz"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(admin_api: APIClient, params, field) -> None:
    response = admin_api.get(URL, params)

    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == [field]
    assert_documented(response, "GET", URL)
