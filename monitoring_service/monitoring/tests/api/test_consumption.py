"""GET /api/monitoring/consumption/: periods, buckets, gaps, comparisons, and its errors."""

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

URL = "/api/monitoring/consumption/"
DAY = datetime(2026, 5, 4, tzinfo=UTC)  # a Monday


@pytest.fixture
def device(owner: uuid.UUID):
    device = make_device(owner_id=owner)
    readings = [
        Reading(device.id, DAY + timedelta(minutes=10 * i), Decimal("0.01")) for i in range(144)
    ]
    readings += [
        Reading(device.id, DAY - timedelta(days=7), Decimal("1")),  # the week before
        Reading(device.id, DAY - timedelta(days=364), Decimal("2")),  # last year's week 19
    ]
    store_readings(readings)
    return device


def test_a_week_has_seven_local_days_with_totals_and_comparisons(
    owner_api: APIClient, device
) -> None:
    response = owner_api.get(
        URL, {"device_id": str(device.id), "period": "week", "date": "2026-05-06", "tz": "UTC"}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["period"], body["bucket"], body["tz"]) == ("week", "day", "UTC")
    assert (body["start"], body["end"]) == (
        "2026-05-04T00:00:00+00:00",
        "2026-05-11T00:00:00+00:00",
    )
    assert len(body["buckets"]) == 7
    assert body["buckets"][0] == {
        "start": "2026-05-04T00:00:00+00:00",
        "kwh": 1.44,
        "readings": 144,
        "expected_readings": 144,
        "cost": None,
        "estimated": False,
    }
    assert body["buckets"][1]["readings"] == 0
    assert body["total_kwh"] == 1.44
    assert (body["total_cost"], body["currency"], body["partial"]) == (None, None, False)
    assert body["last_reading_at"] == "2026-05-04T23:50:00+00:00"
    assert body["previous"] == {
        "start": "2026-04-27T00:00:00+00:00",
        "end": "2026-05-04T00:00:00+00:00",
        "total_kwh": 1.0,
        "total_cost": None,
    }
    assert body["last_year"]["start"] == "2025-05-05T00:00:00+00:00"
    assert body["last_year"]["total_kwh"] == 2.0


def test_a_day_in_kathmandu_has_hours_at_quarter_past(owner_api: APIClient, device) -> None:
    response = owner_api.get(
        URL,
        {
            "device_id": str(device.id),
            "period": "day",
            "date": "2026-05-04",
            "tz": "Asia/Kathmandu",
        },
    )

    body = response.json()
    assert response.status_code == 200, body
    assert body["bucket"] == "hour"
    assert body["start"] == "2026-05-04T00:00:00+05:45"
    assert len(body["buckets"]) == 24
    # 2026-05-04 00:00 UTC is 05:45 local: readings from the 6th local hour on, 6 per hour,
    # but the 05:00-06:00 hour holds 00:00 and 00:10 UTC only.
    assert [b["readings"] for b in body["buckets"][4:7]] == [0, 2, 6]
    assert body["total_kwh"] == pytest.approx(18 * 6 * 0.01 + 0.02)


def test_a_year_has_twelve_months_and_shows_the_gap(owner_api: APIClient, device) -> None:
    response = owner_api.get(
        URL, {"device_id": str(device.id), "period": "year", "date": "2026-05-04"}
    )

    body = response.json()
    assert [b["start"][:10] for b in body["buckets"]] == [f"2026-{m:02}-01" for m in range(1, 13)]
    may = body["buckets"][4]
    assert may["readings"] == 144
    assert may["readings"] < may["expected_readings"]


def test_two_hours_without_readings_show_fewer_readings_than_expected(
    owner_api: APIClient, owner: uuid.UUID
) -> None:
    device = make_device(owner_id=owner)
    gap = {7, 8}
    store_readings(
        [
            Reading(device.id, DAY + timedelta(minutes=10 * i), Decimal("0.1"))
            for i in range(144)
            if i // 6 not in gap
        ]
    )

    body = owner_api.get(
        URL, {"device_id": str(device.id), "period": "day", "date": "2026-05-04"}
    ).json()

    for hour, bucket in enumerate(body["buckets"]):
        assert bucket["expected_readings"] == 6
        assert bucket["readings"] == (0 if hour in gap else 6)


def test_a_running_period_is_partial_and_expects_only_the_elapsed_readings(
    owner_api: APIClient, owner: uuid.UUID
) -> None:
    device = make_device(owner_id=owner)
    today = datetime.now(UTC).date()

    body = owner_api.get(
        URL, {"device_id": str(device.id), "period": "month", "date": today.isoformat()}
    ).json()

    assert body["partial"] is True
    assert body["last_reading_at"] is None
    days = body["buckets"]
    assert days[today.day - 1]["expected_readings"] <= 144
    assert all(b["expected_readings"] == 0 for b in days[today.day :])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "fortnight"}, "period"),
        ({"period": ""}, "period"),
        ({"date": "2026-13-01"}, "date"),
        ({"date": "04/05/2026"}, "date"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"device_id": "42"}, "device_id"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    owner_api: APIClient, device, params, field
) -> None:
    query = {"device_id": str(device.id), "period": "day", "date": "2026-05-04", **params}

    response = owner_api.get(URL, query)

    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == [field]


def test_another_users_device_is_404(client_for: Callable[..., APIClient], device) -> None:
    response = client_for(uuid.uuid4()).get(
        URL, {"device_id": str(device.id), "period": "day", "date": "2026-05-04"}
    )

    assert response.status_code == 404


def test_an_admin_sees_any_device(admin_api: APIClient, device) -> None:
    response = admin_api.get(
        URL, {"device_id": str(device.id), "period": "day", "date": "2026-05-04"}
    )

    assert (response.status_code, response.json()["total_kwh"]) == (200, 1.44)


def test_anonymous_is_401(device) -> None:
    response = APIClient().get(
        URL, {"device_id": str(device.id), "period": "day", "date": "2026-05-04"}
    )

    assert response.status_code == 401
