"""Whose readings a sender may report: a meter key's topic pins its device (real PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.core.management import call_command

from ems_common.messaging.consumer import ERROR_HEADER, Message
from ems_common.messaging.topology import (
    DEVICE_DATA_QUEUE,
    declare_topology,
    dlq_name,
    meter_routing_key,
)
from ems_common.settings import BrokerConfig
from ems_common.testing.broker import drain, message_count, open_connection, publish_raw, wait_until
from monitoring.ingestion.consumer import SHARED_OFF, handle_batch
from monitoring.models import Device
from monitoring.tests.ingestion.helpers import body, make_device, running_consumer, stored_count

pytestmark = pytest.mark.django_db(transaction=True)

TS = 1780000000000


def message(tag: int, payload: bytes, exchange: str, routing_key: str) -> Message:
    return Message(delivery_tag=tag, body=payload, routing_key=routing_key, exchange=exchange)


def test_a_reading_on_its_own_devices_topic_counts() -> None:
    device = make_device()

    rejects = handle_batch(
        [message(1, body(device.id, TS, 0.5), "amq.topic", meter_routing_key(device.id))]
    )

    assert rejects == {}
    assert stored_count(device.id) == 1


def test_a_reading_claiming_another_device_is_dead_lettered_with_the_reason() -> None:
    mine, other = make_device(), make_device()

    rejects = handle_batch(
        [
            message(1, body(other.id, TS, 0.5), "amq.topic", meter_routing_key(mine.id)),
            message(2, body(mine.id, TS, 0.25), "amq.topic", meter_routing_key(mine.id)),
        ]
    )

    assert rejects == {
        1: f"device_id {other.id} is not the device of the meter key that sent it "
        f"(routing key ems.meters.{mine.id}.readings)"
    }
    assert stored_count(other.id) == 0
    assert stored_count(mine.id) == 1


def test_the_device_in_the_topic_may_be_written_in_capitals() -> None:
    device = make_device()
    routing_key = meter_routing_key(str(device.id).upper())

    assert handle_batch([message(1, body(device.id, TS, 0.5), "amq.topic", routing_key)]) == {}
    assert stored_count(device.id) == 1


def test_a_topic_naming_no_device_is_dead_lettered() -> None:
    device = make_device()

    rejects = handle_batch(
        [message(1, body(device.id, TS, 0.5), "amq.topic", "ems.meters.not-a-uuid.readings")]
    )

    assert rejects == {1: "routing key 'ems.meters.not-a-uuid.readings' names no device"}
    assert stored_count(device.id) == 0


@pytest.mark.parametrize("setting, accepted", [(None, True), ("1", True), ("0", False)])
def test_the_shared_meter_identity_counts_only_where_it_is_on(
    monkeypatch: pytest.MonkeyPatch, setting: str | None, accepted: bool
) -> None:
    if setting is None:
        monkeypatch.delenv("EMS_SHARED_METER_READINGS", raising=False)
    else:
        monkeypatch.setenv("EMS_SHARED_METER_READINGS", setting)
    device = make_device()

    rejects = handle_batch([message(1, body(device.id, TS, 0.5), "ems.readings", "")])

    assert rejects == ({} if accepted else {1: SHARED_OFF})
    assert stored_count(device.id) == (1 if accepted else 0)


def test_the_default_exchange_is_the_services_own_and_not_pinned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only the services' identity may write to it (replays of dead letters, tools).
    monkeypatch.setenv("EMS_SHARED_METER_READINGS", "0")
    device = make_device()

    assert handle_batch([message(1, body(device.id, TS, 0.5), "", "device_data_queue")]) == {}
    assert stored_count(device.id) == 1


@pytest.fixture
def readings_queue(broker_config: BrokerConfig) -> Iterator[str]:
    """This run's own device_data_queue (its vhost is the run's), bound to amq.topic, empty."""
    connection = open_connection(broker_config)
    try:
        channel = connection.channel()
        declare_topology(channel)
        channel.queue_purge(DEVICE_DATA_QUEUE)
        channel.queue_purge(dlq_name(DEVICE_DATA_QUEUE))
    finally:
        connection.close()
    yield DEVICE_DATA_QUEUE


def test_a_replayed_reading_of_a_meter_key_is_checked_against_its_topic_again(
    readings_queue: str, broker_config: BrokerConfig
) -> None:
    mine, other = make_device(), make_device()
    late_id = uuid.uuid4()
    key_of = meter_routing_key
    # As RabbitMQ routes a meter key's publishes (amq.topic, its routing key).
    publish_raw(
        key_of(mine.id), body(other.id, TS, 7.0), exchange="amq.topic", config=broker_config
    )
    publish_raw(key_of(late_id), body(late_id, TS, 0.5), exchange="amq.topic", config=broker_config)

    with running_consumer(readings_queue, broker_config):
        wait_until(lambda: message_count(dlq_name(readings_queue)) == 2, timeout=15, what="dlq")
        Device.objects.create(id=late_id, name="Late", max_hourly_consumption_kwh=5)
        call_command("replay_dlq", "--queue", readings_queue)
        wait_until(lambda: stored_count(late_id) == 1, timeout=15, what="the late device's")
        wait_until(lambda: message_count(dlq_name(readings_queue)) == 1, timeout=15, what="dlq")

    [again] = drain(dlq_name(readings_queue), count=1)
    assert again.headers[ERROR_HEADER].startswith(f"device_id {other.id} is not the device")
    assert stored_count(other.id) == 0
