"""The sync consumer: decode, call the service function, ack (ems_common does the rest)."""

from __future__ import annotations

from typing import Any

from ems_common.events import Envelope
from ems_common.messaging.sync import EventConsumer
from ems_common.messaging.topology import sync_queue
from users.services import apply_user_event

QUEUE = sync_queue("user_service")


def handle_event(envelope: Envelope) -> None:
    apply_user_event(envelope)


def user_event_consumer(queue: str = QUEUE, **options: Any) -> EventConsumer:
    return EventConsumer(queue, handle_event, **options)
