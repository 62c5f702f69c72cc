"""/api/monitoring/tariffs/: admins write, clients read what can apply to their devices; every
bad tariff is a 400 naming its field."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from ems_common.testing.openapi import assert_documented
from monitoring.models import Tariff
from monitoring.tariffs import services
from monitoring.tests.ingestion.helpers import make_device
from monitoring.tests.tariffs.helpers import make_tariff, night_day_rates, rate

pytestmark = pytest.mark.django_db

LIST = "/api/monitoring/tariffs/"


def body(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Night and day",
        "currency": "RON",
        "device_id": None,
        "valid_from": "2026-01-01",
        "tz": "Europe/Bucharest",
        "rates": night_day_rates("0.45", "1.0500"),
        **changes,
    }


def error_attrs(response: Any) -> list[str]:
    return [error["attr"] for error in response.json()["errors"]]


def test_admin_creates_a_time_of_use_tariff_and_reads_it_back(admin_api: APIClient) -> None:
    response = admin_api.post(LIST, body(), format="json")

    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["rates"][1] == {
        "days": [0, 1, 2, 3, 4, 5, 6],
        "start": "07:00",
        "end": "23:00",
        "price_per_kwh": "1.05",
    }
    assert created["rates"][2]["end"] == "24:00"
    detail = admin_api.get(f"{LIST}{created['id']}/")
    assert detail.json() == created
    assert_documented(detail, "GET", "/api/monitoring/tariffs/{id}/")
    listed = admin_api.get(LIST)
    assert listed.json()["count"] == 1
    assert_documented(listed, "GET", LIST)


def test_admin_patches_and_deletes(admin_api: APIClient) -> None:
    tariff = make_tariff()

    patched = admin_api.patch(
        f"{LIST}{tariff.id}/", {"name": "Flat", "rates": [rate("00:00", "24:00", "0.3")]},
        format="json",
    )  # fmt: skip

    assert patched.status_code == 200, patched.json()
    assert patched.json()["name"] == "Flat"
    assert patched.json()["rates"] == [
        {"days": [0, 1, 2, 3, 4, 5, 6], "start": "00:00", "end": "24:00", "price_per_kwh": "0.3"}
    ]
    assert patched.json()["currency"] == "EUR"  # untouched
    assert admin_api.delete(f"{LIST}{tariff.id}/").status_code == 204
    assert admin_api.get(f"{LIST}{tariff.id}/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "attr", "words"),
    [
        ({"rates": [rate("00:00", "07:00", "0.1"), rate("07:30", "24:00", "0.2")]}, "rates",
         "Monday 07:00–07:30 has no rate"),
        ({"rates": [rate("00:00", "24:00", "0.1", [0, 2, 3, 4, 5, 6])]}, "rates",
         "Tuesday 00:00–24:00 has no rate"),
        ({"rates": [rate("00:00", "07:00", "0.1"), rate("07:00", "24:00", "0.2"),
                    rate("06:00", "08:00", "0.3", [0])]}, "rates",
         "Monday 06:00–07:00 has two rates (rates 0 and 2)"),
        ({"rates": [rate("00:00", "24:00", "-0.1")]}, "rates[0].price_per_kwh", "negative"),
        ({"rates": [rate("00:00", "24:00", "0.1234567")]}, "rates[0].price_per_kwh", "6"),
        ({"rates": [rate("00:00", "24:00", "0.1"), rate("07:00", "07:00", "0.1")]},
         "rates[1].end", "not after"),
        ({"rates": [rate("00:00", "24:00", "0.1", [0, 7])]}, "rates[0].days", "0..6"),
        ({"rates": [rate("00:00", "24:00", "0.1", [])]}, "rates[0].days", "0..6"),
        ({"rates": [rate("00:00", "25:00", "0.1")]}, "rates[0].end", "HH:MM"),
        ({"rates": [rate("24:00", "24:00", "0.1")]}, "rates[0].start", "HH:MM"),
        ({"rates": [{"days": [0], "start": "00:00", "price_per_kwh": "1"}]}, "rates[0].end",
         "required"),
        ({"rates": []}, "rates", "at least one"),
        ({"currency": "EURO"}, "currency", "ISO 4217"),
        ({"currency": "XYZ"}, "currency", "ISO 4217"),
        ({"currency": "eur"}, "currency", "ISO 4217"),
        ({"tz": "Mars/Olympus"}, "tz", "IANA"),
        ({"device_id": str(uuid.uuid4())}, "device_id", "no device"),
    ],
)  # fmt: skip
def test_a_bad_tariff_is_a_400_naming_the_field(
    admin_api: APIClient, changes: dict[str, Any], attr: str, words: str
) -> None:
    response = admin_api.post(LIST, body(**changes), format="json")

    assert response.status_code == 400, response.json()
    assert error_attrs(response) == [attr]
    assert words in response.json()["errors"][0]["detail"]
    assert_documented(response, "POST", LIST)


def test_the_same_start_written_meanwhile_is_a_400_too(
    admin_api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another request's tariff with the same start lands between the check and the insert
    (two admins at once): the unique constraint answers, as the same 400."""
    checked = services.check_tariff

    def check_then_a_rival_writes(values: Any, tariff_id: uuid.UUID | None) -> Any:
        rates = checked(values, tariff_id)
        Tariff.objects.create(
            name="Rival", currency="EUR", valid_from=values["valid_from"], tz="UTC"
        )
        return rates

    monkeypatch.setattr(services, "check_tariff", check_then_a_rival_writes)
    response = admin_api.post(LIST, body(valid_from="2024-05-01"), format="json")

    assert response.status_code == 400, response.json()
    assert error_attrs(response) == ["valid_from"]
    assert not Tariff.objects.exists()  # the rival was part of the rolled back transaction


