"""Replaying dead-lettered readings, e.g. after their device was synced late."""

from __future__ import annotations

import pika

from ems_common.messaging.connection import connect
from ems_common.messaging.consumer import DEAD_LETTER_HEADERS, EXCHANGE_HEADER, ROUTING_KEY_HEADER
from ems_common.messaging.topology import (
    DEVICE_DATA_QUEUE,
    METER_EXCHANGE,
    declare_queue,
    declare_topology,
    dlq_name,
)

PERSISTENT = 2


def replay_dead_letters(queue: str, *, limit: int | None = None) -> int:
    """Move up to ``limit`` messages (default: all there now) from ``<queue>.dlq`` to ``queue``.

    Each message is republished with a publisher confirm before its dead-letter copy is acked, so
    a crash in between duplicates a reading (stored once anyway) but never loses one. Only the
    messages present at the start are moved: ones that fail again and come back are not looped.

    A reading of ``device_data_queue`` that came from a meter key (``amq.topic``) goes back the
    same way, with its routing key, so the consumer checks again that it names the key's device;
    any other goes to the default exchange, routing key ``queue``.
    """
    dlq = dlq_name(queue)
    connection = connect(attempts=3, max_delay=2.0, name=f"ems replay {dlq}")
    assert connection is not None  # no stop event: connect() returns or raises
    try:
        channel = connection.channel()
        declare_topology(channel)  # amq.topic's binding, for the meter keys' readings
        declare_queue(channel, queue)
        channel.confirm_delivery()
        waiting = channel.queue_declare(dlq, durable=True, passive=True).method.message_count
        todo = waiting if limit is None else min(limit, waiting)
        moved = 0
        while moved < todo:
            method, properties, body = channel.basic_get(dlq, auto_ack=False)
            if method is None:
                break
            original = properties.headers or {}
            headers = {
                key: value for key, value in original.items() if key not in DEAD_LETTER_HEADERS
            }
            republished = pika.BasicProperties(
                delivery_mode=PERSISTENT,
                content_type=properties.content_type,
                message_id=properties.message_id,
                headers=headers or None,
            )
            if original.get(EXCHANGE_HEADER) == METER_EXCHANGE and queue == DEVICE_DATA_QUEUE:
                exchange, routing_key = METER_EXCHANGE, str(original.get(ROUTING_KEY_HEADER))
            else:
                exchange, routing_key = "", queue
            channel.basic_publish(exchange, routing_key, body, republished, mandatory=True)
            channel.basic_ack(method.delivery_tag)
            moved += 1
        return moved
    finally:
        if connection.is_open:
            connection.close()
