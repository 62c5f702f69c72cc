"""Register readings through the API: a gap's buckets say estimated; an admin sees the resets."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from monitoring.ingestion.readings import RegisterReading
from monitoring.ingestion.store import store_readings
from monitoring.tests.ingestion.helpers import make_device

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 5, 4, tzinfo=UTC)
STEP = timedelta(minutes=10)


@pytest.fixture
def device(owner: uuid.UUID):
    """Registers every 10 minutes 00:00-06:00 (0.1 kWh each), silent 06:00-09:00 (1.2 kWh in
    all), every 10 minutes again to 12:00 with a reset to 2 kWh at 10:00."""
    device = make_device(owner_id=owner)
    total, registers = 100.0, []
    ts = DAY
    while ts <= DAY.replace(hour=12):
        if DAY.replace(hour=6) < ts < DAY.replace(hour=9):
            ts += STEP
            continue
        if ts == DAY.replace(hour=9):
            total += 1.2 - 0.1
        if ts == DAY.replace(hour=10):
            total = 2.0
        registers.append(RegisterReading(str(device.id), ts, f"{total:.6f}"))
        total += 0.1
        ts += STEP
    store_readings(registers[::-1])
    return device


def test_the_hours_of_a_gap_are_estimated_and_hold_its_energy_in_proportion(
    owner_api: APIClient, device
) -> None:
    body = owner_api.get(
        "/api/monitoring/consumption/",
        {"device_id": str(device.id), "period": "day", "date": "2026-05-04"},
    ).json()

    buckets = body["buckets"]
    assert [b["estimated"] for b in buckets[:12]] == [False] * 6 + [True] * 3 + [False] * 3
    # 06:00's own 0.1 kWh, then the gap's 1.2 kWh over its three hours; 09:00 closes the gap.
    assert [b["kwh"] for b in buckets[5:10]] == [0.6, 0.5, 0.4, 0.4, 0.5]
    assert [b["readings"] for b in buckets[5:10]] == [6, 1, 0, 0, 6]
    # 10:00 went down to 2 kWh: that interval is no energy, the rest of the hour 0.5 kWh.
    assert [b["kwh"] for b in buckets[10:13]] == [0.5, 0.6, 0.1]
    assert body["total_kwh"] == 6.5


def test_an_admin_sees_the_meter_resets(admin_api: APIClient, device) -> None:
    response = admin_api.get(f"/api/monitoring/devices/{device.id}/resets/")

    assert response.status_code == 200
    assert response.json() == {
        "device_id": str(device.id),
        "resets": [
            {"timestamp": "2026-05-04T10:00:00+00:00", "before_kwh": 105.3, "after_kwh": 2.0}
        ],
    }


def test_resets_are_for_admins_and_known_devices(
    owner_api: APIClient, admin_api: APIClient, device
) -> None:
    assert owner_api.get(f"/api/monitoring/devices/{device.id}/resets/").status_code == 403
    assert admin_api.get(f"/api/monitoring/devices/{uuid.uuid4()}/resets/").status_code == 404


RESETS_OF = "/api/monitoring/devices/{}/resets/"
RESET_AT = "2026-05-04T10:00:00+00:00"


@pytest.mark.parametrize(
    ("params", "listed"),
    [
        ({"start": "2026-05-04", "end": "2026-05-04"}, [RESET_AT]),
        ({"start": "2026-05-04"}, [RESET_AT]),
        ({"end": "2026-05-04"}, [RESET_AT]),
        ({"start": "2026-05-05"}, []),
        ({"end": "2026-05-03"}, []),
        # 10:00 UTC is the first instant of 5 May at UTC+14, and 13:00 on 4 May in Bucharest.
        ({"start": "2026-05-05", "end": "2026-05-05", "tz": "Pacific/Kiritimati"}, [RESET_AT]),
        ({"start": "2026-05-04", "end": "2026-05-04", "tz": "Pacific/Kiritimati"}, []),
        ({"start": "2026-05-04", "end": "2026-05-04", "tz": "Europe/Bucharest"}, [RESET_AT]),
    ],
)
def test_the_resets_of_local_days(
    admin_api: APIClient, device, params: dict[str, str], listed: list[str]
) -> None:
    response = admin_api.get(RESETS_OF.format(device.id), params)

    assert response.status_code == 200, response.content
    assert [r["timestamp"] for r in response.json()["resets"]] == listed


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-13-01"}, "start"),
        ({"end": "yesterday"}, "end"),
        ({"start": "2026-05-05", "end": "2026-05-04"}, "end"),
        ({"start": "1900-01-01"}, "start"),
        ({"tz": "Mars/Olympus"}, "tz"),
    ],
)
def test_bad_reset_filters_are_400_naming_the_field(
    admin_api: APIClient, device, params: dict[str, str], field: str
) -> None:
    response = admin_api.get(RESETS_OF.format(device.id), params)

    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == [field]


def test_a_client_is_refused_the_resets_whatever_it_asks(owner_api: APIClient, device) -> None:
    response = owner_api.get(RESETS_OF.format(device.id), {"start": "nope"})
    assert response.status_code == 403


def test_a_client_sees_estimated_buckets_only_of_its_own_devices(
    client_for: Callable[..., APIClient], device
) -> None:
    response = client_for(uuid.uuid4()).get(
        "/api/monitoring/consumption/",
        {"device_id": str(device.id), "period": "day", "date": "2026-05-04"},
    )
    assert response.status_code == 404
