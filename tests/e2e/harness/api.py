"""Helpers the whole-system tests share: accounts and sign-in through the gateway, the stack's
broker, and waiting."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import pika
import requests

from ems_common.messaging.connection import connection_parameters
from ems_common.messaging.identities import SERVICES, Identity
from harness.stack import Stack

SYNC_SECONDS = 15.0
T = TypeVar("T")


def login(stack: Stack, username: str, password: str) -> requests.Session:
    """A session sending the access token of ``username``, signed in through the gateway."""
    body = {"username": username, "password": password}
    response = requests.post(stack.url("/api/auth/login/"), json=body, timeout=10)
    assert response.status_code == 200, response.text
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {response.json()['access']}"
    return session


def create_client(
    stack: Stack, admin: requests.Session, role: str = "client"
) -> tuple[dict[str, Any], str]:
    """A new account (a client unless ``role`` says) created by ``admin``: (user, password)."""
    username = f"e2e_{uuid.uuid4().hex[:10]}"
    password = f"meter-{uuid.uuid4().hex[:12]}"
    body = {
        "username": username,
        "password": password,
        "role": role,
        "full_name": "Meter Owner",
        "email": f"{username}@example.com",
    }
    response = admin.post(stack.url("/api/auth/users/"), json=body, timeout=10)
    assert response.status_code == 201, response.text
    return response.json(), password


def broker(stack: Stack) -> pika.BlockingConnection:
    """A connection to the stack's RabbitMQ vhost, as its services reach it (through the proxy)."""
    return connect_as(stack, SERVICES)


def connect_as(stack: Stack, identity: Identity) -> pika.BlockingConnection:
    """A connection to the stack's vhost (through the proxy) as one of EMS's broker identities."""
    config = identity.broker_config(stack.env)
    return pika.BlockingConnection(connection_parameters(config, name="ems e2e test"))


def publish(stack: Stack, readings: list[dict[str, Any]]) -> None:
    """Meter readings onto device_data_queue, confirmed by the broker before this returns."""
    connection = broker(stack)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        for reading in readings:
            channel.basic_publish(
                exchange="",
                routing_key="device_data_queue",
                body=json.dumps(reading),
                properties=pika.BasicProperties(delivery_mode=2, content_type="application/json"),
            )
    finally:
        connection.close()


def poll(check: Callable[[], T], seconds: float = SYNC_SECONDS, every: float = 0.05) -> T:
    """``check()``'s first truthy answer, or its last answer once ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(every)
