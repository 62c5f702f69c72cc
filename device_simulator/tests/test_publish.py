"""The CLI against the real RabbitMQ: six confirmed, persistent readings on a unique queue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pika
import pytest
from options import settings_from
from simulator import SimulatorPublisher

from ems_common.messaging.publisher import BrokerUnavailable

SIMULATOR = Path(__file__).resolve().parents[1] / "simulator.py"
DEVICE = "3f0c2b1e-8d1e-4a57-9a35-2b6c8f0b7a11"
TEN_MINUTES_MS = 600_000


def broker_parameters() -> pika.ConnectionParameters:
    # make test gives each run its own vhost in RABBITMQ_VHOST; by hand it is the default one.
    return pika.ConnectionParameters(
        host=os.environ.get("RABBITMQ_HOST", "127.0.0.1"),
        port=int(os.environ.get("RABBITMQ_PORT") or 5672),
        virtual_host=os.environ.get("RABBITMQ_VHOST", "/"),
        credentials=pika.PlainCredentials(
            os.environ.get("RABBITMQ_USER", "guest"), os.environ.get("RABBITMQ_PASS", "guest")
        ),
    )


@pytest.fixture
def queue() -> Iterator[str]:
    name = f"simulator_test_{uuid.uuid4().hex[:12]}"
    yield name
    connection = pika.BlockingConnection(broker_parameters())
    try:
        connection.channel().queue_delete(name)
    finally:
        connection.close()


def drain(queue: str) -> list[tuple[pika.BasicProperties, dict[str, object]]]:
    connection = pika.BlockingConnection(broker_parameters())
    try:
        channel = connection.channel()
        messages: list[tuple[pika.BasicProperties, dict[str, object]]] = []
        while True:
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                return messages
            messages.append((properties, json.loads(body)))
    finally:
        connection.close()


def test_six_readings_arrive_ten_minutes_apart_persistent_and_well_formed(queue: str) -> None:
    params = broker_parameters()
    result = subprocess.run(
        [sys.executable, str(SIMULATOR), "--device-id", DEVICE, "--count", "6",
         "--interval", "0.01", "--queue", queue, "--host", params.host,
         "--port", str(params.port), "--vhost", params.virtual_host, "--seed", "3",
         "--start", "2025-01-01T00:10:00Z", "--print-json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr

    messages = drain(queue)
    readings = [body for _, body in messages]
    assert len(readings) == 6
    assert readings == [json.loads(line) for line in result.stdout.splitlines()]
    for properties, body in messages:
        assert properties.delivery_mode == 2
        assert set(body) == {"timestamp", "device_id", "measurement_value"}
        assert body["device_id"] == DEVICE
        assert isinstance(body["measurement_value"], float) and body["measurement_value"] >= 0
    stamps = [int(str(body["timestamp"])) for body in readings]
    assert stamps[0] == 1735690200000  # 2025-01-01T00:10:00Z
    assert [b - a for a, b in zip(stamps, stamps[1:], strict=False)] == [TEN_MINUTES_MS] * 5


def test_a_reading_the_broker_did_not_confirm_is_sent_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    config.write_text("{}")
    settings = settings_from(["--config", str(config), "--device-id", DEVICE])
    publisher = SimulatorPublisher(settings, threading.Event())
    attempts: list[bytes] = []

    def flaky_publish(exchange: str, routing_key: str, body: bytes, **_: object) -> None:
        attempts.append(body)
        if len(attempts) < 3:
            raise BrokerUnavailable("connection lost")

    monkeypatch.setattr(publisher.publisher, "publish", flaky_publish)
    monkeypatch.setattr("simulator.MAX_RETRY_DELAY", 0.01)
    reading = {"timestamp": 1, "device_id": DEVICE, "measurement_value": 0.5}
    assert publisher.send_measurement(reading)
    assert len(attempts) == 3 and len(set(attempts)) == 1
