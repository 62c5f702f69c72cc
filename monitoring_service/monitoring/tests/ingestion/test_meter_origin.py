"""Whose readings a sender may report: a meter key's topic pins its device (real PostgreSQL)."""

from __future__ import annotations

import pytest

from ems_common.messaging.consumer import Message
from ems_common.messaging.topology import meter_routing_key
from monitoring.ingestion.consumer import SHARED_OFF, handle_batch
from monitoring.tests.ingestion.helpers import body, make_device, stored_count

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
