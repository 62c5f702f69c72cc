"""Alerts from RabbitMQ to this process's WebSockets.

Each ASGI process declares its own exclusive, auto-delete, server-named queue bound to the
``ems.alerts`` exchange, so every process gets every alert and forwards it to the sockets it
holds (through the in-process channel layer): this scales to several processes, and a queue
goes away with its process. When the connection goes (a broker restart, a cluster node lost),
the feed connects again to whichever node of RABBITMQ_HOST answers first and declares its queue
again; alerts published while it was away are not pushed (they are stored, and a client reloads
the list when it reconnects).
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from typing import Any
from urllib.parse import quote

import aio_pika
from aio_pika.abc import AbstractConnection, AbstractIncomingMessage
from channels.layers import get_channel_layer

from ems_common.contracts import AlertRaised, decode
from ems_common.events import InvalidEvent, parse_envelope
from ems_common.messaging.topology import ALERTS_EXCHANGE
from ems_common.settings import BrokerConfig, broker_config
from monitoring.alerts.websocket import ADMINS_GROUP, owner_group

log = logging.getLogger(__name__)

ALERT_BINDING = "alert.#"
PUSH_TYPE = "overconsumption"


def amqp_url(config: BrokerConfig, node: tuple[str, int]) -> str:
    user, password = quote(config.user, safe=""), quote(config.password, safe="")
    host, port = node
    return f"amqp://{user}:{password}@{host}:{port}/{quote(config.vhost, safe='')}"


def push_for(event: AlertRaised) -> tuple[uuid.UUID | None, dict[str, Any]]:
    """The owner to tell and the WebSocket message: the alert's API shape, as it was published."""
    return event.owner_id, {"type": PUSH_TYPE, "alert": event.data()["alert"]}


async def forward(event: AlertRaised) -> None:
    owner_id, message = push_for(event)
    layer = get_channel_layer()
    assert layer is not None, "CHANNEL_LAYERS is not configured"
    push = {"type": "alert.push", "message": message}
    if owner_id:
        await layer.group_send(owner_group(owner_id), push)
    await layer.group_send(ADMINS_GROUP, push)


class AlertFeed:
    """Consumes ``ems.alerts`` for as long as the process runs."""

    def __init__(self, config: BrokerConfig | None = None, *, max_delay: float = 30.0) -> None:
        self.config = config or broker_config()
        self.max_delay = max_delay
        self.connection: AbstractConnection | None = None
        self.ready = asyncio.Event()  # the queue is bound: alerts published from now arrive
        self.closing = False

    async def run(self) -> None:
        """Connect to a node (retrying with capped backoff until one answers), bind, consume;
        when the connection goes, the same again."""
        while not self.closing:
            connection = await self.connect()
            lost = asyncio.Event()
            connection.close_callbacks.add(lambda *_, event=lost: event.set())
            try:
                await self.bind(connection)
            except (aio_pika.exceptions.AMQPError, OSError) as exc:
                log.warning("alert feed: binding failed (%s); connecting again", exc)
                await connection.close()
            await lost.wait()
            self.ready.clear()
            if not self.closing:
                log.warning("alert feed: connection to the broker lost; connecting again")

    async def connect(self) -> AbstractConnection:
        delay = 0.5
        while True:
            nodes = self.config.nodes
            random.shuffle(nodes)  # processes spread over a cluster's nodes
            for node in nodes:
                try:
                    self.connection = await aio_pika.connect(
                        amqp_url(self.config, node),
                        client_properties={"connection_name": "ems monitoring alerts websocket"},
                    )
                    return self.connection
                except (aio_pika.exceptions.AMQPError, OSError) as exc:
                    log.warning("alert feed: broker at %s:%s unreachable (%s)", *node, exc)
            log.warning("alert feed: no broker node reachable; retrying in %.1fs", delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_delay)

    async def bind(self, connection: AbstractConnection) -> None:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            ALERTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchange, routing_key=ALERT_BINDING)
        # No acks: a push is for the sockets open now; the alert itself is stored already.
        await queue.consume(self.on_message, no_ack=True)
        self.ready.set()
        log.info("alert feed: queue %s bound to %s", queue.name, ALERTS_EXCHANGE)

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        # Validated once, against the contract; a push is best effort, so a bad one is dropped.
        try:
            event = decode(parse_envelope(message.body))
        except InvalidEvent as exc:
            log.warning("alert feed: ignoring a malformed alert event: %s", exc.reason)
            return
        if not isinstance(event, AlertRaised):
            log.warning("alert feed: ignoring %s on %s", event.type, ALERTS_EXCHANGE)
            return
        await forward(event)

    async def close(self) -> None:
        self.closing = True
        if self.connection is not None:
            await self.connection.close()
