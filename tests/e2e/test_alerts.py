"""Overconsumption alerts end to end: readings in, WebSocket push out, through the gateway.

A device with a maximum of 0.5 kWh gets six 0.2 kWh readings in one hour on device_data_queue;
its owner's WebSocket and an admin's receive the alert, another client's does not, and the
alerts API lists exactly one alert however many readings follow. Reads are each user's: an
admin marking the alert read leaves it unread for its owner.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pika
import pytest
import requests
from harness import Stack
from harness.api import broker, create_client, login, poll
from harness.stack import PYTHON, ROOT, free_port
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

HOUR = datetime(2025, 7, 1, 10, tzinfo=UTC)
PUSH_SECONDS = 15.0
WS_PATH = "/api/monitoring/ws/"


def token_of(session: requests.Session) -> str:
    header = session.headers["Authorization"]
    return (header.decode() if isinstance(header, bytes) else header).split()[1]


def ws_url(stack: Stack, token: str) -> str:
    return stack.url(WS_PATH).replace("http://", "ws://", 1) + f"?token={token}"


def connect_when_up(url: str) -> ClientConnection:
    """A WebSocket, retried while the WebSocket process (or the gateway's upstream) starts."""
    deadline = time.monotonic() + PUSH_SECONDS
    while True:
        try:
            return connect(url, open_timeout=10)
        except InvalidStatus as exc:
            if exc.response.status_code not in (502, 503, 504) or time.monotonic() > deadline:
                raise
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


@contextmanager
def alerts_socket(
    stack: Stack, session: requests.Session, url: str | None = None
) -> Iterator[ClientConnection]:
    """A WebSocket of ``session``'s user (through the gateway unless ``url``), past its hello."""
    target = f"{url}?token={token_of(session)}" if url else ws_url(stack, token_of(session))
    with connect_when_up(target) as socket:
        hello = json.loads(socket.recv(timeout=10))
        assert hello["type"] == "hello", hello
        yield socket


def next_alert_for(socket: ClientConnection, device_id: str) -> dict[str, Any]:
    """The next overconsumption message about ``device_id`` (an admin sees others' too)."""
    while True:
        message = json.loads(socket.recv(timeout=PUSH_SECONDS))
        if message["type"] == "overconsumption" and message["alert"]["device_id"] == device_id:
            return message


def client_with_small_device(stack: Stack, admin: requests.Session) -> tuple[str, requests.Session]:
    """A new client owning a new device with max 0.5 kWh, synced to monitoring."""
    user, password = create_client(stack, admin)
    body = {"name": f"Kettle {uuid.uuid4().hex[:6]}", "max_hourly_consumption_kwh": 0.5}
    response = admin.post(stack.url("/api/devices/"), json=body, timeout=10)
    assert response.status_code == 201, response.text
    device_id = response.json()["id"]
    assign = stack.url(f"/api/devices/{device_id}/assign/")
    assert poll(lambda: admin.post(assign, json={"user_id": user["id"]}, timeout=10).ok)
    owner = login(stack, user["username"], password)
    detail = stack.url(f"/api/monitoring/devices/{device_id}/")
    assert poll(lambda: owner.get(detail, timeout=10).status_code == 200), stack.log_tail(
        "monitoring_sync"
    )
    return device_id, owner


def publish_readings(stack: Stack, device_id: str, minutes: list[int]) -> None:
    connection = broker(stack)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        for minute in minutes:
            ts = HOUR + timedelta(minutes=minute)
            body = {"timestamp": int(ts.timestamp() * 1000), "device_id": device_id}
            channel.basic_publish(
                "",
                "device_data_queue",
                json.dumps({**body, "measurement_value": 0.2}).encode(),
                pika.BasicProperties(delivery_mode=2),
            )
    finally:
        connection.close()


def alerts_of(session: requests.Session, stack: Stack, device_id: str) -> list[dict[str, Any]]:
    response = session.get(
        stack.url("/api/monitoring/alerts/"), params={"device_id": device_id}, timeout=10
    )
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def hour_total(session: requests.Session, stack: Stack, device_id: str) -> float:
    params = {"device_id": device_id, "date": HOUR.date().isoformat()}
    response = session.get(stack.url("/api/monitoring/hourly/daily/"), params=params, timeout=10)
    return float(response.json()["hours"][HOUR.hour]["kwh"]) if response.ok else -1.0


def test_the_owner_and_an_admin_are_told_once_and_another_client_is_not(
    stack: Stack, admin: requests.Session
) -> None:
    device_id, owner = client_with_small_device(stack, admin)
    _, stranger = client_with_small_device(stack, admin)

    with (
        alerts_socket(stack, owner) as owners,
        alerts_socket(stack, stranger) as strangers,
        alerts_socket(stack, admin) as admins,
    ):
        publish_readings(stack, device_id, [0, 10, 20, 30, 40, 50])

        pushed = next_alert_for(owners, device_id)["alert"]
        assert next_alert_for(admins, device_id)["alert"] == pushed
        with pytest.raises(TimeoutError):
            strangers.recv(timeout=1)

    assert pushed["hour_start"] == "2025-07-01T10:00:00Z"
    assert pushed["max_kwh"] == 0.5
    assert 0.5 < pushed["kwh"] <= 1.2
    assert alerts_of(owner, stack, device_id) == [pushed]
    assert alerts_of(stranger, stack, device_id) == []

    # Six more readings in that hour: stored, but no second alert.
    publish_readings(stack, device_id, [5, 15, 25, 35, 45, 55])
    assert poll(lambda: hour_total(owner, stack, device_id) == pytest.approx(2.4))
    assert [alert["id"] for alert in alerts_of(owner, stack, device_id)] == [pushed["id"]]


@contextmanager
def another_websocket_process(stack: Stack, log: Path) -> Iterator[str]:
    """A second ``manage.py serve_websocket`` of the stack on a port of its own: its ws:// URL."""
    port = free_port()
    manage = stack.service("monitoring").manage_py
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(PYTHON), str(manage), "serve_websocket", "--port", str(port)],
            cwd=ROOT,
            env=stack.env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield f"ws://127.0.0.1:{port}{WS_PATH}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_each_websocket_process_tells_its_own_clients(
    stack: Stack, admin: requests.Session, tmp_path: Path
) -> None:
    # Scaled out, each process binds its own queue to ems.alerts: were they competing
    # consumers of one queue, only one of the two sockets would hear of the alert.
    device_id, owner = client_with_small_device(stack, admin)
    log = tmp_path / "serve_websocket.log"

    with (
        another_websocket_process(stack, log) as second_process,
        alerts_socket(stack, owner) as through_gateway,
        alerts_socket(stack, owner, second_process) as on_second_process,
    ):
        publish_readings(stack, device_id, [0, 10, 20, 30, 40, 50])

        pushed = next_alert_for(through_gateway, device_id)["alert"]
        assert next_alert_for(on_second_process, device_id)["alert"] == pushed, log.read_text()


