"""A consumer loop for one queue: batches, acks after the handler, dead-letters, reconnects.

Usage::

    def handle_batch(messages: list[Message]) -> dict[int, str]:
        ...  # store them; return {delivery_tag: reason} for the ones to dead-letter
        return {}

    ConsumerRunner("device_data_queue", handle_batch, batch_size=1000, max_wait=0.15).run()

The runner hands the handler up to ``batch_size`` messages, waiting at most ``max_wait`` seconds
after the first one for the batch to fill, and no longer than ``QUIET_SECONDS`` once no more
arrive. When the handler returns, the messages it named are published to ``ems.dlx`` (routing
key = the queue, headers ``x-ems-error`` and ``x-ems-queue``, with publisher confirms), then the
whole batch is acked with one ``multiple`` ack.

Handler errors:

- one of ``transient_errors`` (database or broker down): nothing is acked or dead-lettered; the
  same batch is retried with capped exponential backoff until it succeeds or the runner stops
  (then the connection closes and RabbitMQ redelivers the messages);
- any other exception: a batch of several messages is retried one message at a time, so only
  the message that raises is dead-lettered, with the exception as the reason.

``overlap=True``: the handler runs in a worker thread while this thread goes on receiving (up to
``prefetch``), so a handler that waits on its database does not leave the socket idle. Still one
batch at a time, acked in order after the handler returns; ``worker_teardown`` runs in that
thread when the runner stops (e.g. to close its database connections).

Broker connection loss: reconnect with backoff; unacked messages come back redelivered, so
handlers must be idempotent. ``stop()`` (or SIGTERM/SIGINT when ``run`` is on the main thread)
ends the loop after the current batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_future
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import (
    AMQPConnectionError,
    AMQPError,
    ConnectionWrongStateError,
    ConsumerCancelled,
    NackError,
    UnroutableError,
)

from ems_common.messaging.connection import Backoff, connect, describe_error
from ems_common.messaging.signals import stop_on_signals
from ems_common.messaging.topology import DLX, declare_queue, declare_topology
from ems_common.settings import BrokerConfig, broker_config

log = logging.getLogger(__name__)

ERROR_HEADER = "x-ems-error"
QUEUE_HEADER = "x-ems-queue"
MAX_REASON_LENGTH = 2000
# How often an idle consumer looks at its stop flag (and answers heartbeats).
IDLE_POLL_SECONDS = 0.25
# A batch is handed over when no message has arrived for this long (or it is full, or max_wait
# has passed since its first message).
QUIET_SECONDS = 0.02


@dataclass(frozen=True, slots=True)
class Message:
    delivery_tag: int
    body: bytes
    routing_key: str
    headers: dict[str, Any] = field(default_factory=dict)
    redelivered: bool = False
    message_id: str | None = None


BatchHandler = Callable[[list[Message]], Mapping[int, str] | None]


class DeadLetterFailed(Exception):
    """The broker did not confirm a dead-lettered copy, so the original must not be acked."""


def default_transient_errors() -> tuple[type[BaseException], ...]:
    """Errors that are not the message's fault: database or broker unavailable."""
    errors: list[type[BaseException]] = [AMQPConnectionError]
    try:
        import psycopg

        errors += [psycopg.OperationalError, psycopg.InterfaceError]
    except ImportError:  # pragma: no cover - psycopg is a project dependency
        pass
    try:
        from django.db import utils as db_utils  # importing needs no configured settings

        errors += [db_utils.OperationalError, db_utils.InterfaceError]
    except ImportError:  # pragma: no cover - django is a project dependency
        pass
    return tuple(errors)


class _Stopping(Exception):
    """Raised inside the runner when stop() interrupts a retry wait."""


