"""GET /api/monitoring/export/ and POST /api/monitoring/export/links/."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from monitoring.export import tickets
from monitoring.ingestion.readings import Reading
from monitoring.ingestion.store import store_readings
from monitoring.models import Device, User
from monitoring.tariffs.services import create_tariff
from monitoring.tests.ingestion.helpers import make_device

pytestmark = pytest.mark.django_db

EXPORT = "/api/monitoring/export/"
LINKS = "/api/monitoring/export/links/"
HEADER = "device_id,device_name,start,end,kwh,readings,expected_readings,cost,currency"
ClientFor = Callable[..., APIClient]


def content(response: Any) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def parsed(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content(response), newline="")))


def every_hour(device: Device, start: datetime, hours: int, value: str = "0.25") -> None:
    store_readings(
        [
            Reading(device.id, start + timedelta(minutes=30 + 60 * i), Decimal(value))
            for i in range(hours)
        ]
    )


def flat_tariff(price: str = "0.123456", currency: str = "EUR") -> None:
    create_tariff(
        name="Flat",
        currency=currency,
        device_id=None,
        valid_from=datetime(2020, 1, 1).date(),
        tz="UTC",
        rates=[{"days": list(range(7)), "start": "00:00", "end": "24:00", "price_per_kwh": price}],
    )


def test_the_csv_parses_with_its_exact_header_and_rfc4180_quoting(client_for: ClientFor) -> None:
    owner = uuid.uuid4()
    device = make_device(owner_id=owner)
    Device.objects.filter(id=device.id).update(name='Kitchen, "main"\nÜmlaut ⚡')
    every_hour(device, datetime(2026, 3, 2, tzinfo=UTC), 24)
    params = {
        "device_id": str(device.id),
        "start": "2026-03-02",
        "end": "2026-03-02",
        "bucket": "day",
    }

    response = client_for(owner).get(EXPORT, {**params, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="ems-kitchen-main-umlaut-2026-03-02_2026-03-02-day.csv"'
    )
    text = content(response)
    assert text.startswith(HEADER + "\r\n")
    assert '"Kitchen, ""main""\nÜmlaut ⚡"' in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows == [
        {
            "device_id": str(device.id),
            "device_name": 'Kitchen, "main"\nÜmlaut ⚡',
            "start": "2026-03-02T00:00:00+00:00",
            "end": "2026-03-03T00:00:00+00:00",
            "kwh": "6",
            "readings": "24",
            "expected_readings": "144",
            "cost": "",
            "currency": "",
        }
    ]


def test_a_fall_back_day_has_25_local_hours_with_their_offsets(client_for: ClientFor) -> None:
    owner = uuid.uuid4()
    device = make_device(owner_id=owner)
    every_hour(device, datetime(2026, 10, 24, 21, tzinfo=UTC), 25)
    params = {"device_id": str(device.id), "start": "2026-10-25", "end": "2026-10-25"}

    rows = parsed(
        client_for(owner).get(EXPORT, {**params, "bucket": "hour", "tz": "Europe/Bucharest"})
    )

    assert len(rows) == 25
    assert [r["start"] for r in rows[2:6]] == [
        "2026-10-25T02:00:00+03:00",
        "2026-10-25T03:00:00+03:00",
        "2026-10-25T03:00:00+02:00",
        "2026-10-25T04:00:00+02:00",
    ]
    assert rows[0]["start"] == "2026-10-25T00:00:00+03:00"
    assert rows[-1]["end"] == "2026-10-26T00:00:00+02:00"
    assert all(r["kwh"] == "0.25" and r["readings"] == "1" for r in rows)


def test_a_month_by_days_sums_to_the_period_apis_totals(client_for: ClientFor) -> None:
    owner = uuid.uuid4()
    device = make_device(owner_id=owner)
    flat_tariff()
    every_hour(device, datetime(2026, 2, 28, 20, tzinfo=UTC), 24 * 33, "0.123457")
    query = {"device_id": str(device.id), "tz": "Europe/Bucharest"}
    client = client_for(owner)

    rows = parsed(
        client.get(EXPORT, {**query, "start": "2026-03-01", "end": "2026-03-31", "bucket": "day"})
    )
    period = client.get(
        "/api/monitoring/consumption/", {**query, "period": "month", "date": "2026-03-10"}
    ).json()

    assert len(rows) == 31
    assert sum(Decimal(r["kwh"]) for r in rows) == Decimal(str(period["total_kwh"]))
    assert sum(Decimal(r["cost"]) for r in rows) == Decimal(period["total_cost"])
    assert {r["currency"] for r in rows} == {"EUR"} == {period["currency"]}
    assert [r["cost"] for r in rows] == [b["cost"] for b in period["buckets"]]


def test_month_rows_are_clipped_to_the_range(client_for: ClientFor) -> None:
    owner = uuid.uuid4()
    device = make_device(owner_id=owner)
    params = {
        "device_id": str(device.id),
        "start": "2026-01-15",
        "end": "2026-03-10",
        "bucket": "month",
    }

    rows = parsed(client_for(owner).get(EXPORT, params))

    assert [(r["start"][:10], r["end"][:10]) for r in rows] == [
        ("2026-01-15", "2026-02-01"),
        ("2026-02-01", "2026-03-01"),
        ("2026-03-01", "2026-03-11"),
    ]


def test_an_admin_exports_every_device_ordered_by_name(client_for: ClientFor) -> None:
    for name in ("b", "a", "c"):
        Device.objects.create(id=uuid.uuid4(), name=name, max_hourly_consumption_kwh=5)
    params = {"start": "2026-01-01", "end": "2026-01-02", "bucket": "day"}

    response = client_for(uuid.uuid4(), role="admin").get(EXPORT, params)

    assert [r["device_name"] for r in parsed(response)] == ["a", "a", "b", "b", "c", "c"]
    assert (
        'filename="ems-all-devices-2026-01-01_2026-01-02-day.csv"'
        in response["Content-Disposition"]
    )


def test_another_clients_device_is_a_404(client_for: ClientFor) -> None:
    device = make_device(owner_id=uuid.uuid4())
    params = {
        "device_id": str(device.id),
        "start": "2026-01-01",
        "end": "2026-01-01",
        "bucket": "day",
    }

    assert client_for(uuid.uuid4()).get(EXPORT, params).status_code == 404
    body = {**params, "device_id": [str(device.id)]}
    assert client_for(uuid.uuid4()).post(LINKS, body, format="json").status_code == 404


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"device_id": None}, "device_id"),
        ({"device_id": "several"}, "device_id"),
        ({"device_id": "nope"}, "device_id.0"),
        ({"start": "2026-13-01"}, "start"),
        ({"end": "2025-12-31"}, "end"),
        ({"bucket": "week"}, "bucket"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"format": "xlsx"}, "format"),
        ({"bucket": "hour", "start": "2021-01-01", "end": "2026-01-02"}, "end"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(
    client_for: ClientFor, change: dict[str, Any], attr: str
) -> None:
    owner = uuid.uuid4()
    device, other = make_device(owner_id=owner), make_device(owner_id=owner)
    params: dict[str, Any] = {
        "device_id": str(device.id),
        "start": "2026-01-01",
        "end": "2026-01-01",
        "bucket": "day",
        **change,
    }
    if params["device_id"] is None:
        del params["device_id"]
    elif params["device_id"] == "several":
        params["device_id"] = [str(device.id), str(other.id)]

    response = client_for(owner).get(EXPORT, params)

    assert response.status_code == 400, response
    assert response.json()["errors"][0]["attr"].startswith(attr.split(".")[0])


def test_five_years_of_hours_is_the_limit(client_for: ClientFor) -> None:
    owner = uuid.uuid4()
    device = make_device(owner_id=owner)
    params = {"device_id": [str(device.id)], "bucket": "hour", "start": "2021-01-01"}

    assert (
        client_for(owner).post(LINKS, {**params, "end": "2026-01-01"}, format="json").status_code
        == 201
    )
    refused = client_for(owner).post(LINKS, {**params, "end": "2026-01-02"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "end"


def owners_link(client_for: ClientFor) -> tuple[uuid.UUID, str]:
    """A download link a new owner asks for its new device's export: (owner, url)."""
    owner = uuid.uuid4()
    device = make_device(owner_id=owner)
    body = {
        "device_id": [str(device.id)],
        "start": "2026-03-02",
        "end": "2026-03-03",
        "bucket": "day",
    }
    response = client_for(owner).post(LINKS, body, format="json")
    assert response.status_code == 201, response.json()
    assert datetime.fromisoformat(response.json()["expires_at"]) <= datetime.now(UTC) + timedelta(
        seconds=60
    )
    url: str = response.json()["url"]
    assert url.startswith(EXPORT + "?")
    return owner, url


