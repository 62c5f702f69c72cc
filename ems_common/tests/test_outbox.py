import json
import threading
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from ems_common.contracts import DeviceDeleted, Event
from ems_common.events import parse_envelope
from ems_common.messaging.publisher import BrokerUnavailable, Publisher
from ems_common.messaging.topology import SYNC_EXCHANGE
from ems_common.outbox.models import OutboxEvent
from ems_common.outbox.relay import OutboxRelay
from ems_common.outbox.services import prune_sent, publish_event, relay_pending
from ems_common.testing.broker import drain, wait_until


class Probe(Event):
    """An event of no real type, so no running system's queue receives it."""

    type = "test.probe"
    id: uuid.UUID
    n: int = 0


def probe(event_type: str, exchange: str = SYNC_EXCHANGE) -> type[Probe]:
    return type("Probe", (Probe,), {"type": event_type, "exchange": exchange})


@pytest.fixture
def event_type(rabbit_channel, unique_queue):
    """An event type only ``unique_queue`` subscribes to, so no running system sees it."""
    event_type = f"test{uuid.uuid4().hex[:12]}.created"
    rabbit_channel.exchange_declare(SYNC_EXCHANGE, exchange_type="topic", durable=True)
    rabbit_channel.queue_bind(unique_queue, SYNC_EXCHANGE, routing_key=event_type)
    return event_type


def write_events(event_type, count):
    event = probe(event_type)
    with transaction.atomic():
        return [publish_event(event(id=uuid.uuid4(), n=n), version=1) for n in range(count)]


def received_ids(queue, count, timeout=5.0):
    return [m.properties.message_id for m in drain(queue, timeout, count=count)]


@pytest.mark.django_db
def test_publish_event_writes_the_envelope_in_the_callers_transaction():
    device_id = uuid.uuid4()
    with transaction.atomic():
        event = publish_event(DeviceDeleted(id=device_id), version=3)

    stored = OutboxEvent.objects.get()
    assert stored.id == event.id
    assert (stored.exchange, stored.routing_key, stored.sent_at) == (
        SYNC_EXCHANGE,
        "device.deleted",
        None,
    )
    envelope = parse_envelope(json.dumps(stored.payload).encode())
    assert envelope.event_id == event.id
    assert envelope.source == "monitoring_service"  # from EMS_SERVICE of the test settings
    assert (envelope.version, envelope.data) == (3, {"id": str(device_id)})


@pytest.mark.django_db
def test_rolled_back_transaction_leaves_no_event():
    with pytest.raises(RuntimeError), transaction.atomic():
        publish_event(DeviceDeleted(id=uuid.uuid4()), version=1)
        raise RuntimeError("the change failed")

    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_publish_event_outside_a_transaction_is_refused():
    with pytest.raises(TransactionManagementError):
        publish_event(DeviceDeleted(id=uuid.uuid4()), version=1)
    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_relay_publishes_pending_events_once_in_order_and_marks_them_sent(
    broker_config, unique_queue, event_type
):
    events = write_events(event_type, 3)

    with Publisher(broker_config) as publisher:
        assert relay_pending(publisher) == 3
        assert relay_pending(publisher) == 0

    assert received_ids(unique_queue, 3) == [str(e.id) for e in events]
    assert drain(unique_queue) == []
    assert all(e.sent_at and e.attempts == 1 for e in OutboxEvent.objects.all())


@pytest.mark.django_db
def test_an_event_for_another_exchange_is_relayed_there(
    broker_config, rabbit_channel, unique_queue
):
    exchange = f"test.{uuid.uuid4().hex[:12]}"
    rabbit_channel.exchange_declare(exchange, exchange_type="topic", auto_delete=True)
    rabbit_channel.queue_bind(unique_queue, exchange, routing_key="alert.#")
    with transaction.atomic():
        event = publish_event(probe("alert.raised", exchange)(id=uuid.uuid4(), n=1), version=1)

    with Publisher(broker_config) as publisher:
        assert relay_pending(publisher) == 1

    assert OutboxEvent.objects.get().exchange == exchange
    [message] = drain(unique_queue, count=1)
    assert (message.routing_key, json.loads(message.body)) == ("alert.raised", event.payload)