@pytest.mark.parametrize("token", ["", "not-a-jwt"])
def test_a_bad_token_is_refused_at_the_handshake(stack: Stack, token: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect_when_up(ws_url(stack, token))

    assert refused.value.response.status_code == 403


def test_a_refresh_token_is_refused_at_the_handshake(stack: Stack) -> None:
    body = stack.admin_credentials._asdict()
    tokens = requests.post(stack.url("/api/auth/login/"), json=body, timeout=10).json()

    with pytest.raises(InvalidStatus) as refused:
        connect_when_up(ws_url(stack, tokens["refresh"]))

    assert refused.value.response.status_code == 403


def unread_of(session: requests.Session, stack: Stack, device_id: str) -> int:
    params = {"device_id": device_id, "unread": "true"}
    response = session.get(stack.url("/api/monitoring/alerts/"), params=params, timeout=10)
    assert response.status_code == 200, response.text
    count: int = response.json()["count"]
    return count


def test_an_admin_reading_an_alert_leaves_it_unread_for_its_owner(
    stack: Stack, admin: requests.Session
) -> None:
    device_id, owner = client_with_small_device(stack, admin)
    me = owner.get(stack.url("/api/auth/me/"), timeout=10).json()
    publish_readings(stack, device_id, [0, 10, 20, 30, 40, 50])
    assert poll(lambda: unread_of(owner, stack, device_id) == 1, seconds=PUSH_SECONDS)
    [alert] = alerts_of(owner, stack, device_id)
    assert (alert["owner_id"], alert["owner_username"]) == (me["id"], me["username"])

    # The admin finds it by the owner's username, reads it: read for the admin only.
    found = admin.get(
        stack.url("/api/monitoring/alerts/"),
        params={"search": me["username"], "ordering": "-kwh", "owner_id": me["id"]},
        timeout=10,
    )
    assert [a["id"] for a in found.json()["results"]] == [alert["id"]]
    read = admin.post(stack.url(f"/api/monitoring/alerts/{alert['id']}/read/"), timeout=10)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert unread_of(admin, stack, device_id) == 0
    assert unread_of(owner, stack, device_id) == 1
    assert alerts_of(owner, stack, device_id)[0]["read_at"] is None

    # The owner's "mark all read" is the owner's: the admin's first read stays as it was.
    assert owner.post(stack.url("/api/monitoring/alerts/read-all/"), timeout=10).json() == {
        "updated": 1
    }
    assert unread_of(owner, stack, device_id) == 0
    assert alerts_of(admin, stack, device_id)[0]["read_at"] == read.json()["read_at"]
