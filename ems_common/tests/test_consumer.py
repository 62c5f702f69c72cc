import shutil
import subprocess
import sys
import threading

import pytest
from django.db.utils import OperationalError
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import ChannelClosedByBroker

from ems_common.messaging.consumer import (
    ERROR_HEADER,
    EXCHANGE_HEADER,
    QUEUE_HEADER,
    ROUTING_KEY_HEADER,
    ConsumerRunner,
)
from ems_common.messaging.topology import dlq_name
from ems_common.testing.broker import (
    drain,
    message_count,
    open_connection,
    publish_raw,
    wait_until,
)


def make_runner(queue, handler, config, **options):
    options.setdefault("declare", None)
    options.setdefault("retry_delay", 0.01)
    return ConsumerRunner(queue, handler, config=config, **options)


def publish_all(channel, queue, bodies, headers=None):
    channel.confirm_delivery()
    for body in bodies:
        publish_raw(queue, body, channel=channel, headers=headers)


def stop_and_join(consumer, thread):
    consumer.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_consumer_acks_each_message_after_its_handler_returns(
    broker_config, unique_queue, rabbit_channel, start_in_thread
):
    publish_all(rabbit_channel, unique_queue, [b"1", b"2", b"3"])
    handled: list[bytes] = []
    consumer = make_runner(
        unique_queue, lambda batch: handled.extend(m.body for m in batch), broker_config
    )

    thread = start_in_thread(consumer)
    wait_until(lambda: len(handled) == 3)
    stop_and_join(consumer, thread)

    assert handled == [b"1", b"2", b"3"]
    assert message_count(unique_queue) == 0  # acked: closing the connection returned nothing


def test_dead_lettered_message_carries_reason_and_the_consumer_goes_on(
    broker_config, unique_queue, rabbit_channel, start_in_thread
):
    publish_all(rabbit_channel, unique_queue, [b"bad", b"good"], headers={"trace": "t-1"})
    handled: list[bytes] = []

    def handle(batch):
        handled.extend(m.body for m in batch)
        return {m.delivery_tag: "unknown device" for m in batch if m.body == b"bad"}

    consumer = make_runner(unique_queue, handle, broker_config)
    thread = start_in_thread(consumer)
    wait_until(lambda: b"good" in handled)
    stop_and_join(consumer, thread)

    [dead] = drain(dlq_name(unique_queue), count=1)
    assert dead.body == b"bad"
    assert dead.headers == {
        "trace": "t-1",
        ERROR_HEADER: "unknown device",
        QUEUE_HEADER: unique_queue,
        EXCHANGE_HEADER: "",  # published to the default exchange
        ROUTING_KEY_HEADER: unique_queue,
    }
    assert dead.properties.delivery_mode == 2
    assert message_count(unique_queue) == 0


@pytest.mark.parametrize("overlap", [False, True])
def test_poison_message_in_a_batch_is_dead_lettered_alone(
    broker_config, unique_queue, rabbit_channel, start_in_thread, overlap
):
    publish_all(rabbit_channel, unique_queue, [b"a", b"poison", b"b", b"c"])
    committed: list[bytes] = []

    def handle(batch):
        if any(m.body == b"poison" for m in batch):
            raise ValueError("cannot parse poison")
        committed.extend(m.body for m in batch)

    consumer = make_runner(
        unique_queue, handle, broker_config, batch_size=10, max_wait=0.3, overlap=overlap
    )
    thread = start_in_thread(consumer)
    wait_until(lambda: len(committed) == 3)
    stop_and_join(consumer, thread)

    assert sorted(committed) == [b"a", b"b", b"c"]
    [dead] = drain(dlq_name(unique_queue), count=1)
    assert dead.body == b"poison"
    assert dead.headers[ERROR_HEADER] == "ValueError: cannot parse poison"
    assert message_count(unique_queue) == 0