@pytest.mark.django_db
def test_relay_body_is_the_stored_envelope(broker_config, unique_queue, event_type):
    [event] = write_events(event_type, 1)

    with Publisher(broker_config) as publisher:
        relay_pending(publisher)

    [message] = drain(unique_queue, count=1)
    assert json.loads(message.body) == event.payload
    assert message.properties.delivery_mode == 2


@pytest.mark.django_db
def test_relay_keeps_events_while_the_broker_is_down_and_sends_them_later(
    broker_config, unreachable_broker, unique_queue, event_type
):
    events = write_events(event_type, 2)

    with Publisher(unreachable_broker) as down, pytest.raises(BrokerUnavailable):
        relay_pending(down)

    first = OutboxEvent.objects.get(pk=events[0].pk)
    assert first.sent_at is None and first.attempts == 1 and "cannot reach" in first.last_error
    assert OutboxEvent.objects.filter(sent_at__isnull=True).count() == 2

    with Publisher(broker_config) as up:
        assert relay_pending(up) == 2
    assert received_ids(unique_queue, 2) == [str(e.id) for e in events]


@pytest.mark.django_db
def test_event_nobody_subscribes_to_is_marked_sent_with_a_note(broker_config):
    with transaction.atomic():
        publish_event(probe(f"nobody{uuid.uuid4().hex}.created")(id=uuid.uuid4()), version=1)

    with Publisher(broker_config) as publisher:
        assert relay_pending(publisher) == 1
    event = OutboxEvent.objects.get()
    assert event.sent_at is not None
    assert "no queue bound" in event.last_error


@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_publish_every_event_exactly_once(
    broker_config, unique_queue, event_type
):
    events = write_events(event_type, 120)
    start = threading.Barrier(2)
    counts: list[int] = []

    def relay():
        try:
            with Publisher(broker_config) as publisher:
                start.wait()
                total = 0
                while sent := relay_pending(publisher, limit=5):
                    total += sent
                counts.append(total)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    ids = received_ids(unique_queue, 120)
    assert sorted(ids) == sorted(str(e.id) for e in events)
    assert drain(unique_queue) == []
    assert sum(counts) == 120
    assert not OutboxEvent.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_running_relay_wakes_on_notify_rather_than_its_poll(
    broker_config, unique_queue, event_type, start_in_thread
):
    # A 60 s poll: only the NOTIFY sent on commit can get the events out within the timeout.
    relay = OutboxRelay(poll_interval=60, config=broker_config)
    start_in_thread(relay)

    [first] = write_events(event_type, 1)
    assert received_ids(unique_queue, 1) == [str(first.id)]
    [second] = write_events(event_type, 1)
    assert received_ids(unique_queue, 1) == [str(second.id)]
    wait_until(lambda: not OutboxEvent.objects.filter(sent_at__isnull=True).exists())


@pytest.mark.django_db
def test_relay_outbox_once_publishes_what_is_pending_and_exits(unique_queue, event_type, capsys):
    events = write_events(event_type, 3)

    call_command("relay_outbox", "--once", "--batch-size", "2")

    assert received_ids(unique_queue, 3) == [str(e.id) for e in events]
    assert "published 3 event(s)" in capsys.readouterr().out


@pytest.mark.django_db
def test_prune_deletes_only_events_sent_before_the_retention():
    old_sent, recent_sent, old_unsent = write_events("test.pruned", 3)
    now = timezone.now()
    OutboxEvent.objects.filter(id=old_sent.id).update(
        created_at=now - timedelta(days=30), sent_at=now - timedelta(days=20)
    )
    OutboxEvent.objects.filter(id=recent_sent.id).update(sent_at=now - timedelta(days=1))
    OutboxEvent.objects.filter(id=old_unsent.id).update(created_at=now - timedelta(days=30))

    pruned = prune_sent(timedelta(days=7), chunk=1)

    assert pruned == 1
    assert set(OutboxEvent.objects.values_list("id", flat=True)) == {
        recent_sent.id,
        old_unsent.id,
    }
