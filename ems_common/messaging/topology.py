"""Every exchange, queue and binding of EMS, declared idempotently by whoever starts first.

Queues are durable; their only ``x-`` argument is ``x-queue-type`` for a cluster: quorum queues
(replicated on the cluster's nodes, so losing one loses nothing) when ``RABBITMQ_QUEUE_TYPE`` is
quorum (the default when RABBITMQ_HOST names several nodes), else classic queues without
arguments, so a meter that declares ``device_data_queue`` itself stays compatible on a single
broker. A queue's type cannot change once declared: a mismatch is a TopologyError naming the
queue. Each queue has ``<queue>.dlq``, bound to the ``ems.dlx`` exchange with the queue's name;
consumers dead-letter into it themselves.

Meters publish readings to the fanout exchange ``ems.readings``, bound to ``device_data_queue``:
an exchange a meter identity may write to without reaching any other exchange or queue
(identities.py). Fanout, so the routing key does not matter and a meter cannot lose readings by
sending a wrong one. The default exchange (routing key ``device_data_queue``) still reaches the
queue for an identity allowed to write to it, as older simulators publish.

``python -m ems_common.messaging.topology`` declares everything and exits.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import ChannelClosedByBroker

from ems_common.messaging.connection import connect
from ems_common.settings import broker_config

SYNC_EXCHANGE = "ems.sync"
DLX = "ems.dlx"
ALERTS_EXCHANGE = "ems.alerts"
READINGS_EXCHANGE = "ems.readings"
DEVICE_DATA_QUEUE = "device_data_queue"

# Each consuming service owns its queue, so every service gets every event it subscribes to.
SYNC_BINDINGS: dict[str, list[str]] = {
    "user_service": ["user.*"],
    "device_service": ["user.*"],
    "monitoring_service": ["user.*", "device.*"],
}

log = logging.getLogger(__name__)


def sync_queue(service: str) -> str:
    return f"sync_queue.{service}"


def dlq_name(queue: str) -> str:
    return f"{queue}.dlq"


class TopologyError(RuntimeError):
    """A queue exists with another type than the one configured (RABBITMQ_QUEUE_TYPE)."""


def queue_arguments(queue_type: str) -> dict[str, Any] | None:
    return {"x-queue-type": "quorum"} if queue_type == "quorum" else None


def declare_durable(channel: BlockingChannel, queue: str, queue_type: str) -> None:
    try:
        channel.queue_declare(queue, durable=True, arguments=queue_arguments(queue_type))
    except ChannelClosedByBroker as exc:
        if exc.reply_code == 406 and "x-queue-type" in str(exc.reply_text):
            raise TopologyError(
                f"queue {queue!r} exists with another type than RABBITMQ_QUEUE_TYPE={queue_type}:"
                " a queue's type cannot change; drain and delete it, or set the type it has"
                " (docs/DEPLOYMENT.md, 'A broker that survives losing a node')"
            ) from exc
        raise


def declare_queue(channel: BlockingChannel, queue: str, queue_type: str | None = None) -> None:
    """A durable queue plus its dead-letter queue ``<queue>.dlq`` bound to ``ems.dlx``, both of
    ``queue_type`` (None: the configured one)."""
    queue_type = queue_type or broker_config().queue_type
    channel.exchange_declare(DLX, exchange_type="direct", durable=True)
    declare_durable(channel, queue, queue_type)
    declare_durable(channel, dlq_name(queue), queue_type)
    channel.queue_bind(dlq_name(queue), DLX, routing_key=queue)


def declare_topology(channel: BlockingChannel, queue_type: str | None = None) -> None:
    """Exchanges, the per-service sync queues with their bindings, and the measurements queue
    with the readings exchange bound to it; queues of ``queue_type`` (None: the configured)."""
    queue_type = queue_type or broker_config().queue_type
    channel.exchange_declare(SYNC_EXCHANGE, exchange_type="topic", durable=True)
    channel.exchange_declare(DLX, exchange_type="direct", durable=True)
    channel.exchange_declare(ALERTS_EXCHANGE, exchange_type="topic", durable=True)
    for service, keys in SYNC_BINDINGS.items():
        queue = sync_queue(service)
        declare_queue(channel, queue, queue_type)
        for key in keys:
            channel.queue_bind(queue, SYNC_EXCHANGE, routing_key=key)
    declare_queue(channel, DEVICE_DATA_QUEUE, queue_type)
    channel.exchange_declare(READINGS_EXCHANGE, exchange_type="fanout", durable=True)
    channel.queue_bind(DEVICE_DATA_QUEUE, READINGS_EXCHANGE)


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("pika").setLevel(logging.WARNING)  # its INFO is one line per frame step
    connection = connect(attempts=8, max_delay=5.0, name="ems topology")
    assert connection is not None  # no stop event, so connect() returns or raises
    queue_type = broker_config().queue_type
    try:
        declare_topology(connection.channel(), queue_type)
    finally:
        connection.close()
    log.info("RabbitMQ topology declared (%s queues)", queue_type)
    return 0


if __name__ == "__main__":
    sys.exit(main())
