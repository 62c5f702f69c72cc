"""Responses as the OpenAPI schema documents them (the fuzzer in tests/e2e checks every one)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from ems_common.testing.openapi import assert_documented, service_schema
from monitoring.ingestion.readings import Reading
from monitoring.ingestion.store import store_readings
from monitoring.tests.ingestion.helpers import make_device

pytestmark = pytest.mark.django_db


def documented_fields(path: str) -> set[str]:
    """The required properties of the 200 response of ``GET path``."""
    raw = service_schema().raw_schema
    content = raw["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    name = content["schema"]["$ref"].rsplit("/", 1)[-1]
    required: list[str] = raw["components"]["schemas"][name]["required"]
    return set(required)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/monitoring/hourly/daily/", {"date": "2026-03-29", "tz": "Europe/Bucharest"}),
        ("/api/monitoring/hourly/range/", {"start": "2026-03-28", "end": "2026-03-30"}),
        ("/api/monitoring/consumption/", {"period": "week", "date": "2026-03-29"}),
        (
            "/api/monitoring/consumption/",
            {"period": "day", "date": "2026-03-29", "tz": "Asia/Kathmandu"},
        ),
    ],
)
def test_consumption_responses_are_documented_field_by_field(
    client_for: Callable[..., APIClient], path: str, params: dict[str, Any]
) -> None:
    owner = uuid.uuid4()
    device = make_device(owner_id=owner)
    at = datetime(2026, 3, 29, 7, 10, tzinfo=UTC)
    store_readings([Reading(device.id, at, Decimal("0.5"))])

    response = client_for(owner).get(path, {"device_id": str(device.id), **params})

    assert response.status_code == 200, response.json()
    assert set(response.json()) == documented_fields(path)
    assert_documented(response, "GET", path)


def test_an_unknown_time_zone_is_a_documented_400(client_for: Callable[..., APIClient]) -> None:
    params = {"device_id": str(uuid.uuid4()), "date": "2026-03-29", "tz": "Mars/Olympus"}

    response = client_for(uuid.uuid4()).get("/api/monitoring/hourly/daily/", params)

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "tz"
    assert_documented(response, "GET", "/api/monitoring/hourly/daily/")
