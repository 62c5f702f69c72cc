"""Devices and their owners reach monitoring_service through the outbox, relay and broker."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import requests
from harness import Stack
from harness.api import create_client, poll


def create_device(stack: Stack, admin: requests.Session, **fields: Any) -> dict[str, Any]:
    body = {"name": f"Meter {uuid.uuid4().hex[:6]}", "max_hourly_consumption_kwh": 2.5, **fields}
    response = admin.post(stack.url("/api/devices/"), json=body, timeout=10)
    assert response.status_code == 201, response.text
    device: dict[str, Any] = response.json()
    return device


def monitoring_device(stack: Stack, admin: requests.Session, device_id: str) -> Any:
    """monitoring's copy of the device (None while it has none), without the fields each service
    adds of its own (the tariff in force; the owner's name, from each one's copy of the users)."""
    response = admin.get(stack.url(f"/api/monitoring/devices/{device_id}/"), timeout=10)
    if response.status_code != 200:
        return None
    copy = response.json()
    del copy["tariff"], copy["owner_username"]
    return copy


def monitoring_has_user(stack: Stack, user_id: str) -> bool:
    """Whether monitoring's synced copy holds the user (no API shows it, so its database)."""
    with psycopg.connect(
        host=stack.env.get("POSTGRES_HOST", "127.0.0.1"),
        port=int(stack.env.get("POSTGRES_PORT") or 5432),
        user=stack.env.get("POSTGRES_USER", "postgres"),
        password=stack.env.get("POSTGRES_PASSWORD", "postgres"),
        dbname=stack.env["MONITORING_DB_NAME"],
    ) as connection:
        row = connection.execute(
            "SELECT 1 FROM monitoring_user WHERE id = %s", [user_id]
        ).fetchone()
        return row is not None


def assign(stack: Stack, admin: requests.Session, device_id: str, user_id: str | None) -> Any:
    return admin.post(
        stack.url(f"/api/devices/{device_id}/assign/"), json={"user_id": user_id}, timeout=10
    )


def synced_state(
    stack: Stack, admin: requests.Session, device: dict[str, Any]
) -> Callable[[], bool]:
    """A check: monitoring's copy equals ``device`` (the device shape)."""
    # Every field but device_service's own timestamps and its copy of the owner's name.
    expected = {
        k: v for k, v in device.items() if k not in ("created_at", "updated_at", "owner_username")
    }
    return lambda: monitoring_device(stack, admin, device["id"]) == expected


def test_a_user_reaches_devices_and_monitoring_and_its_deletion_unassigns_its_devices(
    stack: Stack, admin: requests.Session
) -> None:
    user, _ = create_client(stack, admin)
    device = create_device(stack, admin)

    # device_service knows the user once it accepts the user as an owner.
    assigned = poll(lambda: assign(stack, admin, device["id"], user["id"]).status_code == 200)
    assert assigned, stack.log_tail("devices_sync")
    assert poll(lambda: monitoring_has_user(stack, user["id"])), stack.log_tail("monitoring_sync")
    assert poll(synced_state(stack, admin, {**device, "owner_id": user["id"]}))

    deleted = admin.delete(stack.url(f"/api/auth/users/{user['id']}/"), timeout=10)
    assert deleted.status_code == 204, deleted.text

    def unassigned_in_devices() -> bool:
        found = admin.get(stack.url(f"/api/devices/{device['id']}/"), timeout=10).json()
        return found["owner_id"] is None

    assert poll(unassigned_in_devices), stack.log_tail("devices_sync")
    assert poll(lambda: not monitoring_has_user(stack, user["id"]))
    assert poll(synced_state(stack, admin, {**device, "owner_id": None})), stack.log_tail(
        "monitoring_sync"
    )
    later = assign(stack, admin, device["id"], user["id"])
    assert later.status_code == 400
    assert later.json()["errors"][0]["attr"] == "user_id"


def test_monitoring_follows_a_device_through_create_update_and_delete(
    stack: Stack, admin: requests.Session
) -> None:
    owner, _ = create_client(stack, admin)
    device = create_device(stack, admin, address="3 Oak St")
    assert poll(synced_state(stack, admin, device)), stack.log_tail("monitoring_sync")

    url = stack.url(f"/api/devices/{device['id']}/")
    changes = (
        {"name": "Renamed"},
        {"max_hourly_consumption_kwh": 9.125},
        {"reading_interval_minutes": 15},
        {"meter_format": "shelly"},
    )
    for change in changes:
        response = admin.patch(url, json=change, timeout=10)
        assert response.status_code == 200, response.text
        device = response.json()
        assert poll(synced_state(stack, admin, device)), change
    # The owner changes once device_service has the user.
    assert poll(lambda: admin.patch(url, json={"owner_id": owner["id"]}, timeout=10).ok)
    assert poll(synced_state(stack, admin, {**device, "owner_id": owner["id"]}))

    assert admin.delete(url, timeout=10).status_code == 204
    assert poll(lambda: monitoring_device(stack, admin, device["id"]) is None)


def test_a_client_sees_only_its_own_devices_in_monitoring(
    stack: Stack, admin: requests.Session
) -> None:
    password = f"kite-{uuid.uuid4().hex[:12]}"
    username = f"e2e_{uuid.uuid4().hex[:10]}"
    created = admin.post(
        stack.url("/api/auth/users/"),
        json={
            "username": username,
            "password": password,
            "role": "client",
            "full_name": "Client",
            "email": f"{username}@example.com",
        },
        timeout=10,
    )
    assert created.status_code == 201, created.text
    client_id = created.json()["id"]
    mine, theirs = create_device(stack, admin), create_device(stack, admin)
    assert poll(lambda: assign(stack, admin, mine["id"], client_id).ok)
    assert poll(synced_state(stack, admin, {**mine, "owner_id": client_id}))
    assert poll(synced_state(stack, admin, theirs))
    login = requests.post(
        stack.url("/api/auth/login/"),
        json={"username": username, "password": password},
        timeout=10,
    )
    client = requests.Session()
    client.headers["Authorization"] = f"Bearer {login.json()['access']}"

    listed = client.get(stack.url("/api/monitoring/devices/"), timeout=10).json()
    other = client.get(stack.url(f"/api/monitoring/devices/{theirs['id']}/"), timeout=10)

    assert [device["id"] for device in listed["results"]] == [mine["id"]]
    assert other.status_code == 404
    assert client.get(stack.url("/api/devices/"), timeout=10).json()["count"] == 1


def test_a_device_created_while_the_broker_is_down_reaches_monitoring_once_it_is_back(
    stack: Stack, admin: requests.Session
) -> None:
    stack.broker.down()
    device = create_device(stack, admin, name="Made during the outage")
    # An absence cannot be polled for: give a (wrong) delivery the time a normal sync takes.
    time.sleep(1.0)
    assert monitoring_device(stack, admin, device["id"]) is None

    stack.broker.up()

    assert poll(synced_state(stack, admin, device), seconds=60.0), stack.log_tail(
        "devices_relay"
    ) + stack.log_tail("monitoring_sync")
