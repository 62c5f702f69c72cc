"""Readings from the real simulator CLI reach the daily chart (plan check 9.3).

The simulator runs as a subprocess against the stack's broker (through its proxy) and vhost,
with a fixed start and seed, and prints each confirmed reading (``--print-json``): the expected
hourly sums are computed from exactly what was sent.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from harness import Stack
from harness.api import broker, connect_as, create_client, login, poll
from harness.stack import ROOT
from pika.exceptions import ChannelClosedByBroker

from ems_common.messaging.identities import METER, SERVICES, Identity
from ems_common.messaging.topology import DEVICE_DATA_QUEUE, READINGS_EXCHANGE

SIMULATOR = ROOT / "device_simulator" / "simulator.py"
DAY = "2025-06-01"
FLOW_SECONDS = 15.0


def create_device(stack: Stack, admin: requests.Session, max_kwh: float = 100) -> dict[str, Any]:
    body = {"name": f"Meter {uuid.uuid4().hex[:6]}", "max_hourly_consumption_kwh": max_kwh}
    response = admin.post(stack.url("/api/devices/"), json=body, timeout=10)
    assert response.status_code == 201, response.text
    device: dict[str, Any] = response.json()
    return device


def owned_device_known_to_monitoring(
    stack: Stack, admin: requests.Session
) -> tuple[str, requests.Session]:
    """A device assigned to a new client, synced to monitoring; its id and the client's session."""
    device_id, user, password = owned_device_and_owner(stack, admin)
    return device_id, login(stack, user["username"], password)


def owned_device_and_owner(
    stack: Stack, admin: requests.Session, max_kwh: float = 100
) -> tuple[str, dict[str, Any], str]:
    """A device assigned to a new client, synced to monitoring: its id, the client, its password."""
    user, password = create_client(stack, admin)
    device = create_device(stack, admin, max_kwh)
    url = stack.url(f"/api/devices/{device['id']}/assign/")
    # device_service accepts the owner once the user.created event reached it.
    assigned = poll(lambda: admin.post(url, json={"user_id": user["id"]}, timeout=10).ok)
    assert assigned, stack.log_tail("devices_sync")
    assert poll(lambda: monitoring_owner(stack, admin, device["id"]) == user["id"]), stack.log_tail(
        "monitoring_sync"
    )
    return device["id"], user, password


def monitoring_owner(stack: Stack, admin: requests.Session, device_id: str) -> Any:
    response = admin.get(stack.url(f"/api/monitoring/devices/{device_id}/"), timeout=10)
    return response.json().get("owner_id") if response.status_code == 200 else None


def simulator_command(stack: Stack, device_id: str, *args: str) -> list[str]:
    return [
        sys.executable,
        str(SIMULATOR),
        "--device-id", device_id,
        "--rabbitmq-host", stack.env["RABBITMQ_HOST"],
        "--rabbitmq-port", stack.env["RABBITMQ_PORT"],
        "--rabbitmq-vhost", stack.env["RABBITMQ_VHOST"],
        # As a meter: EMS's meter identity, to its default exchange ems.readings.
        "--rabbitmq-user", METER.user(stack.env),
        "--rabbitmq-password", METER.password(stack.env),
        "--speed", "60000",  # a 10-minute reading every 10 ms
        "--seed", "42",
        "--print-json",
        *args,
    ]  # fmt: skip


def simulate(stack: Stack, device_id: str, *args: str) -> list[dict[str, Any]]:
    """Run the simulator to completion; the readings it sent (and the broker confirmed)."""
    result = subprocess.run(
        simulator_command(stack, device_id, *args),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines()]


def hourly_sums(readings: list[dict[str, Any]]) -> dict[int, float]:
    """kWh per UTC hour of DAY: each reading counts in the hour holding its timestamp."""
    sums: dict[int, float] = defaultdict(float)
    for reading in readings:
        moment = datetime.fromtimestamp(reading["timestamp"] / 1000, UTC)
        assert moment.date().isoformat() == DAY
        sums[moment.hour] += reading["measurement_value"]
    return dict(sums)


