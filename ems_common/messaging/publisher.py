"""Publishing with publisher confirms: a message either is confirmed or raises."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPChannelError, AMQPError, NackError, UnroutableError

from ems_common.messaging.connection import connect, describe_error
from ems_common.settings import BrokerConfig, broker_config

log = logging.getLogger(__name__)

PERSISTENT = 2


class PublishError(Exception):
    """The broker did not confirm the message; it may or may not have been delivered."""


class BrokerUnavailable(PublishError):
    """No connection to the broker, or it was lost while publishing."""


class MessageNacked(PublishError):
    """The broker refused the message (negative confirm)."""


class MessageUnroutable(PublishError):
    """No queue is bound for the routing key (returned because ``mandatory`` was set)."""


class Publisher:
    """One connection and one confirming channel, opened on first use.

    ``publish`` returns once the broker confirmed the message and raises a ``PublishError``
    otherwise. After a connection or channel error the next ``publish`` reconnects (a single
    attempt: the caller decides whether and when to retry). ``declare`` runs on every new channel,
    e.g. ``declare_topology``, so exchanges exist before the first publish.
    """

    def __init__(
        self,
        config: BrokerConfig | None = None,
        *,
        declare: Callable[[BlockingChannel], None] | None = None,
        name: str | None = None,
    ) -> None:
        self.config = config or broker_config()
        self.declare = declare
        self.name = name
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def publish(
        self,
        exchange: str,
        routing_key: str,
        body: bytes,
        *,
        message_id: str | None = None,
        headers: dict[str, Any] | None = None,
        mandatory: bool = True,
    ) -> None:
        properties = pika.BasicProperties(
            delivery_mode=PERSISTENT,
            content_type="application/json",
            message_id=message_id,
            headers=headers,
        )
        channel = self._open_channel()
        try:
            channel.basic_publish(exchange, routing_key, body, properties, mandatory=mandatory)
        except UnroutableError:
            # The channel stays usable: nothing to reset.
            raise MessageUnroutable(
                f"no queue bound to exchange {exchange!r} for routing key {routing_key!r}"
            ) from None
        except NackError:
            raise MessageNacked(f"broker nacked message to {exchange!r}/{routing_key!r}") from None
        except AMQPChannelError as exc:
            self.close()
            raise PublishError(f"channel error: {describe_error(exc)}") from exc
        except AMQPError as exc:
            self.close()
            raise BrokerUnavailable(f"connection lost: {describe_error(exc)}") from exc

    def process_events(self) -> None:
        """Answer heartbeats; call it now and then when the publisher is idle for long."""
        if self._connection is not None and self._connection.is_open:
            try:
                self._connection.process_data_events(0)
            except AMQPError as exc:
                log.info("publisher connection lost while idle: %s", describe_error(exc))
                self.close()

    def close(self) -> None:
        if self._connection is not None and self._connection.is_open:
            with contextlib.suppress(AMQPError):  # already broken: nothing left to release
                self._connection.close()
        self._connection = None
        self._channel = None

    def __enter__(self) -> Publisher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _open_channel(self) -> BlockingChannel:
        if self._channel is not None and self._channel.is_open:
            return self._channel
        try:
            if self._connection is None or not self._connection.is_open:
                self._connection = connect(self.config, attempts=1, name=self.name)
            assert self._connection is not None  # no stop event: connect() returns or raises
            channel = self._connection.channel()
            channel.confirm_delivery()
            if self.declare is not None:
                self.declare(channel)
        except AMQPError as exc:
            self.close()
            raise BrokerUnavailable(
                f"cannot reach RabbitMQ at {self.config.host}:{self.config.port}: "
                f"{describe_error(exc)}"
            ) from exc
        self._channel = channel
        return channel
