"""Costs in the period and fleet APIs: computed when asked, from the tariffs as they are now."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from ems_common.testing.openapi import assert_documented
from monitoring.consumption.period_summary import period_consumption
from monitoring.consumption.periods import PeriodKind
from monitoring.ingestion.readings import Reading
from monitoring.ingestion.store import store_readings
from monitoring.tests.ingestion.helpers import make_device
from monitoring.tests.tariffs.helpers import make_tariff, night_day_rates, rate

pytestmark = pytest.mark.django_db

URL = "/api/monitoring/consumption/"
FLEET = "/api/monitoring/fleet/"
BUCHAREST = "Europe/Bucharest"
# 2026-01-14, Bucharest (UTC+2): 04:30 UTC is night (06:30), 10:00 UTC is day (12:00).
NIGHT = datetime(2026, 1, 14, 4, 30, tzinfo=UTC)
DAYTIME = datetime(2026, 1, 14, 10, tzinfo=UTC)


def day_of(api: APIClient, device_id: uuid.UUID, day: str = "2026-01-14") -> dict:
    response = api.get(
        URL, {"device_id": str(device_id), "period": "day", "date": day, "tz": BUCHAREST}
    )
    assert response.status_code == 200, response.json()
    assert_documented(response, "GET", URL)
    return response.json()


def test_a_day_costs_each_reading_at_its_rate_exactly(admin_api: APIClient) -> None:
    device = make_device()
    make_tariff(rates=night_day_rates("0.1", "0.25"), currency="RON")
    store_readings(
        [Reading(device.id, NIGHT, Decimal("1.123457")), Reading(device.id, DAYTIME, Decimal("2"))]
    )

    body = day_of(admin_api, device.id)

    assert body["total_cost"] == "0.6123457"  # 1.123457 × 0.1 + 2 × 0.25
    assert body["currency"] == "RON"
    assert body["buckets"][6]["cost"] == "0.1123457"  # 06:00 local
    assert body["buckets"][12]["cost"] == "0.5"
    assert body["buckets"][0]["cost"] == "0"  # a tariff applies, no energy
    assert body["previous"]["total_cost"] == "0"


def test_without_a_tariff_every_cost_is_null(admin_api: APIClient) -> None:
    device = make_device()
    store_readings([Reading(device.id, NIGHT, Decimal("1"))])

    body = day_of(admin_api, device.id)

    assert body["total_cost"] is None and body["currency"] is None
    assert {b["cost"] for b in body["buckets"]} == {None}


def test_a_corrected_price_changes_the_cost_of_the_past(admin_api: APIClient) -> None:
    device = make_device()
    tariff = make_tariff(rates=[rate("00:00", "24:00", "0.2")])
    store_readings([Reading(device.id, NIGHT, Decimal("3"))])
    assert day_of(admin_api, device.id)["total_cost"] == "0.6"

    admin_api.patch(
        f"/api/monitoring/tariffs/{tariff.id}/",
        {"rates": [rate("00:00", "24:00", "0.21")]},
        format="json",
    )

    assert day_of(admin_api, device.id)["total_cost"] == "0.63"


def test_a_late_reading_is_priced(admin_api: APIClient) -> None:
    device = make_device()
    make_tariff(rates=night_day_rates("0.1", "0.25"))
    store_readings([Reading(device.id, DAYTIME, Decimal("1"))])
    assert day_of(admin_api, device.id)["total_cost"] == "0.25"

    store_readings([Reading(device.id, NIGHT, Decimal("1"))])  # ingested after the query

    assert day_of(admin_api, device.id)["total_cost"] == "0.35"


def test_energy_before_the_first_tariff_makes_the_total_null(admin_api: APIClient) -> None:
    device = make_device()
    # In force from Wednesday's local midnight; the energy is on Tuesday.
    make_tariff(valid_from=date(2026, 1, 14), rates=[rate("00:00", "24:00", "0.2")])
    store_readings([Reading(device.id, NIGHT - timedelta(days=1), Decimal("1"))])

    week = admin_api.get(
        URL, {"device_id": str(device.id), "period": "week", "date": "2026-01-14", "tz": BUCHAREST}
    ).json()

    assert week["buckets"][0]["cost"] is None  # Monday: energy, no tariff
    assert week["buckets"][1]["cost"] is None  # Tuesday: energy before the tariff
    assert week["buckets"][2]["cost"] == "0"  # Wednesday: a tariff, no energy
    assert week["total_cost"] is None


def test_a_period_across_two_currencies_has_no_total(admin_api: APIClient) -> None:
    device = make_device()
    make_tariff(valid_from=date(2026, 1, 1), currency="EUR")
    make_tariff(valid_from=date(2026, 1, 15), currency="RON")
    store_readings([Reading(device.id, NIGHT, Decimal("1"))])

    week = admin_api.get(
        URL, {"device_id": str(device.id), "period": "week", "date": "2026-01-14", "tz": BUCHAREST}
    ).json()

    assert week["buckets"][2]["cost"] == "0.2"
    assert week["total_cost"] is None and week["currency"] is None


def test_the_own_tariff_wins_over_the_default_from_its_start(admin_api: APIClient) -> None:
    device, other = make_device(), make_device()
    make_tariff(rates=[rate("00:00", "24:00", "0.2")])
    make_tariff(device.id, date(2026, 1, 14), [rate("00:00", "24:00", "0.5")])
    for meter in (device, other):
        store_readings([Reading(meter.id, NIGHT, Decimal("1"))])

    assert day_of(admin_api, device.id)["total_cost"] == "0.5"
    assert day_of(admin_api, other.id)["total_cost"] == "0.2"
    assert day_of(admin_api, device.id, "2026-01-13")["total_cost"] == "0"  # the default then


def test_a_partial_month_is_projected_at_its_pace() -> None:
    device = make_device()
    make_tariff(rates=[rate("00:00", "24:00", "0.3")])
    start = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(hours=2)  # Bucharest's 1 January
    store_readings([Reading(device.id, start + timedelta(days=10), Decimal("10"))])

    result = period_consumption(
        device.id, PeriodKind.MONTH, date(2026, 1, 5), ZoneInfo(BUCHAREST),
        now=start + timedelta(days=12),
    )  # fmt: skip

    assert result.projection is not None
    assert result.projection.basis == timedelta(days=10)
    assert result.projection.kwh == Decimal("31")  # 10 kWh × 31 days / 10 days
    assert result.projection.cost == Decimal("9.300000")
    over = period_consumption(
        device.id, PeriodKind.MONTH, date(2026, 1, 5), ZoneInfo(BUCHAREST),
        now=start + timedelta(days=40),
    )  # fmt: skip
    assert over.projection is None


def test_the_fleet_costs_each_device_by_its_tariff_in_one_statement(admin_api: APIClient) -> None:
    own, plain, idle = make_device(), make_device(), make_device()
    make_tariff(rates=night_day_rates("0.1", "0.25"))
    make_tariff(own.id, rates=[rate("00:00", "24:00", "0.5")])
    store_readings(
        [
            Reading(own.id, NIGHT, Decimal("2")),
            Reading(plain.id, NIGHT, Decimal("1")),
            Reading(plain.id, DAYTIME, Decimal("1")),
        ]
    )
    with CaptureQueriesContext(connection) as few:
        admin_api.get(FLEET, {"date": "2026-01-14", "tz": BUCHAREST})
    for _ in range(20):
        more = make_device()  # more devices, with tariffs of their own: no more statements
        make_tariff(more.id, rates=[rate("00:00", "24:00", "0.7")])

    with CaptureQueriesContext(connection) as many:
        response = admin_api.get(FLEET, {"date": "2026-01-14", "tz": BUCHAREST})

    assert response.status_code == 200
    assert_documented(response, "GET", FLEET)
    body = response.json()
    costs = {t["device_id"]: t["cost"] for t in body["top"]}
    assert costs == {str(own.id): "1", str(plain.id): "0.35"}
    assert body["total_cost"] == "1.35" and body["currency"] == "EUR"
    assert idle.id  # no energy: not in the top, costs nothing
    assert len(many) == len(few) <= 6


def test_the_fleet_in_two_currencies_has_no_total(admin_api: APIClient) -> None:
    euro, lei = make_device(), make_device()
    make_tariff(euro.id, currency="EUR")
    make_tariff(lei.id, currency="RON")
    store_readings([Reading(euro.id, NIGHT, Decimal("1")), Reading(lei.id, NIGHT, Decimal("2"))])

    body = admin_api.get(FLEET, {"date": "2026-01-14", "tz": BUCHAREST}).json()

    assert {t["cost"] for t in body["top"]} == {"0.2", "0.4"}
    assert body["total_cost"] is None and body["currency"] is None


def test_a_fleet_device_without_tariff_makes_the_total_null(admin_api: APIClient) -> None:
    priced, unpriced = make_device(), make_device()
    make_tariff(priced.id)
    store_readings(
        [Reading(priced.id, NIGHT, Decimal("1")), Reading(unpriced.id, NIGHT, Decimal("1"))]
    )

    body = admin_api.get(FLEET, {"date": "2026-01-14", "tz": BUCHAREST}).json()

    assert {t["device_id"]: t["cost"] for t in body["top"]} == {
        str(priced.id): "0.2",
        str(unpriced.id): None,
    }
    assert body["total_cost"] is None


def test_the_fleets_total_cost_counts_the_devices_beyond_the_top(admin_api: APIClient) -> None:
    make_tariff(rates=[rate("00:00", "24:00", "0.5")])
    meters = [make_device() for _ in range(12)]  # the top holds 10
    store_readings([Reading(m.id, NIGHT, Decimal(i + 1)) for i, m in enumerate(meters)])

    body = admin_api.get(FLEET, {"date": "2026-01-14", "tz": BUCHAREST}).json()

    assert len(body["top"]) == 10
    assert {t["device_id"]: t["cost"] for t in body["top"]} == {
        str(m.id): str(Decimal(i + 1) / 2) for i, m in enumerate(meters) if i >= 2
    }
    assert body["total_kwh"] == 78 and body["total_cost"] == "39"
