import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from monitoring.models import Device

pytestmark = pytest.mark.django_db

LIST = "/api/monitoring/devices/"


def make_device(owner_id: uuid.UUID | None = None, name: str = "Meter") -> Device:
    return Device.objects.create(
        id=uuid.uuid4(),
        name=name,
        owner_id=owner_id,
        version=1,
        max_hourly_consumption_kwh=Decimal("1.250"),
    )


def test_admin_lists_every_synced_device_in_the_device_shape(admin_api: APIClient) -> None:
    owned = make_device(uuid.uuid4(), name="A")
    make_device(name="B")

    response = admin_api.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"][0] == {
        "id": str(owned.id),
        "name": "A",
        "description": "",
        "address": "",
        "max_hourly_consumption_kwh": 1.25,
        "reading_interval_minutes": 10,
        "owner_id": str(owned.owner_id),
        "tariff": None,
    }


def test_a_client_lists_only_its_own_devices(client_for: Callable[..., APIClient]) -> None:
    me = uuid.uuid4()
    mine = make_device(me)
    make_device(uuid.uuid4())
    make_device()

    response = client_for(me).get(LIST)

    assert [device["id"] for device in response.json()["results"]] == [str(mine.id)]


def test_a_client_reads_its_own_device_but_not_anothers(
    client_for: Callable[..., APIClient],
) -> None:
    me = uuid.uuid4()
    mine, theirs = make_device(me), make_device(uuid.uuid4())
    api = client_for(me)

    assert api.get(f"{LIST}{mine.id}/").json()["id"] == str(mine.id)
    assert api.get(f"{LIST}{theirs.id}/").status_code == 404


def test_an_unknown_or_malformed_device_id_is_not_found(admin_api: APIClient) -> None:
    assert admin_api.get(f"{LIST}{uuid.uuid4()}/").status_code == 404
    assert admin_api.get(f"{LIST}not-a-uuid/").status_code == 404


def test_without_a_token_devices_are_unauthorized(anonymous_api: APIClient) -> None:
    assert anonymous_api.get(LIST).status_code == 401
