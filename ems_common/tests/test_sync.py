import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ems_common.contracts import EVENT_TYPES, Event, UserCreated, UserDeleted
from ems_common.events import (
    Envelope,
    InvalidEvent,
    encode_envelope,
    make_envelope,
    parse_envelope,
)
from ems_common.inbox.services import apply_upsert
from ems_common.messaging.consumer import ERROR_HEADER, ConsumerRunner
from ems_common.messaging.sync import (
    ConsumeSyncCommand,
    EventConsumer,
    SyncHandlers,
    with_fresh_db_connection,
)
from ems_common.messaging.topology import dlq_name
from ems_common.testing.broker import drain, message_count, publish_raw, wait_until
from ems_common.tests.test_contracts import MALFORMED, VALID
from ems_common.tests.testapp.models import SyncedDevice

pytestmark = pytest.mark.django_db(transaction=True)


def device_event(device_id, version=1, **data):
    data = {"id": device_id, "name": "meter", "max_hourly_consumption_kwh": 1.5, **data}
    return encode_envelope(make_envelope("device.created", data, version=version, source="test"))


def apply_device(event: Envelope) -> None:
    if "name" not in event.data:
        raise InvalidEvent("name is missing")
    fields = {
        "name": event.data["name"],
        "max_hourly_consumption_kwh": Decimal(str(event.data["max_hourly_consumption_kwh"])),
    }
    apply_upsert(SyncedDevice, event.data["id"], event.version, fields)


@pytest.fixture
def consume(broker_config, unique_queue, start_in_thread):
    def start(handle_event=apply_device):
        consumer = EventConsumer(
            unique_queue, handle_event, config=broker_config, declare=None, retry_delay=0.01
        )
        start_in_thread(consumer)
        return consumer

    return start


def dead_letters(queue, count):
    return drain(dlq_name(queue), count=count)


def test_event_is_applied_and_acked(unique_queue, consume):
    device_id = str(uuid.uuid4())
    publish_raw(unique_queue, device_event(device_id))
    consumer = consume()

    device = wait_until(lambda: SyncedDevice.objects.filter(pk=device_id).first())
    assert device is not None
    assert (device.name, device.version) == ("meter", 1)
    consumer.stop()
    wait_until(lambda: message_count(unique_queue) == 0)


def test_unparsable_event_is_dead_lettered_and_the_next_one_applied(unique_queue, consume):
    device_id = str(uuid.uuid4())
    publish_raw(unique_queue, b"{not json")
    publish_raw(unique_queue, device_event(device_id))
    consume()

    wait_until(lambda: SyncedDevice.objects.filter(pk=device_id).exists())
    [dead] = dead_letters(unique_queue, 1)
    assert dead.body == b"{not json"
    assert dead.headers[ERROR_HEADER].startswith("invalid event: not JSON")


def test_invalid_event_rolls_back_its_writes_and_is_dead_lettered(unique_queue, consume):
    device_id = str(uuid.uuid4())

    def write_then_refuse(event):
        SyncedDevice.objects.create(id=event.data["id"], name="half-done", version=1)
        raise InvalidEvent("owner_id must be a string, not an integer")

    publish_raw(unique_queue, device_event(device_id))
    consume(write_then_refuse)

    [dead] = dead_letters(unique_queue, 1)
    assert dead.headers[ERROR_HEADER] == "invalid event: owner_id must be a string, not an integer"
    assert not SyncedDevice.objects.filter(pk=device_id).exists()


def test_validation_error_is_dead_lettered_with_its_messages(unique_queue, consume):
    def refuse(event):
        raise ValidationError(["name is too long", "kwh must be positive"])

    publish_raw(unique_queue, device_event(str(uuid.uuid4())))
    consume(refuse)

    [dead] = dead_letters(unique_queue, 1)
    assert dead.headers[ERROR_HEADER] == "invalid event: name is too long; kwh must be positive"


def test_lost_database_connection_is_retried_and_the_event_applied(unique_queue, consume):
    device_id = str(uuid.uuid4())
    attempts = []

    def apply_after_losing_the_connection(event):
        attempts.append(1)
        if len(attempts) == 1:
            # The server ends this session, as on a database restart.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        apply_device(event)

    publish_raw(unique_queue, device_event(device_id))
    consume(apply_after_losing_the_connection)

    wait_until(lambda: SyncedDevice.objects.filter(pk=device_id).exists())
    assert len(attempts) == 2
    assert message_count(dlq_name(unique_queue)) == 0


