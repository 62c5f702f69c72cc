import uuid
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from devices.models import Device
from devices.tests.factories import DeviceFactory, UserFactory
from ems_common.outbox.models import OutboxEvent
from ems_common.testing.openapi import assert_documented

pytestmark = pytest.mark.django_db

LIST = "/api/devices/"


def detail(device_id: Any) -> str:
    return f"/api/devices/{device_id}/"


def events(event_type: str) -> list[dict[str, Any]]:
    """The envelopes of ``event_type`` written to the outbox, oldest first."""
    rows = OutboxEvent.objects.filter(routing_key=event_type).order_by("created_at", "id")
    return [row.payload for row in rows]


def error_attrs(response: Any) -> list[str]:
    return [error["attr"] for error in response.json()["errors"]]


def test_admin_creates_a_device_and_its_event_is_in_the_outbox(admin_api: APIClient) -> None:
    owner = UserFactory.create()
    body = {
        "name": "Heat pump",
        "address": "2 Elm St",
        "max_hourly_consumption_kwh": 3.25,
        "owner_id": str(owner.id),
    }

    response = admin_api.post(LIST, body, format="json")

    assert response.status_code == 201, response.json()
    device = response.json()
    assert device["name"] == "Heat pump"
    assert device["max_hourly_consumption_kwh"] == 3.25  # a JSON number, not a string
    assert device["owner_id"] == str(owner.id)
    [event] = events("device.created")
    assert event["version"] == 1
    assert event["data"] == {
        "id": device["id"],
        "name": "Heat pump",
        "description": "",
        "address": "2 Elm St",
        "owner_id": str(owner.id),
        "max_hourly_consumption_kwh": 3.25,
        "reading_interval_minutes": 10,
        "meter_format": "ems",
    }
    assert device["reading_interval_minutes"] == 10  # the default