def refusal(response: Any) -> tuple[int, str]:
    """The status and the first error's code of a refused request."""
    return response.status_code, response.json()["errors"][0]["code"]


def test_a_link_works_once_without_the_bearer(client_for: ClientFor) -> None:
    _, url = owners_link(client_for)

    first = APIClient().get(url)
    again = APIClient().get(url)

    assert first.status_code == 200
    assert len(parsed(first)) == 2
    assert refusal(again) == (401, "ticket_used")


def test_a_link_is_for_its_query_only(client_for: ClientFor) -> None:
    _, url = owners_link(client_for)

    response = APIClient().get(url.replace("end=2026-03-03", "end=2026-03-04"))

    assert response.status_code == 403


def test_an_altered_or_expired_ticket_is_a_401(
    client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, url = owners_link(client_for)

    altered = APIClient().get(url[:-3] + ("abc" if not url.endswith("abc") else "xyz"))
    monkeypatch.setattr(tickets, "TICKET_SECONDS", -1)
    expired = APIClient().get(url)

    assert refusal(altered) == (401, "ticket_invalid")
    assert refusal(expired) == (401, "ticket_expired")


def test_a_ticket_of_an_account_changed_since_no_longer_works(client_for: ClientFor) -> None:
    owner, url = owners_link(client_for)
    User.objects.create(id=owner, username="someone", role="client", version=2)  # password changed

    response = APIClient().get(url)

    assert refusal(response) == (401, "session_ended")