class ConsumerRunner:
    def __init__(
        self,
        queue: str,
        handle_batch: BatchHandler,
        *,
        batch_size: int = 1,
        max_wait: float = 0.1,
        prefetch: int | None = None,
        config: BrokerConfig | None = None,
        declare: Callable[[BlockingChannel], None] | None = declare_topology,
        transient_errors: tuple[type[BaseException], ...] | None = None,
        retry_delay: float = 0.5,
        max_retry_delay: float = 30.0,
        name: str | None = None,
        overlap: bool = False,
        worker_teardown: Callable[[], None] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.queue = queue
        self.handle_batch = handle_batch
        self.batch_size = batch_size
        self.max_wait = max_wait
        # Enough unacked messages in flight to fill the next batch while this one is handled;
        # overlapping, a third batch arrives while one is stored and the next waits for it.
        self.prefetch = prefetch or max(10, (3 if overlap else 2) * batch_size)
        self.config = config or broker_config()
        self.declare = declare
        self.transient_errors = transient_errors or default_transient_errors()
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.name = name or f"ems consumer {queue}"
        self._stop = threading.Event()
        self._pending: deque[Message] = deque()
        self._cancelled = False
        self.overlap = overlap
        self.worker_teardown = worker_teardown
        self._worker: ThreadPoolExecutor | None = None

    def stop(self) -> None:
        """Ask the runner to return after the current batch; safe from any thread."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        """Consume until stop() or a signal; reconnects on broker errors."""
        with stop_on_signals(self.stop, f"consumer of {self.queue}"):
            try:
                self._run()
            finally:
                self._stop_worker()
        log.info("consumer of %s stopped", self.queue)

    def _run(self) -> None:
        backoff = Backoff(self.retry_delay, self.max_retry_delay)
        while not self._stop.is_set():
            connection = connect(
                self.config, stop=self._stop, max_delay=self.max_retry_delay, name=self.name
            )
            if connection is None:
                break
            try:
                self._consume(connection, backoff)
            except (AMQPError, DeadLetterFailed) as exc:
                log.warning("consumer of %s lost the broker: %s", self.queue, describe_error(exc))
            finally:
                # Unacked messages (buffered or mid-retry) go back to the queue on close.
                self._pending.clear()
                _close_quietly(connection)
            if not self._stop.is_set():
                self._stop.wait(backoff.next_delay())

    def _stop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        if self.worker_teardown is not None:
            worker.submit(self.worker_teardown).result()
        worker.shutdown()

    def _consume(self, connection: pika.BlockingConnection, backoff: Backoff) -> None:
        channel = connection.channel()
        if self.declare is not None:
            self.declare(channel)
        declare_queue(channel, self.queue, self.config.queue_type)
        channel.basic_qos(prefetch_count=self.prefetch)
        channel.confirm_delivery()  # for the dead-lettered copies
        self._cancelled = False
        # RabbitMQ cancels the consumer when the queue is deleted; reconnecting redeclares it.
        channel.add_on_cancel_callback(self._on_cancel)
        channel.basic_consume(self.queue, self._on_message)
        log.info("consuming %s (batch %d, prefetch %d)", self.queue, self.batch_size, self.prefetch)
        while not self._stop.is_set():
            batch = self._next_batch(connection)
            if batch:
                self._process(connection, channel, batch)
                backoff.reset()

    def _on_message(
        self, _channel: Any, method: Any, properties: pika.BasicProperties, body: bytes
    ) -> None:
        self._pending.append(
            Message(
                delivery_tag=method.delivery_tag,
                body=body,
                routing_key=method.routing_key,
                headers=properties.headers or {},
                redelivered=method.redelivered,
                message_id=properties.message_id,
            )
        )

    def _on_cancel(self, _frame: Any) -> None:
        self._cancelled = True

    def _next_batch(self, connection: pika.BlockingConnection) -> list[Message]:
        pending = self._pending
        while not pending:
            if self._stop.is_set():
                return []
            if self._cancelled:
                raise ConsumerCancelled(f"the broker cancelled the consumer of {self.queue}")
            connection.process_data_events(time_limit=IDLE_POLL_SECONDS)
        # The first message opens a window of max_wait seconds for the batch to fill, which
        # closes early once the stream goes quiet: a lone reading (the usual meter, or the one
        # that crosses a maximum) is stored at once instead of waiting out the window, while a
        # busy queue keeps delivering and fills whole batches.
        deadline = time.monotonic() + self.max_wait
        while len(pending) < self.batch_size and not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            before = len(pending)
            connection.process_data_events(time_limit=min(remaining, QUIET_SECONDS))
            if len(pending) == before:
                break
        if self._stop.is_set():
            return []
        return [pending.popleft() for _ in range(min(self.batch_size, len(pending)))]

    def _process(
        self, connection: pika.BlockingConnection, channel: BlockingChannel, batch: list[Message]
    ) -> None:
        try:
            rejects = self._call_handler(connection, batch)
        except _Stopping:
            return
        except Exception as exc:
            if len(batch) > 1:
                log.warning(
                    "handler failed on a batch of %d from %s (%s); retrying one by one",
                    len(batch),
                    self.queue,
                    describe_error(exc),
                )
                for message in batch:
                    if self._stop.is_set():
                        return
                    self._process(connection, channel, [message])
                return
            log.exception("handler failed on message %s from %s", batch[0].delivery_tag, self.queue)
            rejects = {batch[0].delivery_tag: describe_error(exc)}
        self._settle(channel, batch, rejects)

    def _call_handler(
        self, connection: pika.BlockingConnection, batch: list[Message]
    ) -> Mapping[int, str]:
        backoff = Backoff(self.retry_delay, self.max_retry_delay)
        while True:
            try:
                return self._handle(connection, batch)
            except self.transient_errors as exc:
                delay = backoff.next_delay()
                log.warning(
                    "transient error on %d message(s) from %s: %s; retrying in %.1fs",
                    len(batch),
                    self.queue,
                    describe_error(exc),
                    delay,
                )
                self._pause(connection, delay)

    def _handle(
        self, connection: pika.BlockingConnection, batch: list[Message]
    ) -> Mapping[int, str]:
        if not self.overlap:
            return self.handle_batch(batch) or {}
        if self._worker is None:
            self._worker = ThreadPoolExecutor(1, thread_name_prefix=f"handler {self.queue}")
        future = self._worker.submit(self.handle_batch, batch)
        future.add_done_callback(lambda _: _wake(connection))
        try:
            # Deliveries go on into _pending (up to the prefetch) while the handler works; the
            # wake-up callback ends the wait as soon as it returns.
            while not future.done():
                connection.process_data_events(time_limit=IDLE_POLL_SECONDS)
        except BaseException:
            wait_for_future([future])  # one batch at a time, even when the broker is gone
            raise
        return _result(future)

    def _pause(self, connection: pika.BlockingConnection, seconds: float) -> None:
        """Wait while answering heartbeats; raise _Stopping if stop() is called meanwhile."""
        deadline = time.monotonic() + seconds
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            connection.process_data_events(time_limit=min(remaining, IDLE_POLL_SECONDS))
        raise _Stopping

    def _settle(
        self, channel: BlockingChannel, batch: list[Message], rejects: Mapping[int, str]
    ) -> None:
        tags = {message.delivery_tag for message in batch}
        for tag in rejects.keys() - tags:
            log.warning("handler rejected delivery tag %s, which is not in its batch", tag)
        for message in batch:
            reason = rejects.get(message.delivery_tag)
            if reason is not None:
                self._dead_letter(channel, message, reason)
        # Batches are settled in delivery order, so one multiple-ack covers exactly this batch.
        channel.basic_ack(batch[-1].delivery_tag, multiple=True)

    def _dead_letter(self, channel: BlockingChannel, message: Message, reason: str) -> None:
        headers = {
            **message.headers,
            ERROR_HEADER: reason[:MAX_REASON_LENGTH],
            QUEUE_HEADER: self.queue,
        }
        properties = pika.BasicProperties(
            delivery_mode=2,
            content_type="application/json",
            message_id=message.message_id,
            headers=headers,
        )
        try:
            channel.basic_publish(DLX, self.queue, message.body, properties, mandatory=True)
        except (UnroutableError, NackError) as exc:
            raise DeadLetterFailed(
                f"dead-letter copy of a message from {self.queue} not confirmed: "
                f"{describe_error(exc)}"
            ) from exc
        log.warning("dead-lettered a message from %s: %s", self.queue, reason)


def _wake(connection: pika.BlockingConnection) -> None:
    """From the handler's thread: make the connection's process_data_events return."""
    with suppress(ConnectionWrongStateError):  # closed meanwhile: nobody is waiting
        connection.add_callback_threadsafe(_nothing)


def _nothing() -> None:
    pass


def _result(future: Future[Mapping[int, str] | None]) -> Mapping[int, str]:
    return future.result() or {}


def _close_quietly(connection: pika.BlockingConnection) -> None:
    try:
        if connection.is_open:
            connection.close()
    except AMQPError:
        pass  # already gone; the broker requeues its unacked messages either way


def run_consumer(queue: str, handle_batch: BatchHandler, **options: Any) -> None:
    """Build a ConsumerRunner and run it until stopped (see ConsumerRunner for options)."""
    ConsumerRunner(queue, handle_batch, **options).run()
