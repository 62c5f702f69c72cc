"""Shared by the simulator's tests: the broker of this test run, a unique queue, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pika
import pytest

SIMULATOR = Path(__file__).resolve().parents[1] / "simulator.py"
DEVICE = "3f0c2b1e-8d1e-4a57-9a35-2b6c8f0b7a11"


def broker_env() -> dict[str, str]:
    # `make test` gives each run its own vhost in RABBITMQ_VHOST; by hand it is the default one.
    return {
        "host": os.environ.get("RABBITMQ_HOST", "127.0.0.1"),
        "port": os.environ.get("RABBITMQ_PORT") or "5672",
        "user": os.environ.get("RABBITMQ_USER", "ems"),
        "password": os.environ.get("RABBITMQ_PASS", "ems"),
        "vhost": os.environ.get("RABBITMQ_VHOST", "/"),
    }


def meter_identity() -> tuple[str, str]:
    """EMS's meter identity (`make test` grants it the run's vhost: write to ems.readings only)."""
    return (
        os.environ.get("RABBITMQ_METER_USER") or "ems-meter",
        os.environ.get("RABBITMQ_METER_PASS", "ems-meter"),
    )


def broker_flags(port: int | None = None, *, meter: bool = False) -> list[str]:
    """The CLI's broker flags. By default as the services' identity publishing straight to a
    queue (the default exchange, ``--queue`` declared): tests of the publisher's mechanics, on
    queues of their own. ``meter``: as EMS's meter identity, to its default exchange."""
    env = broker_env()
    user, password = meter_identity() if meter else (env["user"], env["password"])
    return [
        "--rabbitmq-host", env["host"],
        "--rabbitmq-port", str(port or env["port"]),
        "--rabbitmq-user", user,
        "--rabbitmq-password", password,
        "--rabbitmq-vhost", env["vhost"],
        *([] if meter else ["--exchange", ""]),
    ]  # fmt: skip


def connect() -> pika.BlockingConnection:
    env = broker_env()
    return pika.BlockingConnection(
        pika.ConnectionParameters(
            host=env["host"],
            port=int(env["port"]),
            virtual_host=env["vhost"],
            credentials=pika.PlainCredentials(env["user"], env["password"]),
        )
    )


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue name of this test alone, deleted afterwards."""
    name = f"simulator_test_{uuid.uuid4().hex[:12]}"
    yield name
    connection = connect()
    try:
        connection.channel().queue_delete(name)
    finally:
        connection.close()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """An empty config file: defaults only, so the shipped config.json cannot steer a test."""
    path = tmp_path / "config.json"
    path.write_text("{}")
    return path


def drain(queue: str) -> list[tuple[pika.BasicProperties, dict[str, Any]]]:
    """Every message of ``queue`` (removed from it), in queue order."""
    connection = connect()
    try:
        channel = connection.channel()
        channel.basic_qos(prefetch_count=1000)
        messages = []
        for method, properties, body in channel.consume(queue, auto_ack=True, inactivity_timeout=1):
            if method is None:
                break
            messages.append((properties, json.loads(body)))
        channel.cancel()
        return messages
    finally:
        connection.close()


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SIMULATOR), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
