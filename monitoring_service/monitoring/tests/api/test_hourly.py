import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from monitoring.ingestion.readings import Reading
from monitoring.ingestion.store import store_readings
from monitoring.tests.ingestion.helpers import make_device

pytestmark = pytest.mark.django_db

DAILY = "/api/monitoring/hourly/daily/"
RANGE = "/api/monitoring/hourly/range/"


@pytest.fixture
def device(owner: uuid.UUID):
    device = make_device(owner_id=owner)
    store_readings(
        [
            Reading(device.id, datetime(2026, 5, 4, 7, 10, tzinfo=UTC), Decimal("0.5")),
            Reading(device.id, datetime(2026, 5, 4, 7, 20, tzinfo=UTC), Decimal("0.25")),
            Reading(device.id, datetime(2026, 5, 4, 9, 0, tzinfo=UTC), Decimal("0.125")),
            Reading(device.id, datetime(2026, 5, 5, 9, 0, tzinfo=UTC), Decimal("2")),
        ]
    )
    return device


def test_daily_gives_every_local_hour_with_total_peak_and_average(
    owner_api: APIClient, device
) -> None:
    response = owner_api.get(
        DAILY, {"device_id": str(device.id), "date": "2026-05-04", "tz": "Europe/Bucharest"}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["device_id"], body["date"], body["tz"]) == (
        str(device.id),
        "2026-05-04",
        "Europe/Bucharest",
    )
    assert len(body["hours"]) == 24
    assert body["hours"][10] == {"start": "2026-05-04T10:00:00+03:00", "hour": 10, "kwh": 0.75}
    assert body["hours"][12] == {"start": "2026-05-04T12:00:00+03:00", "hour": 12, "kwh": 0.125}
    assert body["hours"][0]["kwh"] == 0
    assert body["total_kwh"] == 0.875
    assert body["peak"] == {"hour": 10, "kwh": 0.75}
    assert body["average_kwh"] == round(0.875 / 24, 6)


def test_daily_defaults_to_utc_and_an_empty_day_has_no_peak(
    admin_api: APIClient,
    device,
) -> None:
    response = admin_api.get(DAILY, {"device_id": str(device.id), "date": "2026-01-01"})

    body = response.json()
    assert (response.status_code, body["tz"], len(body["hours"])) == (200, "UTC", 24)
    assert (body["total_kwh"], body["peak"], body["average_kwh"]) == (0, None, 0)
    assert body["hours"][0]["start"] == "2026-01-01T00:00:00+00:00"


def test_range_gives_local_day_totals_both_ends_included(owner_api: APIClient, device) -> None:
    response = owner_api.get(
        RANGE,
        {"device_id": str(device.id), "start": "2026-05-03", "end": "2026-05-05", "tz": "UTC"},
    )

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "device_id": str(device.id),
        "start": "2026-05-03",
        "end": "2026-05-05",
        "tz": "UTC",
        "days": [
            {"date": "2026-05-03", "kwh": 0},
            {"date": "2026-05-04", "kwh": 0.875},
            {"date": "2026-05-05", "kwh": 2},
        ],
        "total_kwh": 2.875,
    }


def test_range_of_366_days_is_allowed(admin_api: APIClient, device) -> None:
    start = datetime(2026, 1, 1).date()
    end = start + timedelta(days=365)
    response = admin_api.get(
        RANGE, {"device_id": str(device.id), "start": str(start), "end": str(end)}
    )

    assert response.status_code == 200
    assert len(response.json()["days"]) == 366


def test_no_token_is_401(anonymous_api: APIClient, device) -> None:
    response = anonymous_api.get(DAILY, {"device_id": str(device.id), "date": "2026-05-04"})

    assert response.status_code == 401


@pytest.mark.parametrize("url", [DAILY, RANGE])
def test_someone_elses_device_is_404(
    client_for: Callable[..., APIClient],
    device,
    url: str,
) -> None:
    params = {
        "device_id": str(device.id),
        "date": "2026-05-04",
        "start": "2026-05-04",
        "end": "2026-05-04",
    }

    response = client_for(uuid.uuid4()).get(url, params)

    assert response.status_code == 404


def test_unknown_device_is_404(admin_api: APIClient) -> None:
    response = admin_api.get(DAILY, {"device_id": str(uuid.uuid4()), "date": "2026-05-04"})

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("url", "changes", "attr"),
    [
        (DAILY, {"date": "2026-13-01"}, "date"),
        (DAILY, {"date": "04/05/2026"}, "date"),
        (DAILY, {"date": None}, "date"),
        (DAILY, {"date": "9999-12-31", "tz": "Pacific/Kiritimati"}, "date"),
        (DAILY, {"date": "0001-01-01", "tz": "America/Los_Angeles"}, "date"),
        (DAILY, {"tz": "Mars/Olympus"}, "tz"),
        (DAILY, {"tz": "../../etc/passwd"}, "tz"),
        (DAILY, {"tz": "localtime"}, "tz"),
        (DAILY, {"device_id": "meter-1"}, "device_id"),
        (DAILY, {"device_id": None}, "device_id"),
        (RANGE, {"start": "2026-05-05", "end": "2026-05-04"}, "end"),
        (RANGE, {"start": "2025-01-01", "end": "2026-01-02"}, "end"),
        (RANGE, {"start": "yesterday"}, "start"),
        (RANGE, {"start": "0001-01-01", "tz": "Asia/Tokyo"}, "start"),
        (RANGE, {"end": None}, "end"),
        (RANGE, {"tz": "Europe/Nowhere"}, "tz"),
    ],
)
def test_bad_parameter_is_400_naming_it(
    admin_api: APIClient,
    device,
    url: str,
    changes: dict,
    attr: str,
) -> None:
    params = {
        "device_id": str(device.id),
        "date": "2026-05-04",
        "start": "2026-05-01",
        "end": "2026-05-04",
        "tz": "UTC",
        **changes,
    }

    response = admin_api.get(url, {k: v for k, v in params.items() if v is not None})

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["type"] == "validation_error"
    assert [error["attr"] for error in body["errors"]] == [attr]
