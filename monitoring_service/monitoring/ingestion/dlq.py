"""Replaying dead-lettered readings, e.g. after their device was synced late."""

from __future__ import annotations

import pika

from ems_common.messaging.connection import connect
from ems_common.messaging.consumer import ERROR_HEADER, QUEUE_HEADER
from ems_common.messaging.topology import declare_queue, dlq_name

PERSISTENT = 2


def replay_dead_letters(queue: str, *, limit: int | None = None) -> int:
    """Move up to ``limit`` messages (default: all there now) from ``<queue>.dlq`` to ``queue``.

    Each message is republished with a publisher confirm before its dead-letter copy is acked, so
    a crash in between duplicates a reading (stored once anyway) but never loses one. Only the
    messages present at the start are moved: ones that fail again and come back are not looped.
    """
    dlq = dlq_name(queue)
    connection = connect(attempts=3, max_delay=2.0, name=f"ems replay {dlq}")
    assert connection is not None  # no stop event: connect() returns or raises
    try:
        channel = connection.channel()
        declare_queue(channel, queue)
        channel.confirm_delivery()
        waiting = channel.queue_declare(dlq, durable=True, passive=True).method.message_count
        todo = waiting if limit is None else min(limit, waiting)
        moved = 0
        while moved < todo:
            method, properties, body = channel.basic_get(dlq, auto_ack=False)
            if method is None:
                break
            headers = {
                key: value
                for key, value in (properties.headers or {}).items()
                if key not in (ERROR_HEADER, QUEUE_HEADER)
            }
            republished = pika.BasicProperties(
                delivery_mode=PERSISTENT,
                content_type=properties.content_type,
                message_id=properties.message_id,
                headers=headers or None,
            )
            # Default exchange, routing key = queue: where the meters publish.
            channel.basic_publish("", queue, body, republished, mandatory=True)
            channel.basic_ack(method.delivery_tag)
            moved += 1
        return moved
    finally:
        if connection.is_open:
            connection.close()
