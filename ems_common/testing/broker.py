"""RabbitMQ helpers and fixtures for tests against the real broker.

Tests use uniquely named queues (``unique_queue``) in the vhost from RABBITMQ_VHOST, so they
share nothing with each other or with a running system.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pika
import pytest
from pika.adapters.blocking_connection import BlockingChannel

from ems_common.messaging.connection import connect
from ems_common.messaging.topology import declare_queue, dlq_name
from ems_common.settings import BrokerConfig
from ems_common.settings import broker_config as read_broker_config

T = TypeVar("T")


@dataclass(frozen=True)
class Received:
    body: bytes
    headers: dict[str, Any] = field(default_factory=dict)
    routing_key: str = ""
    redelivered: bool = False
    properties: Any = None


def unique_name(prefix: str = "test") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:12]}"


def open_connection(config: BrokerConfig | None = None) -> pika.BlockingConnection:
    connection = connect(config, attempts=1, name="ems tests")
    assert connection is not None
    return connection


def publish_raw(
    queue: str,
    body: bytes | str,
    *,
    headers: dict[str, Any] | None = None,
    exchange: str = "",
    channel: BlockingChannel | None = None,
    config: BrokerConfig | None = None,
) -> None:
    """Publish ``body`` as a meter would: persistent, to ``queue`` through the default exchange
    (or with ``queue`` as routing key on ``exchange``)."""
    payload = body.encode() if isinstance(body, str) else body
    properties = pika.BasicProperties(delivery_mode=2, headers=headers)
    if channel is not None:
        channel.basic_publish(exchange, queue, payload, properties)
        return
    connection = open_connection(config)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish(exchange, queue, payload, properties, mandatory=True)
    finally:
        connection.close()


def drain(
    queue: str,
    timeout: float = 5.0,
    *,
    count: int | None = None,
    config: BrokerConfig | None = None,
) -> list[Received]:
    """Take (and ack) messages from ``queue``.

    Without ``count``: what is in the queue now. With ``count``: wait up to ``timeout`` seconds
    for that many, and return what arrived (the caller asserts on the number).
    """
    received: list[Received] = []
    connection = open_connection(config)
    try:
        channel = connection.channel()
        deadline = time.monotonic() + timeout
        while count is None or len(received) < count:
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method is not None:
                received.append(
                    Received(
                        body=body,
                        headers=properties.headers or {},
                        routing_key=method.routing_key,
                        redelivered=method.redelivered,
                        properties=properties,
                    )
                )
            elif count is None or time.monotonic() >= deadline:
                break
            else:
                connection.sleep(0.02)
    finally:
        connection.close()
    return received


def message_count(queue: str, *, config: BrokerConfig | None = None) -> int:
    """Ready (not unacked) messages in ``queue``."""
    connection = open_connection(config)
    try:
        return int(connection.channel().queue_declare(queue, passive=True).method.message_count)
    finally:
        connection.close()


def wait_until(
    predicate: Callable[[], T], timeout: float = 5.0, interval: float = 0.02, what: str = ""
) -> T:
    """Poll ``predicate`` until it returns something truthy, and return that; fail at timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)


@pytest.fixture(scope="session")
def broker_config() -> BrokerConfig:
    """The broker from RABBITMQ_* (RABBITMQ_VHOST may name a per-run test vhost)."""
    config = read_broker_config()
    try:
        open_connection(config).close()
    except pika.exceptions.AMQPError as exc:
        pytest.fail(f"RabbitMQ at {config.host}:{config.port}{config.vhost} unreachable: {exc!r}")
    return config


@pytest.fixture
def rabbit_connection(broker_config: BrokerConfig) -> Iterator[pika.BlockingConnection]:
    connection = open_connection(broker_config)
    yield connection
    if connection.is_open:
        connection.close()


@pytest.fixture
def rabbit_channel(rabbit_connection: pika.BlockingConnection) -> BlockingChannel:
    return rabbit_connection.channel()


@pytest.fixture
def unique_queue(broker_config: BrokerConfig) -> Iterator[str]:
    """A new durable queue and its ``.dlq``, deleted after the test."""
    queue = unique_name("test")
    connection = open_connection(broker_config)
    try:
        declare_queue(connection.channel(), queue)
    finally:
        connection.close()
    yield queue
    delete_queue(broker_config, queue)


def delete_queue(config: BrokerConfig, queue: str) -> None:
    """Delete ``queue`` and its ``.dlq`` (a test's own, after it)."""
    connection = open_connection(config)
    try:
        channel = connection.channel()
        channel.queue_delete(queue)
        channel.queue_delete(dlq_name(queue))
    finally:
        connection.close()
