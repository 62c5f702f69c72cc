"""The meter identity against the real broker: it reaches ems.readings and nothing else.

The run's vhost was set up as `make up` sets up its own (scripts/infra.py ensure_vhost imports
``identities.definitions()``), so these tests fail when the permissions grant a meter more.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pika
import pytest
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import ChannelClosedByBroker

from ems_common.messaging.identities import (
    IDENTITIES,
    METER,
    OPERATOR,
    SERVICES,
    IdentityError,
    definitions,
)
from ems_common.messaging.topology import (
    DEVICE_DATA_QUEUE,
    DLX,
    READINGS_EXCHANGE,
    SYNC_EXCHANGE,
    declare_topology,
    sync_queue,
)
from ems_common.settings import BrokerConfig
from ems_common.testing.broker import drain, open_connection

ACCESS_REFUSED = 403


@pytest.fixture
def topology(broker_config: BrokerConfig) -> None:
    """EMS's exchanges and queues in this run's vhost, declared by the services' identity."""
    connection = open_connection(broker_config)
    try:
        declare_topology(connection.channel())
        connection.channel().queue_purge(DEVICE_DATA_QUEUE)
    finally:
        connection.close()


@pytest.fixture
def meter(topology: None) -> Iterator[pika.BlockingConnection]:
    connection = open_connection(METER.broker_config())
    yield connection
    if connection.is_open:
        connection.close()


def publish(channel: BlockingChannel, exchange: str, routing_key: str) -> None:
    channel.confirm_delivery()  # so a refusal is raised here, not on a later call
    channel.basic_publish(exchange, routing_key, b"{}", pika.BasicProperties(delivery_mode=2))


def test_a_meters_reading_on_the_readings_exchange_lands_in_device_data_queue(
    meter: pika.BlockingConnection,
) -> None:
    body = f'{{"device_id": "{uuid.uuid4()}", "timestamp": 1, "measurement_value": 0.5}}'
    channel = meter.channel()
    channel.confirm_delivery()
    # Fanout: whatever the routing key, the reading reaches the queue (mandatory: or fails).
    channel.basic_publish(READINGS_EXCHANGE, "any-key", body.encode(), mandatory=True)

    assert [m.body for m in drain(DEVICE_DATA_QUEUE, count=1)] == [body.encode()]


REFUSED: dict[str, Callable[[BlockingChannel], object]] = {
    "publish user.deleted to ems.sync": lambda ch: publish(ch, SYNC_EXCHANGE, "user.deleted"),
    "publish device.updated to ems.sync": lambda ch: publish(ch, SYNC_EXCHANGE, "device.updated"),
    "publish to the default exchange, device_data_queue": lambda ch: publish(
        ch, "", DEVICE_DATA_QUEUE
    ),
    "publish to the default exchange, a sync queue": lambda ch: publish(
        ch, "", sync_queue("monitoring_service")
    ),
    "publish to ems.dlx": lambda ch: publish(ch, DLX, DEVICE_DATA_QUEUE),
    "declare a queue": lambda ch: ch.queue_declare(f"meter.{uuid.uuid4().hex[:8]}"),
    "declare an exchange": lambda ch: ch.exchange_declare(f"meter.{uuid.uuid4().hex[:8]}"),
    "redeclare ems.readings": lambda ch: ch.exchange_declare(
        READINGS_EXCHANGE, exchange_type="fanout", durable=True
    ),
    "bind a queue to ems.readings": lambda ch: ch.queue_bind(DEVICE_DATA_QUEUE, READINGS_EXCHANGE),
    "get from device_data_queue": lambda ch: ch.basic_get(DEVICE_DATA_QUEUE),
    "get from a sync queue": lambda ch: ch.basic_get(sync_queue("monitoring_service")),
    "consume device_data_queue": lambda ch: ch.basic_consume(DEVICE_DATA_QUEUE, print),
    "purge device_data_queue": lambda ch: ch.queue_purge(DEVICE_DATA_QUEUE),
    "delete device_data_queue": lambda ch: ch.queue_delete(DEVICE_DATA_QUEUE),
}


@pytest.mark.parametrize("action", list(REFUSED))
def test_the_meter_identity_is_refused(meter: pika.BlockingConnection, action: str) -> None:
    with pytest.raises(ChannelClosedByBroker) as refused:
        REFUSED[action](meter.channel())
    assert refused.value.reply_code == ACCESS_REFUSED, refused.value
    assert "ACCESS_REFUSED" in refused.value.reply_text


def test_the_meter_identity_may_not_read_a_queue_the_services_fill(
    meter: pika.BlockingConnection, broker_config: BrokerConfig
) -> None:
    # A reading waits in device_data_queue; the meter still gets nothing out of it.
    services = open_connection(broker_config)
    try:
        services.channel().basic_publish(READINGS_EXCHANGE, "", b"{}")
    finally:
        services.close()
    with pytest.raises(ChannelClosedByBroker):
        meter.channel().basic_get(DEVICE_DATA_QUEUE, auto_ack=True)
    assert len(drain(DEVICE_DATA_QUEUE, count=1)) == 1


def test_definitions_grant_each_identity_its_own_permissions() -> None:
    env = {
        "RABBITMQ_USER": "svc",
        "RABBITMQ_PASS": "s-pass",
        "RABBITMQ_ADMIN_USER": "op",
        "RABBITMQ_ADMIN_PASS": "o-pass",
        "RABBITMQ_METER_USER": "m",
        "RABBITMQ_METER_PASS": "m-pass",
    }
    document = definitions(env, "ems")

    users = {user["name"]: (user["password"], user["tags"]) for user in document["users"]}
    assert users == {
        "svc": ("s-pass", []),
        "op": ("o-pass", ["administrator"]),
        "m": ("m-pass", []),
    }
    assert document["vhosts"] == [{"name": "ems"}]
    permissions = {p["user"]: (p["vhost"], p["configure"], p["write"], p["read"]) for p in
                   document["permissions"]}  # fmt: skip
    assert permissions["m"] == ("ems", "^$", r"^ems\.readings$", "^$")
    assert permissions["svc"] == ("ems", ".*", ".*", ".*")


def test_local_defaults_are_three_different_users() -> None:
    document = definitions({}, "/")
    assert [user["name"] for user in document["users"]] == ["ems", "ems-admin", "ems-meter"]
    assert [i.role for i in IDENTITIES] == ["services", "operator", "meter"]
    assert (SERVICES.tags, OPERATOR.tags, METER.tags) == ((), ("administrator",), ())


def test_one_user_for_two_roles_is_refused_naming_the_variables() -> None:
    with pytest.raises(IdentityError) as refused:
        definitions({"RABBITMQ_USER": "same", "RABBITMQ_METER_USER": "same"}, "/")
    assert "RABBITMQ_USER=same" in str(refused.value)
    assert "RABBITMQ_METER_USER=same" in str(refused.value)
