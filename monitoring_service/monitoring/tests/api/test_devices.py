import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from monitoring.models import Device, User

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


def make_user(username: str) -> uuid.UUID:
    return User.objects.create(id=uuid.uuid4(), username=username, role="client").id


def names(response: object) -> list[str]:
    return [device["name"] for device in response.json()["results"]]  # type: ignore[attr-defined]


def test_admin_lists_every_synced_device_in_the_device_shape(admin_api: APIClient) -> None:
    owned = make_device(make_user("ann"), name="A")
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
        "meter_format": "ems",
        "owner_id": str(owned.owner_id),
        "owner_username": "ann",
        "tariff": None,
    }
    assert body["results"][1]["owner_username"] is None


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


def test_search_matches_the_name_or_the_owners_username(admin_api: APIClient) -> None:
    ann = make_user("Ann")
    make_device(ann, name="Kettle")
    make_device(make_user("bob"), name="Garage heater")
    make_device(None, name="Annex pump")
    make_device(uuid.uuid4(), name="Unsynced owner")

    assert names(admin_api.get(LIST, {"search": "ANN"})) == ["Annex pump", "Kettle"]
    assert names(admin_api.get(LIST, {"search": "heat"})) == ["Garage heater"]
    assert len(names(admin_api.get(LIST, {"search": ""}))) == 4


def test_a_clients_search_stays_within_its_own_devices(
    client_for: Callable[..., APIClient],
) -> None:
    me = make_user("me")
    make_device(me, name="Heater")
    make_device(make_user("other"), name="Heater 2")

    assert names(client_for(me).get(LIST, {"search": "heat"})) == ["Heater"]


def test_ordering_by_name_either_way(admin_api: APIClient) -> None:
    for name in ("b", "c", "a"):
        make_device(name=name)

    assert names(admin_api.get(LIST)) == ["a", "b", "c"]
    assert names(admin_api.get(LIST, {"ordering": "-name"})) == ["c", "b", "a"]


@pytest.mark.parametrize("ordering", ["owner_username", "max_hourly_consumption_kwh", "nam"])
def test_an_unknown_ordering_is_a_400_naming_ordering(admin_api: APIClient, ordering: str) -> None:
    response = admin_api.get(LIST, {"ordering": ordering})

    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == ["ordering"]


def test_the_detail_names_the_owner(admin_api: APIClient) -> None:
    device = make_device(make_user("ann"))

    assert admin_api.get(f"{LIST}{device.id}/").json()["owner_username"] == "ann"
