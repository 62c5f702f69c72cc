"""Django side of consuming: event consumers for ``sync_queue.*`` and database hygiene.

A sync consumer only decodes, calls the service function, and acks::

    def handle_event(event: Envelope) -> None:   # runs inside transaction.atomic()
        if event.type == "user.created": services.apply_user(event.version, event.data)

    run_event_consumer(sync_queue("device_service"), handle_event)

An envelope that does not parse, or a handler raising ``InvalidEvent`` or Django's
``ValidationError``, is dead-lettered with the reason; database errors are retried (see
ConsumerRunner). The message is acked only after the transaction committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, transaction

from ems_common.events import Envelope, InvalidEvent, parse_envelope
from ems_common.messaging.consumer import BatchHandler, ConsumerRunner, Message

log = logging.getLogger(__name__)

EventHandler = Callable[[Envelope], None]


def close_broken_connections() -> None:
    """Django's between-requests connection check, for long-running loops.

    A consumer has no request cycle, so without this a connection broken while the database
    was down would stay broken and every retry would fail. A connection inside a transaction
    (a caller's, or a test's) is left alone.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def with_fresh_db_connection(handle_batch: BatchHandler) -> BatchHandler:
    """``handle_batch`` preceded by close_broken_connections()."""

    def handle(batch: list[Message]) -> Any:
        close_broken_connections()
        return handle_batch(batch)

    return handle


class EventConsumer(ConsumerRunner):
    """A ConsumerRunner that parses envelopes and applies each one in its own transaction."""

    def __init__(self, queue: str, handle_event: EventHandler, **options: Any) -> None:
        super().__init__(queue, with_fresh_db_connection(self._handle_batch), **options)
        self.handle_event = handle_event

    def run(self) -> None:
        try:
            super().run()
        finally:
            # This thread's connections; a stopped consumer must not hold a database session.
            connections.close_all()

    def _handle_batch(self, batch: list[Message]) -> dict[int, str]:
        rejects = {}
        for message in batch:
            reason = self._apply(message)
            if reason is not None:
                rejects[message.delivery_tag] = reason
        return rejects

    def _apply(self, message: Message) -> str | None:
        """None when applied, else why the message must be dead-lettered."""
        try:
            event = parse_envelope(message.body)
            with transaction.atomic():
                self.handle_event(event)
        except InvalidEvent as exc:
            return f"invalid event: {exc.reason}"
        except ValidationError as exc:
            return "invalid event: " + "; ".join(exc.messages)
        return None


def run_event_consumer(queue: str, handle_event: EventHandler, **options: Any) -> None:
    """Consume ``queue`` until SIGTERM/SIGINT; options go to ConsumerRunner."""
    EventConsumer(queue, handle_event, **options).run()