def test_a_second_tariff_with_the_same_start_is_a_400_on_valid_from(admin_api: APIClient) -> None:
    device = make_device()
    make_tariff(device.id)
    make_tariff()  # the default one: another device_id

    response = admin_api.post(
        LIST, body(device_id=str(device.id), valid_from="2020-01-01"), format="json"
    )
    default = admin_api.post(LIST, body(valid_from="2020-01-01"), format="json")

    assert response.status_code == default.status_code == 400
    assert error_attrs(response) == error_attrs(default) == ["valid_from"]


def test_a_patch_is_checked_as_a_whole(admin_api: APIClient) -> None:
    tariff = make_tariff()
    make_tariff(valid_from=tariff.valid_from.replace(year=2021))

    gap = admin_api.patch(
        f"{LIST}{tariff.id}/", {"rates": [rate("00:00", "23:00", "0.3")]}, format="json"
    )
    same_start = admin_api.patch(f"{LIST}{tariff.id}/", {"valid_from": "2021-01-01"}, format="json")

    assert error_attrs(gap) == ["rates"]
    assert error_attrs(same_start) == ["valid_from"]


def test_a_client_sees_its_devices_tariffs_and_the_defaults_only(
    client_for: Callable[..., APIClient],
) -> None:
    owner = uuid.uuid4()
    mine, theirs = make_device(owner_id=owner), make_device(owner_id=uuid.uuid4())
    default = make_tariff()
    own = make_tariff(mine.id)
    other = make_tariff(theirs.id)
    api = client_for(owner)

    listed = api.get(LIST)
    filtered = api.get(LIST, {"device_id": str(mine.id)})

    assert {t["id"] for t in listed.json()["results"]} == {str(default.id), str(own.id)}
    assert [t["id"] for t in filtered.json()["results"]] == [str(own.id)]
    assert api.get(f"{LIST}{own.id}/").status_code == 200
    assert api.get(f"{LIST}{other.id}/").status_code == 404


def test_a_client_cannot_write(client_for: Callable[..., APIClient]) -> None:
    owner = uuid.uuid4()
    device = make_device(owner_id=owner)
    tariff = make_tariff(device.id)
    api = client_for(owner)

    assert api.post(LIST, body(device_id=str(device.id)), format="json").status_code == 403
    assert api.patch(f"{LIST}{tariff.id}/", {"name": "x"}, format="json").status_code == 403
    assert api.delete(f"{LIST}{tariff.id}/").status_code == 403


def test_the_device_list_shows_the_tariff_in_force_now(admin_api: APIClient) -> None:
    device, other = make_device(), make_device()
    make_tariff(name="Default")
    own = make_tariff(device.id, name="Own", currency="RON")
    make_tariff(other.id, valid_from=own.valid_from.replace(year=2099), name="Future")

    listed = admin_api.get("/api/monitoring/devices/").json()["results"]
    detail = admin_api.get(f"/api/monitoring/devices/{device.id}/").json()

    tariffs = {d["id"]: d["tariff"] for d in listed}
    assert tariffs[str(device.id)] == {"id": str(own.id), "name": "Own", "currency": "RON"}
    assert tariffs[str(other.id)]["name"] == "Default"
    assert detail["tariff"]["name"] == "Own"
