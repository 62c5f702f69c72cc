"""The sync consumer against the real RabbitMQ: bad events go to the DLQ, the rest apply."""

import json
import threading
import uuid
from collections.abc import Iterator

import pytest

from ems_common.events import encode_envelope, make_envelope
from ems_common.messaging.consumer import ERROR_HEADER
from ems_common.messaging.topology import dlq_name
from ems_common.testing.broker import drain, publish_raw, wait_until
from monitoring.management.commands.consume_sync import Command
from monitoring.models import Device


@pytest.fixture
def running_consumer(transactional_db: None, unique_queue: str) -> Iterator[str]:
    """``consume_sync``'s consumer on a private queue, in a thread; yields the queue."""
    consumer = Command.handlers.consumer(unique_queue, declare=None, max_retry_delay=1.0)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    yield unique_queue
    consumer.stop()
    thread.join(timeout=10)
    assert not thread.is_alive(), "consumer did not stop"


def device_event(device_id: uuid.UUID, version: int, **data: object) -> bytes:
    payload = {
        "id": str(device_id),
        "name": "Meter",
        "description": "",
        "address": "",
        "owner_id": None,
        "max_hourly_consumption_kwh": 1.5,
        **data,
    }
    return encode_envelope(make_envelope("device.updated", payload, version=version, source="t"))


def test_malformed_and_invalid_events_are_dead_lettered_and_the_consumer_goes_on(
    running_consumer: str,
) -> None:
    queue = running_consumer
    good = uuid.uuid4()

    publish_raw(queue, b"{not json")
    publish_raw(queue, device_event(uuid.uuid4(), 1, max_hourly_consumption_kwh=-2))
    publish_raw(queue, device_event(good, 1, name="after the bad ones"))

    wait_until(lambda: Device.objects.filter(id=good).exists(), timeout=10, what="good event")
    dead = drain(dlq_name(queue), count=2, timeout=10)
    reasons = sorted(message.headers[ERROR_HEADER] for message in dead)
    assert len(reasons) == 2
    assert "not JSON" in reasons[1] or "not JSON" in reasons[0]
    assert any("max_hourly_consumption_kwh" in reason for reason in reasons)
    assert Device.objects.count() == 1
    assert drain(queue) == []  # everything was acked


def test_redelivered_events_apply_once_in_version_order(running_consumer: str) -> None:
    queue = running_consumer
    device_id = uuid.uuid4()

    for version, name in [(3, "third"), (2, "second"), (3, "third again")]:
        publish_raw(queue, device_event(device_id, version, name=name))
    publish_raw(queue, json.dumps({"marker": True}).encode())  # goes to the DLQ last

    drain(dlq_name(queue), count=1, timeout=10)  # the consumer has handled all four
    device = Device.objects.get(id=device_id)
    assert (device.name, device.version) == ("third", 3)