@pytest.mark.parametrize("overlap", [False, True])
def test_transient_error_is_retried_until_recovery_without_dead_lettering(
    broker_config, unique_queue, rabbit_channel, start_in_thread, overlap
):
    publish_all(rabbit_channel, unique_queue, [b"reading"])
    calls = []

    def handle(batch):
        calls.append(len(batch))
        if len(calls) <= 3:  # the database is down for the first three attempts
            raise OperationalError("connection refused")

    consumer = make_runner(unique_queue, handle, broker_config, overlap=overlap)
    thread = start_in_thread(consumer)
    wait_until(lambda: len(calls) == 4)
    stop_and_join(consumer, thread)

    assert calls == [1, 1, 1, 1]
    assert message_count(unique_queue) == 0
    assert message_count(dlq_name(unique_queue)) == 0


def test_stop_while_retrying_a_transient_error_leaves_the_message_queued(
    broker_config, unique_queue, rabbit_channel, start_in_thread
):
    publish_all(rabbit_channel, unique_queue, [b"reading"])
    calls = []

    def handle(batch):
        calls.append(1)
        raise OperationalError("database is down")

    consumer = make_runner(unique_queue, handle, broker_config)
    thread = start_in_thread(consumer)
    wait_until(lambda: len(calls) >= 2)
    stop_and_join(consumer, thread)

    [message] = drain(unique_queue, count=1)
    assert message.body == b"reading"
    assert message.redelivered
    assert message_count(dlq_name(unique_queue)) == 0


@pytest.mark.parametrize("overlap", [False, True])
def test_stop_mid_run_finishes_the_current_message_and_redelivers_the_rest(
    broker_config, unique_queue, rabbit_channel, start_in_thread, overlap
):
    publish_all(rabbit_channel, unique_queue, [b"1", b"2", b"3", b"4"])
    entered, release = threading.Event(), threading.Event()
    handled: list[bytes] = []

    def handle(batch):
        entered.set()
        release.wait(5)
        handled.extend(m.body for m in batch)

    consumer = make_runner(unique_queue, handle, broker_config, overlap=overlap)
    thread = start_in_thread(consumer)
    assert entered.wait(5)
    consumer.stop()
    release.set()
    thread.join(timeout=10)

    assert handled == [b"1"]
    rest = drain(unique_queue, count=3)
    assert [m.body for m in rest] == [b"2", b"3", b"4"]
    assert all(m.redelivered for m in rest)  # they had been prefetched, never acked


@pytest.mark.parametrize("overlap", [False, True])
def test_batch_mode_hands_over_batches_and_acks_each_with_one_multiple_ack(
    broker_config, unique_queue, rabbit_channel, start_in_thread, monkeypatch, overlap
):
    acks = []
    original_ack = BlockingChannel.basic_ack

    def counting_ack(self, delivery_tag=0, multiple=False):
        acks.append(multiple)
        return original_ack(self, delivery_tag, multiple)

    monkeypatch.setattr(BlockingChannel, "basic_ack", counting_ack)
    bodies = [str(i).encode() for i in range(200)]
    publish_all(rabbit_channel, unique_queue, bodies)
    sizes: list[int] = []
    handled: list[bytes] = []

    def handle(batch):
        sizes.append(len(batch))
        handled.extend(m.body for m in batch)
        return {m.delivery_tag: "odd" for m in batch if int(m.body) % 50 == 1}

    consumer = make_runner(
        unique_queue, handle, broker_config, batch_size=50, max_wait=0.5, overlap=overlap
    )
    thread = start_in_thread(consumer)
    wait_until(lambda: len(handled) == 200)
    stop_and_join(consumer, thread)

    assert handled == bodies
    assert max(sizes) == 50 and all(size <= 50 for size in sizes)
    assert acks == [True] * len(sizes)
    dead = drain(dlq_name(unique_queue), count=4)
    assert sorted(m.body for m in dead) == [b"1", b"101", b"151", b"51"]
    assert message_count(unique_queue) == 0


