"""Django side of consuming: event consumers for ``sync_queue.*`` and database hygiene.

A service declares which events it applies, each with a handler that calls its domain code::

    sync = SyncHandlers("device_service")          # consumes sync_queue.device_service

    @sync.handles(UserCreated, UserUpdated)         # runs inside transaction.atomic()
    def user_changed(event: UserCreated | UserUpdated, version: int) -> bool: ...

and its ``manage.py consume_sync`` is ``ConsumeSyncCommand`` with ``handlers = sync``.

An envelope that does not parse, an event that does not match its contract
(``ems_common.contracts``) or that this service has no handler for, or a handler raising
``InvalidEvent`` or Django's ``ValidationError``, is dead-lettered with the reason; database
errors are retried (see ConsumerRunner). The message is acked only after the transaction
committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections, transaction

from ems_common.contracts import Event, decode, event_class
from ems_common.events import Envelope, InvalidEvent, parse_envelope
from ems_common.messaging.consumer import BatchHandler, ConsumerRunner, Message
from ems_common.messaging.topology import sync_queue

log = logging.getLogger(__name__)

EventHandler = Callable[[Envelope], object]
# A typed handler: the decoded event and its envelope's version; returns whether it applied.
Handler = Callable[[Any, int], object]
H = TypeVar("H", bound=Handler)


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


class SyncHandlers:
    """The events one service applies from its sync queue, each with its handler.

    Called with an envelope (as EventConsumer does), it decodes it against the contract and runs
    the handler of its type, returning what the handler returned.
    """

    def __init__(self, service: str) -> None:
        self.service = service
        self.queue = sync_queue(service)
        self._handlers: dict[type[Event], Handler] = {}

    def handles(self, *events: type[Event]) -> Callable[[H], H]:
        """Decorator: ``handler(event, version)`` applies these event types."""

        def register(handler: H) -> H:
            for event in events:
                if event in self._handlers:
                    raise ValueError(f"{self.service} already handles {event.type}")
                self._handlers[event] = handler
            return handler

        return register

    @property
    def types(self) -> list[str]:
        return [event.type for event in self._handlers]

    def __call__(self, envelope: Envelope) -> object:
        handler = self._handlers.get(event_class(envelope.type))
        if handler is None:
            raise InvalidEvent(f"unexpected event type {envelope.type!r} on {self.queue}")
        return handler(decode(envelope), envelope.version)

    def consumer(self, queue: str | None = None, **options: Any) -> EventConsumer:
        """An EventConsumer of ``queue`` (this service's sync queue by default)."""
        return EventConsumer(queue or self.queue, self, **options)


class ConsumeSyncCommand(BaseCommand):
    """``manage.py consume_sync`` of every service: a subclass only names its ``handlers``."""

    handlers: ClassVar[SyncHandlers]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = (
            f"Apply {', '.join(self.handlers.types)} events from {self.handlers.queue} "
            "until SIGTERM."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue", default=self.handlers.queue, help="queue to consume")

    def handle(self, *args: Any, **options: Any) -> None:
        self.handlers.consumer(options["queue"]).run()