def daily(client: requests.Session, stack: Stack, device_id: str) -> dict[str, Any]:
    response = client.get(
        stack.url("/api/monitoring/hourly/daily/"),
        params={"device_id": device_id, "date": DAY, "tz": "UTC"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def shows(expected: dict[int, float], body: dict[str, Any]) -> bool:
    kwh = {hour["hour"]: hour["kwh"] for hour in body["hours"]}
    return all(abs(kwh.get(h, 0.0) - expected.get(h, 0.0)) < 1e-6 for h in range(24)) and (
        abs(body["total_kwh"] - sum(expected.values())) < 1e-6
    )


def wait_for_chart(
    stack: Stack, client: requests.Session, device_id: str, expected: dict[int, float]
) -> None:
    last: dict[str, Any] = {}

    def check() -> bool:
        last.update(daily(client, stack, device_id))
        return shows(expected, last)

    assert poll(check, FLOW_SECONDS), (
        f"expected {expected}, chart shows {last}\n{stack.log_tail('monitoring_measurements')}"
    )


def dead_letters(stack: Stack) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(headers, body) of every message in device_data_queue.dlq, left there (not acked)."""
    connection = broker(stack)
    try:
        channel = connection.channel()
        found: list[tuple[dict[str, Any], dict[str, Any]]] = []
        while True:
            method, properties, body = channel.basic_get("device_data_queue.dlq", auto_ack=False)
            if method is None:
                return found
            found.append((dict(properties.headers or {}), json.loads(body)))
    finally:
        connection.close()  # the unacked messages go back to the queue


def test_six_simulated_readings_show_summed_in_their_hour_of_the_clients_daily_chart(
    stack: Stack, admin: requests.Session
) -> None:
    device_id, client = owned_device_known_to_monitoring(stack, admin)

    readings = simulate(stack, device_id, "--count", "6", "--start", f"{DAY}T10:00:00Z")

    assert len(readings) == 6
    expected = hourly_sums(readings)
    assert list(expected) == [10]
    wait_for_chart(stack, client, device_id, expected)
    body = daily(client, stack, device_id)
    assert body["peak"]["hour"] == 10
    assert len(body["hours"]) == 24


def test_simulated_readings_show_in_the_week_view_and_the_fleet_overview(
    stack: Stack, admin: requests.Session
) -> None:
    device_id, client = owned_device_known_to_monitoring(stack, admin)

    readings = simulate(stack, device_id, "--count", "6", "--start", f"{DAY}T10:00:00Z")
    wait_for_chart(stack, client, device_id, hourly_sums(readings))

    week = client.get(
        stack.url("/api/monitoring/consumption/"),
        params={"device_id": device_id, "period": "week", "date": DAY, "tz": "UTC"},
        timeout=10,
    )
    assert week.status_code == 200, week.text
    body = week.json()
    assert (body["bucket"], len(body["buckets"]), body["partial"]) == ("day", 7, False)
    sunday = body["buckets"][6]  # DAY is a Sunday: the last day of its ISO week
    assert sunday["start"] == f"{DAY}T00:00:00+00:00"
    assert (sunday["readings"], sunday["expected_readings"]) == (6, 144)
    assert abs(body["total_kwh"] - sum(r["measurement_value"] for r in readings)) < 1e-6
    fleet = admin.get(stack.url("/api/monitoring/fleet/"), params={"date": DAY}, timeout=10)
    assert fleet.status_code == 200, fleet.text
    assert device_id in {d["device_id"] for d in fleet.json()["silent"]}
    denied = client.get(stack.url("/api/monitoring/fleet/"), params={"date": DAY}, timeout=10)
    assert denied.status_code == 403


@pytest.mark.parametrize(
    ("identity", "exchange"),
    [
        (METER, READINGS_EXCHANGE),  # a meter: the one exchange it may write to
        (SERVICES, ""),  # older simulators: the default exchange, routing key device_data_queue
    ],
    ids=["meter-to-ems.readings", "default-exchange"],
)
def test_a_reading_published_by_hand_is_stored(
    stack: Stack, admin: requests.Session, identity: Identity, exchange: str
) -> None:
    device_id, client = owned_device_known_to_monitoring(stack, admin)
    reading = {"timestamp": f"{DAY}T07:30:00Z", "device_id": device_id, "measurement_value": 0.75}
    connection = connect_as(stack, identity)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        body = json.dumps(reading).encode()
        channel.basic_publish(exchange, DEVICE_DATA_QUEUE, body, mandatory=True)
    finally:
        connection.close()
    wait_for_chart(stack, client, device_id, {7: 0.75})


def test_a_meter_cannot_forge_a_sync_event_and_its_readings_still_count(
    stack: Stack, admin: requests.Session
) -> None:
    device_id, client = owned_device_known_to_monitoring(stack, admin)
    forged = {
        "event_id": str(uuid.uuid4()),
        "type": "device.deleted",
        "version": 10**9,
        "occurred_at": datetime.now(UTC).isoformat(),
        "source": "device_service",
        "data": {"id": device_id},
    }
    connection = connect_as(stack, METER)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        with pytest.raises(ChannelClosedByBroker) as refused:
            channel.basic_publish("ems.sync", "device.deleted", json.dumps(forged).encode())
        assert refused.value.reply_code == 403, refused.value
    finally:
        connection.close()
    # The device lives on in monitoring, and the meter's readings for it are stored.
    readings = simulate(stack, device_id, "--count", "2", "--start", f"{DAY}T05:00:00Z")
    wait_for_chart(stack, client, device_id, hourly_sums(readings))
    assert monitoring_owner(stack, admin, device_id) is not None


def test_a_reading_for_a_device_monitoring_does_not_know_is_dead_lettered_then_replayed(
    stack: Stack, admin: requests.Session
) -> None:
    user, password = create_client(stack, admin)
    # monitoring learns of the device late: its sync consumer is away while it is created.
    stack.stop_process("monitoring_sync")
    device_id = create_device(stack, admin)["id"]
    url = stack.url(f"/api/devices/{device_id}/assign/")
    assert poll(lambda: admin.post(url, json={"user_id": user["id"]}, timeout=10).ok)

    readings = simulate(stack, device_id, "--count", "2", "--start", f"{DAY}T08:10:00Z")

    def dead_lettered() -> list[dict[str, Any]]:
        return [headers for headers, body in dead_letters(stack) if body in readings]

    headers = poll(lambda: len(dead_lettered()) == len(readings) and dead_lettered(), FLOW_SECONDS)
    assert headers, stack.log_tail("monitoring_measurements")
    assert all(device_id in str(h.get("x-ems-error")) for h in headers), headers

    stack.start_process("monitoring_sync")
    assert poll(lambda: monitoring_owner(stack, admin, device_id) == user["id"]), stack.log_tail(
        "monitoring_sync"
    )
    replayed = stack.manage("monitoring", "replay_dlq")
    assert replayed.returncode == 0, replayed.stderr
    assert "moved 2 message(s)" in replayed.stdout, replayed.stdout
    client = login(stack, user["username"], password)
    wait_for_chart(stack, client, device_id, hourly_sums(readings))
    assert not [h for h, body in dead_letters(stack) if body in readings]


def test_totals_stay_exact_when_the_measurements_consumer_restarts_while_readings_flow(
    stack: Stack, admin: requests.Session
) -> None:
    device_id, client = owned_device_known_to_monitoring(stack, admin)
    # 18 hours of readings at ~20 per second: the restart lands in the middle of the flow.
    command = simulator_command(
        stack, device_id, "--count", "108", "--start", f"{DAY}T03:00:00Z", "--speed", "12000"
    )
    simulator = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)
        stack.restart("monitoring_measurements")
        stdout, stderr = simulator.communicate(timeout=60)
    finally:
        if simulator.poll() is None:
            simulator.kill()
            simulator.communicate()
    assert simulator.returncode == 0, stderr[-3000:]
    readings = [json.loads(line) for line in stdout.splitlines()]
    assert len(readings) == 108
    wait_for_chart(stack, client, device_id, hourly_sums(readings))
