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

A meter with a key of its own (device_service's meter keys, docs/ARCHITECTURE.md) publishes to
``amq.topic`` with the routing key ``ems.meters.<device_id>.readings``: the exchange RabbitMQ's
MQTT plugin publishes to, where MQTT topic ``ems/meters/<device_id>/readings`` becomes that
routing key. Its topic permission pins the device's subtree (``ems.meters.<device_id>.``);
``device_data_queue`` is bound to ``ems.meters.*.readings`` and the consumer checks that the
payload names the same device.

Under that subtree a meter may also speak its vendor's payload (the device's ``meter_format``):
Tasmota with FullTopic ``ems/meters/<id>/%prefix%/`` publishes
``ems/meters/<id>/tele/SENSOR``, Shelly Gen2 with topic prefix ``ems/meters/<id>`` publishes
``ems/meters/<id>/status/switch:0``; both are bound too (``METER_TOPICS``). What else such a
device publishes there (LWT, online, other status) is bound nowhere: the broker drops it.

``python -m ems_common.messaging.topology`` declares everything and exits.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, NamedTuple

from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import ChannelClosedByBroker

from ems_common.messaging.connection import connect
from ems_common.settings import broker_config

SYNC_EXCHANGE = "ems.sync"
DLX = "ems.dlx"
ALERTS_EXCHANGE = "ems.alerts"
READINGS_EXCHANGE = "ems.readings"
DEVICE_DATA_QUEUE = "device_data_queue"
# Meters with keys of their own: the MQTT plugin's default exchange, one routing key a device.
METER_EXCHANGE = "amq.topic"
# The routing key's end after ``ems.meters.<device_id>.``, per meter payload format (the device's
# meter_format): our JSON, Tasmota's SENSOR telemetry, a Shelly Gen2 switch's status. The MQTT
# plugin turns "/" into "." and keeps ":" (topic status/switch:0 -> status.switch:0).
METER_TOPICS: dict[str, str] = {
    "ems": "readings",
    "tasmota": "tele.SENSOR",
    "shelly": "status.switch:0",
}
METER_ROUTING_PATTERNS = tuple(f"ems.meters.*.{suffix}" for suffix in METER_TOPICS.values())
METER_ROUTING_KEY = re.compile(
    r"ems\.meters\.([^.]+)\.(" + "|".join(re.escape(s) for s in METER_TOPICS.values()) + ")"
)
_FORMAT_OF_SUFFIX = {suffix: meter_format for meter_format, suffix in METER_TOPICS.items()}
# RabbitMQ's MQTT listener of the local stack (EMS_MQTT_PORT): not 1883, which a Mosquitto often
# holds on a developer machine. Compose listens on 1883 in the container.
LOCAL_MQTT_PORT = 1884

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
    with the readings exchange and the meters' topic (``amq.topic``) bound to it; queues of
    ``queue_type`` (None: the configured)."""
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
    for pattern in METER_ROUTING_PATTERNS:
        channel.queue_bind(DEVICE_DATA_QUEUE, METER_EXCHANGE, routing_key=pattern)


def meter_routing_key(device_id: object) -> str:
    """The routing key a device's meter publishes with on ``amq.topic``."""
    return f"ems.meters.{device_id}.readings"


def meter_topic(device_id: object) -> str:
    """The MQTT topic of a device's readings (the plugin turns ``/`` into ``.``)."""
    return f"ems/meters/{device_id}/readings"


def meter_topic_prefix(device_id: object) -> str:
    """The MQTT subtree of a device's meter: Shelly's topic prefix, Tasmota's FullTopic start."""
    return f"ems/meters/{device_id}"


def meter_subtree_pattern(device_id: object) -> str:
    """The topic permission of a device's meter key: any routing key under its own subtree."""
    return f"^{re.escape(f'ems.meters.{device_id}.')}"


class MeterRoute(NamedTuple):
    """Where a meter key's reading came from: the device its routing key names (as written) and
    the payload format its topic says (a key of METER_TOPICS)."""

    device: str
    meter_format: str


def routed_meter(exchange: str, routing_key: str) -> MeterRoute | None:
    """The device and payload format a reading's routing key names, or None."""
    if exchange != METER_EXCHANGE:
        return None
    match = METER_ROUTING_KEY.fullmatch(routing_key)
    return MeterRoute(match.group(1), _FORMAT_OF_SUFFIX[match.group(2)]) if match else None


def routed_device(exchange: str, routing_key: str) -> str | None:
    """The device a reading's routing key names (a meter key's pinned topic), or None."""
    if exchange != METER_EXCHANGE:
        return None
    match = METER_ROUTING_KEY.fullmatch(routing_key)
    return match.group(1) if match else None


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