def test_overlap_receives_the_next_batch_while_the_handler_works(
    broker_config, unique_queue, rabbit_channel, start_in_thread
):
    publish_all(rabbit_channel, unique_queue, [str(i).encode() for i in range(4)])
    handled: list[bytes] = []
    pending_while_first: list[int] = []
    threads: set[str] = set()
    consumer: ConsumerRunner

    def handle(batch):
        threads.add(threading.current_thread().name)
        if not handled:  # the first batch: the other two arrive meanwhile
            wait_until(lambda: len(consumer._pending) >= 2)
            pending_while_first.append(len(consumer._pending))
        handled.extend(m.body for m in batch)

    def teardown():
        threads.add(threading.current_thread().name)

    consumer = make_runner(
        unique_queue,
        handle,
        broker_config,
        batch_size=2,
        max_wait=0.3,
        overlap=True,
        worker_teardown=teardown,
    )
    thread = start_in_thread(consumer)
    wait_until(lambda: len(handled) == 4)
    stop_and_join(consumer, thread)

    assert handled == [b"0", b"1", b"2", b"3"]
    assert pending_while_first and pending_while_first[0] >= 2
    assert len(threads) == 1 and thread.name not in threads  # handler and teardown: one thread
    assert message_count(unique_queue) == 0


def test_stop_returns_while_the_broker_is_unreachable(unreachable_broker, start_in_thread):
    consumer = make_runner("never-declared", lambda batch: None, unreachable_broker)
    thread = start_in_thread(consumer)
    consumer.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_sigterm_stops_the_consumer_after_the_current_message(
    broker_config, unique_queue, rabbit_channel
):
    publish_all(rabbit_channel, unique_queue, [str(i).encode() for i in range(5)])
    process = subprocess.Popen(
        [sys.executable, "-m", "ems_common.tests.consumer_process", unique_queue],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("handled"), first
        process.terminate()
        rest, _ = process.communicate(timeout=10)
    finally:
        process.kill()
    handled = 1 + rest.count("handled")

    assert process.returncode == 0
    assert handled < 5
    assert message_count(unique_queue) == 5 - handled


@pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="needs rabbitmqctl on this host")
def test_consumer_reconnects_after_the_broker_drops_its_connection(
    broker_config, unique_queue, start_in_thread
):
    handled: list[bytes] = []
    consumer = make_runner(
        unique_queue,
        lambda batch: handled.extend(m.body for m in batch),
        broker_config,
        name=f"ems test {unique_queue}",
    )
    thread = start_in_thread(consumer)
    publish_raw(unique_queue, b"before", config=broker_config)
    wait_until(lambda: handled == [b"before"])

    close_connection_named(f"ems test {unique_queue}")
    publish_raw(unique_queue, b"after", config=broker_config)
    wait_until(lambda: handled == [b"before", b"after"], timeout=10)
    stop_and_join(consumer, thread)


def close_connection_named(name):
    listing = subprocess.run(
        ["rabbitmqctl", "-q", "list_connections", "pid", "client_properties"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pids = [line.split("\t")[0] for line in listing.splitlines() if name in line]
    assert len(pids) == 1, listing
    subprocess.run(["rabbitmqctl", "close_connection", pids[0], "test"], check=True)


def test_consumer_redeclares_its_queue_after_it_is_deleted(
    broker_config, unique_queue, rabbit_channel, start_in_thread
):
    handled: list[bytes] = []
    consumer = make_runner(
        unique_queue, lambda batch: handled.extend(m.body for m in batch), broker_config
    )
    start_in_thread(consumer)
    publish_raw(unique_queue, b"before", config=broker_config)
    wait_until(lambda: handled == [b"before"])

    rabbit_channel.queue_delete(unique_queue)
    wait_until(lambda: queue_has_consumer(unique_queue), timeout=10)
    publish_raw(unique_queue, b"after", config=broker_config)

    wait_until(lambda: handled == [b"before", b"after"])


def queue_has_consumer(queue):
    connection = open_connection()
    try:
        declared = connection.channel().queue_declare(queue, passive=True)
        return declared.method.consumer_count > 0
    except ChannelClosedByBroker:
        return False  # not redeclared yet
    finally:
        if connection.is_open:
            connection.close()
