"""Time from publishing the reading that takes an hour over its maximum to the owner's WebSocket
receiving the alert, through the real system (consumer, outbox relay, ems.alerts, gateway).

    python bench/alert_latency.py                       # a private stack (tests/e2e harness)
    python bench/alert_latency.py --url http://127.0.0.1:8080 -n 20   # a running `make up`

A new client owns a new device with a maximum of 0.5 kWh; each run publishes one 0.6 kWh reading
into a fresh hour (persistent, confirmed) and waits for the push on the client's socket. It
prints the median and p95 of: ``total`` (publish -> message on the socket), ``stored`` (publish
-> the alert's created_at, i.e. the ingestion batch) and ``pushed`` (created_at -> socket: outbox,
relay, RabbitMQ, the WebSocket process, the gateway). One machine, so one clock.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pika
import requests
from sync_latency import Target, report
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parent.parent
FIRST_HOUR = datetime(2001, 1, 1, tzinfo=UTC)
PUSH_TIMEOUT = 30.0


def client_with_device(target: Target) -> tuple[str, str]:
    """A new client's access token and the id of its new device (max 0.5 kWh), in monitoring."""
    run = uuid.uuid4().hex[:8]
    password = f"bench-{uuid.uuid4().hex[:12]}"
    user = {
        "username": f"bench_alert_{run}",
        "password": password,
        "role": "client",
        "full_name": "Bench Alerts",
        "email": f"bench_alert_{run}@example.com",
    }
    created = target.session.post(target.url("/api/auth/users/"), json=user, timeout=10)
    created.raise_for_status()
    body = {"name": f"bench kettle {run}", "max_hourly_consumption_kwh": 0.5}
    device = target.session.post(target.url("/api/devices/"), json=body, timeout=10)
    device.raise_for_status()
    device_id = device.json()["id"]
    assign = target.url(f"/api/devices/{device_id}/assign/")
    owner = {"user_id": created.json()["id"]}
    until(lambda: target.session.post(assign, json=owner, timeout=10).ok)
    login = requests.post(
        target.url("/api/auth/login/"),
        json={"username": user["username"], "password": password},
        timeout=10,
    )
    login.raise_for_status()
    token = login.json()["access"]
    detail = target.url(f"/api/monitoring/devices/{device_id}/")
    headers = {"Authorization": f"Bearer {token}"}
    until(lambda: requests.get(detail, headers=headers, timeout=10).status_code == 200)
    return token, device_id


def until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the system did not get there in time")
        time.sleep(0.05)


def broker(env: Mapping[str, str]) -> pika.BlockingConnection:
    return pika.BlockingConnection(
        pika.ConnectionParameters(
            host=env.get("RABBITMQ_HOST", "127.0.0.1"),
            port=int(env.get("RABBITMQ_PORT") or 5672),
            virtual_host=env.get("RABBITMQ_VHOST", "/"),
            credentials=pika.PlainCredentials(
                env.get("RABBITMQ_USER", "ems"), env.get("RABBITMQ_PASS", "ems")
            ),
        )
    )


def measure(target: Target, env: Mapping[str, str], n: int) -> dict[str, list[float]]:
    token, device_id = client_with_device(target)
    ws_url = target.url("/api/monitoring/ws/").replace("http", "ws", 1) + f"?token={token}"
    total: list[float] = []
    stored: list[float] = []
    pushed: list[float] = []
    connection = broker(env)
    channel = connection.channel()
    channel.confirm_delivery()
    # Fresh hours (a random stretch of 2001..2090, readings accept 2000..2100), so every reading
    # crosses its hour's maximum, also on a running system benchmarked before.
    first = FIRST_HOUR + timedelta(hours=random.randrange(0, 780_000 - n))
    try:
        with connect(ws_url, open_timeout=10) as socket:
            json.loads(socket.recv(timeout=10))  # hello
            for i in range(n):
                ts = first + timedelta(hours=i, minutes=10)
                reading = {
                    "timestamp": int(ts.timestamp() * 1000),
                    "device_id": device_id,
                    "measurement_value": 0.6,
                }
                sent = time.time()
                channel.basic_publish(
                    "",
                    "device_data_queue",
                    json.dumps(reading).encode(),
                    pika.BasicProperties(delivery_mode=2),
                )
                while True:
                    message = json.loads(socket.recv(timeout=PUSH_TIMEOUT))
                    if message["type"] == "overconsumption":
                        break
                arrived = time.time()
                created = datetime.fromisoformat(message["alert"]["created_at"]).timestamp()
                total.append((arrived - sent) * 1000)
                stored.append((created - sent) * 1000)
                pushed.append((arrived - created) * 1000)
                time.sleep(0.2)  # one alert at a time, as a meter would cause them
    finally:
        connection.close()
    return {"total": total, "stored": stored, "pushed": pushed}


@contextmanager
def system(url: str | None) -> Iterator[tuple[Target, Mapping[str, str]]]:
    if url:
        target = Target(
            url,
            os.environ.get("EMS_ADMIN_USERNAME", "admin"),
            os.environ.get("EMS_ADMIN_PASSWORD", "admin"),
        )
        yield target, os.environ
        return
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    from harness.stack import Stack  # imported here: only this mode needs the harness

    stack = Stack(run_id=f"benchalerts{os.getpid()}")
    try:
        stack.start()
        username, password = stack.admin_credentials
        yield Target(stack.gateway_url, username, password), stack.env
    finally:
        stack.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="gateway of a running system (default: a private stack)")
    parser.add_argument("-n", type=int, default=30, help="alerts to time (default 30)")
    args = parser.parse_args(argv)
    with system(args.url) as (target, env):
        target.login_admin()
        results = measure(target, env, args.n)
    for name, latencies in results.items():
        report(f"alert {name}", latencies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