def test_same_event_delivered_twice_is_applied_once(unique_queue, consume):
    device_id = str(uuid.uuid4())
    body = device_event(device_id, version=2, name="v2")
    publish_raw(unique_queue, body)
    publish_raw(unique_queue, device_event(device_id, version=1, name="stale"))
    publish_raw(unique_queue, body)
    marker = str(uuid.uuid4())
    publish_raw(unique_queue, device_event(marker))
    consume()

    wait_until(lambda: SyncedDevice.objects.filter(pk=marker).exists())
    device = SyncedDevice.objects.get(pk=device_id)
    assert (device.name, device.version) == ("v2", 2)
    assert message_count(dlq_name(unique_queue)) == 0


def test_batch_handler_outside_a_transaction_recovers_from_a_lost_connection(
    broker_config, unique_queue, start_in_thread
):
    handled: list[str] = []

    def store(batch):
        with connection.cursor() as cursor:
            if not handled:
                handled.append("connection killed")
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            cursor.execute("SELECT 1")
        handled.append("stored")

    publish_raw(unique_queue, b"{}")
    runner = ConsumerRunner(
        unique_queue,
        with_fresh_db_connection(store),
        config=broker_config,
        declare=None,
        retry_delay=0.01,
    )
    start_in_thread(runner)

    wait_until(lambda: "stored" in handled)
    assert handled == ["connection killed", "stored"]


def every_type_handlers(applied: list[Event]) -> SyncHandlers:
    """A service that handles every type of the contract, recording what it was given."""
    handlers = SyncHandlers(f"test{uuid.uuid4().hex[:8]}")

    @handlers.handles(*EVENT_TYPES.values())
    def record(event: Event, version: int) -> None:
        applied.append(event)

    return handlers


def test_a_malformed_event_of_each_type_is_dead_lettered_naming_the_field(
    broker_config, unique_queue, start_in_thread
):
    applied: list[Event] = []
    bad = [
        (event_type, {**VALID[event_type], **changes}, reason)
        for event_type, changes, reason in MALFORMED
    ]
    for event_type, data, _ in bad:
        publish_raw(
            unique_queue, encode_envelope(make_envelope(event_type, data, version=1, source="t"))
        )
    marker = make_envelope("user.deleted", {"id": str(uuid.uuid4())}, version=1, source="t")
    publish_raw(unique_queue, encode_envelope(marker))
    handlers = every_type_handlers(applied)
    start_in_thread(handlers.consumer(unique_queue, config=broker_config, declare=None))

    dead = dead_letters(unique_queue, len(bad))
    wait_until(lambda: len(applied) == 1)
    # Dead-lettered in the order they came, each with its own reason.
    for message, (_, _, reason) in zip(dead, bad, strict=True):
        assert message.headers[ERROR_HEADER].startswith("invalid event: ")
        assert reason in message.headers[ERROR_HEADER]
    assert isinstance(applied[0], UserDeleted)


def test_an_event_the_service_does_not_handle_is_dead_lettered(
    broker_config, unique_queue, start_in_thread
):
    handlers = SyncHandlers("device_service")
    handlers.handles(UserDeleted)(lambda event, version: None)
    device = make_envelope("device.created", VALID["device.created"], version=1, source="t")
    publish_raw(unique_queue, encode_envelope(device))
    start_in_thread(handlers.consumer(unique_queue, config=broker_config, declare=None))

    [dead] = dead_letters(unique_queue, 1)
    assert dead.headers[ERROR_HEADER] == (
        "invalid event: unexpected event type 'device.created' on sync_queue.device_service"
    )


def test_a_type_has_one_handler_per_service():
    handlers = SyncHandlers("device_service")
    handlers.handles(UserDeleted)(lambda event, version: None)

    with pytest.raises(ValueError, match="already handles user.deleted"):
        handlers.handles(UserDeleted)(lambda event, version: None)


def test_the_handler_gets_the_typed_event_and_its_version():
    handlers = SyncHandlers("user_service")
    handlers.handles(UserDeleted)(lambda event, version: (event, version))
    user_id = uuid.uuid4()
    body = encode_envelope(
        make_envelope("user.deleted", {"id": str(user_id)}, version=4, source="t")
    )

    assert handlers(parse_envelope(body)) == (UserDeleted(id=user_id), 4)


def test_consume_sync_names_its_events_and_queue_and_takes_another_queue():
    handlers = SyncHandlers("device_service")
    handlers.handles(UserCreated, UserDeleted)(lambda event, version: None)

    class Command(ConsumeSyncCommand):
        pass

    Command.handlers = handlers
    parser = Command().create_parser("manage.py", "consume_sync")

    assert Command().help == (
        "Apply user.created, user.deleted events from sync_queue.device_service until SIGTERM."
    )
    assert parser.parse_args([]).queue == "sync_queue.device_service"
    assert parser.parse_args(["--queue", "q"]).queue == "q"