def test_the_reading_interval_is_set_and_changed_and_travels_in_the_event(
    admin_api: APIClient,
) -> None:
    created = admin_api.post(
        LIST,
        {"name": "Meter", "max_hourly_consumption_kwh": 1, "reading_interval_minutes": 15},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["reading_interval_minutes"] == 15

    changed = admin_api.patch(
        f"{LIST}{created.json()['id']}/", {"reading_interval_minutes": 60}, format="json"
    )

    assert changed.status_code == 200, changed.json()
    assert changed.json()["reading_interval_minutes"] == 60
    assert events("device.updated")[-1]["data"]["reading_interval_minutes"] == 60


def test_the_meter_format_is_ems_by_default_set_and_changed_and_travels_in_the_event(
    admin_api: APIClient,
) -> None:
    created = admin_api.post(LIST, {"name": "Plug", "max_hourly_consumption_kwh": 1}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["meter_format"] == "ems"

    changed = admin_api.patch(
        f"{LIST}{created.json()['id']}/", {"meter_format": "tasmota"}, format="json"
    )

    assert changed.status_code == 200, changed.json()
    assert changed.json()["meter_format"] == "tasmota"
    assert events("device.updated")[-1]["data"]["meter_format"] == "tasmota"


@pytest.mark.parametrize("meter_format", ["modbus", "", None, 3, "Shelly"])
def test_an_unknown_meter_format_is_400_naming_it(admin_api: APIClient, meter_format: Any) -> None:
    response = admin_api.post(
        LIST,
        {"name": "x", "max_hourly_consumption_kwh": 1, "meter_format": meter_format},
        format="json",
    )

    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == ["meter_format"]


@pytest.mark.parametrize("interval", [0, 1441, -5, "often", 2.5])
def test_an_interval_outside_1_to_1440_minutes_is_400_naming_it(
    admin_api: APIClient, interval: Any
) -> None:
    response = admin_api.post(
        LIST,
        {"name": "x", "max_hourly_consumption_kwh": 1, "reading_interval_minutes": interval},
        format="json",
    )

    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == ["reading_interval_minutes"]


@pytest.mark.parametrize("maximum", [0, -1, "-0.5", "lots"])
def test_create_rejects_a_max_that_is_not_a_positive_number(
    admin_api: APIClient, maximum: Any
) -> None:
    response = admin_api.post(
        LIST, {"name": "x", "max_hourly_consumption_kwh": maximum}, format="json"
    )

    assert response.status_code == 400
    assert error_attrs(response) == ["max_hourly_consumption_kwh"]
    assert not Device.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_create_requires_a_name(admin_api: APIClient) -> None:
    response = admin_api.post(LIST, {"max_hourly_consumption_kwh": 1}, format="json")

    assert response.status_code == 400
    assert error_attrs(response) == ["name"]


def test_create_rejects_an_owner_this_service_does_not_know(admin_api: APIClient) -> None:
    response = admin_api.post(
        LIST,
        {"name": "x", "max_hourly_consumption_kwh": 1, "owner_id": str(uuid.uuid4())},
        format="json",
    )

    assert response.status_code == 400
    assert error_attrs(response) == ["owner_id"]
    assert "No user" in response.json()["errors"][0]["detail"]


def test_create_rejects_an_owner_id_that_is_not_a_uuid(admin_api: APIClient) -> None:
    response = admin_api.post(
        LIST, {"name": "x", "max_hourly_consumption_kwh": 1, "owner_id": "bob"}, format="json"
    )

    assert response.status_code == 400
    assert error_attrs(response) == ["owner_id"]


def test_a_non_uuid_device_id_is_not_found(admin_api: APIClient) -> None:
    assert admin_api.get(detail("not-a-uuid")).status_code == 404
    assert (
        admin_api.post(detail("42") + "assign/", {"user_id": None}, format="json").status_code
        == 404
    )


def test_an_unknown_device_is_not_found(admin_api: APIClient) -> None:
    response = admin_api.get(detail(uuid.uuid4()))

    assert response.status_code == 404
    assert response.json()["type"] == "client_error"


def test_without_a_token_the_list_is_unauthorized(anonymous_api: APIClient) -> None:
    assert anonymous_api.get(LIST).status_code == 401


def test_admin_lists_every_device_and_filters_by_owner(admin_api: APIClient) -> None:
    owner = UserFactory.create()
    mine = DeviceFactory.create(owner=owner)
    DeviceFactory.create()

    everything = admin_api.get(LIST).json()
    filtered = admin_api.get(LIST, {"owner_id": str(owner.id)}).json()

    assert everything["count"] == 2
    assert [device["id"] for device in filtered["results"]] == [str(mine.id)]


def test_the_owner_filter_must_be_a_uuid(admin_api: APIClient) -> None:
    response = admin_api.get(LIST, {"owner_id": "nobody"})

    assert response.status_code == 400
    assert error_attrs(response) == ["owner_id"]


def test_a_client_lists_only_its_own_devices(client_for: Callable[..., APIClient]) -> None:
    me, other = UserFactory.create(), UserFactory.create()
    mine = DeviceFactory.create(owner=me)
    DeviceFactory.create(owner=other)
    DeviceFactory.create()

    response = client_for(me.id).get(LIST)

    assert response.status_code == 200
    assert [device["id"] for device in response.json()["results"]] == [str(mine.id)]


def test_a_client_reads_its_own_device_but_not_anothers(
    client_for: Callable[..., APIClient],
) -> None:
    me, other = UserFactory.create(), UserFactory.create()
    mine, theirs = DeviceFactory.create(owner=me), DeviceFactory.create(owner=other)
    api = client_for(me.id)

    assert api.get(detail(mine.id)).status_code == 200
    assert api.get(detail(theirs.id)).status_code == 404


def test_a_client_cannot_create_edit_delete_or_assign(
    client_for: Callable[..., APIClient],
) -> None:
    me = UserFactory.create()
    mine = DeviceFactory.create(owner=me)
    api = client_for(me.id)

    created = api.post(LIST, {"name": "x", "max_hourly_consumption_kwh": 1}, format="json")
    edited = api.patch(detail(mine.id), {"name": "mine now"}, format="json")
    assigned = api.post(detail(mine.id) + "assign/", {"user_id": None}, format="json")
    deleted = api.delete(detail(mine.id))

    assert [created.status_code, edited.status_code, assigned.status_code, deleted.status_code] == [
        403,
        403,
        403,
        403,
    ]
    stored = Device.objects.get(id=mine.id)
    assert (stored.name, stored.owner_id, stored.version) == (mine.name, me.id, 1)
    assert not OutboxEvent.objects.exists()


def test_patch_changes_fields_bumps_the_version_and_publishes(admin_api: APIClient) -> None:
    device = DeviceFactory.create()
    owner = UserFactory.create()

    response = admin_api.patch(
        detail(device.id),
        {"name": "Renamed", "max_hourly_consumption_kwh": "7.5", "owner_id": str(owner.id)},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["max_hourly_consumption_kwh"] == 7.5
    device.refresh_from_db()
    assert (device.name, device.owner_id, device.version) == ("Renamed", owner.id, 2)
    [event] = events("device.updated")
    assert event["version"] == 2
    assert event["data"]["name"] == "Renamed"
    assert event["data"]["owner_id"] == str(owner.id)
    assert event["data"]["max_hourly_consumption_kwh"] == 7.5


def test_patch_rejects_a_zero_max_and_changes_nothing(admin_api: APIClient) -> None:
    device = DeviceFactory.create()

    response = admin_api.patch(detail(device.id), {"max_hourly_consumption_kwh": 0}, format="json")

    assert response.status_code == 400
    assert error_attrs(response) == ["max_hourly_consumption_kwh"]
    device.refresh_from_db()
    assert device.version == 1


def test_a_zero_max_is_refused_as_the_schema_documents(admin_api: APIClient) -> None:
    body = {"name": "Meter", "max_hourly_consumption_kwh": 0}

    response = admin_api.post(LIST, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "min_value"
    assert_documented(response, "POST", LIST)


def test_assign_sets_and_clears_the_owner(admin_api: APIClient) -> None:
    device = DeviceFactory.create()
    owner = UserFactory.create()
    url = detail(device.id) + "assign/"

    assigned = admin_api.post(url, {"user_id": str(owner.id)}, format="json")
    cleared = admin_api.post(url, {"user_id": None}, format="json")

    assert assigned.json()["owner_id"] == str(owner.id)
    assert cleared.json()["owner_id"] is None
    assert [e["data"]["owner_id"] for e in events("device.updated")] == [str(owner.id), None]
    assert [e["version"] for e in events("device.updated")] == [2, 3]


def test_assign_to_an_unknown_user_names_user_id(admin_api: APIClient) -> None:
    device = DeviceFactory.create()

    response = admin_api.post(
        detail(device.id) + "assign/", {"user_id": str(uuid.uuid4())}, format="json"
    )

    assert response.status_code == 400
    assert error_attrs(response) == ["user_id"]


def test_assign_requires_user_id(admin_api: APIClient) -> None:
    device = DeviceFactory.create()

    response = admin_api.post(detail(device.id) + "assign/", {}, format="json")

    assert response.status_code == 400
    assert error_attrs(response) == ["user_id"]


def test_delete_removes_the_device_and_publishes_a_newer_version(admin_api: APIClient) -> None:
    device = DeviceFactory.create(version=4)

    response = admin_api.delete(detail(device.id))

    assert response.status_code == 204
    assert not Device.objects.filter(id=device.id).exists()
    [event] = events("device.deleted")
    assert event["data"] == {"id": str(device.id)}
    assert event["version"] == 5
