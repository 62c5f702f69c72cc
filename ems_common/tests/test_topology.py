import pytest

from ems_common.messaging import topology
from ems_common.messaging.topology import (
    DEVICE_DATA_QUEUE,
    DLX,
    SYNC_EXCHANGE,
    TopologyError,
    declare_queue,
    declare_topology,
    dlq_name,
    sync_queue,
)
from ems_common.testing.broker import (
    delete_queue,
    drain,
    open_connection,
    publish_raw,
    unique_name,
)


class RecordingChannel:
    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        return lambda *args, **kwargs: self.calls.append((name, args, kwargs))


def test_declare_topology_twice_is_harmless(rabbit_connection):
    channel = rabbit_connection.channel()
    declare_topology(channel)
    declare_topology(channel)

    for queue in [*(sync_queue(s) for s in topology.SYNC_BINDINGS), DEVICE_DATA_QUEUE]:
        channel.queue_declare(queue, passive=True)
        channel.queue_declare(dlq_name(queue), passive=True)
    for exchange in (SYNC_EXCHANGE, DLX, topology.ALERTS_EXCHANGE, topology.READINGS_EXCHANGE):
        channel.exchange_declare(exchange, passive=True)


def test_the_readings_exchange_is_a_durable_fanout_bound_to_device_data_queue():
    channel = RecordingChannel()
    declare_topology(channel)

    assert (
        "exchange_declare",
        (topology.READINGS_EXCHANGE,),
        {"exchange_type": "fanout", "durable": True},
    ) in channel.calls
    assert ("queue_bind", (DEVICE_DATA_QUEUE, topology.READINGS_EXCHANGE), {}) in channel.calls


def test_the_meter_topics_are_bound_to_device_data_queue():
    channel = RecordingChannel()
    declare_topology(channel)

    bound = [
        kwargs["routing_key"]
        for name, args, kwargs in channel.calls
        if name == "queue_bind" and args == (DEVICE_DATA_QUEUE, "amq.topic")
    ]
    assert bound == [
        "ems.meters.*.readings",
        "ems.meters.*.tele.SENSOR",
        "ems.meters.*.status.switch:0",
    ]


@pytest.mark.parametrize(
    ("routing_key", "route"),
    [
        ("ems.meters.abc.readings", ("abc", "ems")),
        ("ems.meters.abc.tele.SENSOR", ("abc", "tasmota")),
        ("ems.meters.abc.status.switch:0", ("abc", "shelly")),
        ("ems.meters.abc.tele.LWT", None),
        ("ems.meters.abc.status.switch:1", None),
        ("ems.meters.readings", None),
    ],
)
def test_a_meter_routing_key_names_its_device_and_payload_format(routing_key, route):
    assert topology.routed_meter("amq.topic", routing_key) == route
    assert topology.routed_meter("ems.readings", routing_key) is None


def test_a_meter_keys_subtree_pattern_holds_its_own_topics_only():
    import re

    pattern = re.compile(topology.meter_subtree_pattern("d-1"))

    assert pattern.match("ems.meters.d-1.readings")
    assert pattern.match("ems.meters.d-1.tele.LWT")
    assert not pattern.match("ems.meters.d-10.readings")
    assert not pattern.match("ems.meters.d-1")
    assert not pattern.match("ems.meters.dx1.readings")


def test_queues_are_plain_durable_queues_a_meter_can_redeclare(rabbit_connection, unique_queue):
    # A simulator declaring the queue with just durable=True must not get PRECONDITION_FAILED.
    channel = rabbit_connection.channel()
    channel.queue_declare(unique_queue, durable=True)
    channel.queue_declare(dlq_name(unique_queue), durable=True)


def test_dead_letter_exchange_routes_to_the_queues_dlq(rabbit_channel, unique_queue):
    publish_raw(unique_queue, b"{}", exchange=DLX)

    assert [m.body for m in drain(dlq_name(unique_queue), count=1)] == [b"{}"]


def test_each_service_binds_its_own_sync_queue():
    channel = RecordingChannel()
    declare_topology(channel)

    binds = {
        (args[0], kwargs["routing_key"])
        for name, args, kwargs in channel.calls
        if name == "queue_bind" and args[1] == SYNC_EXCHANGE
    }
    assert binds == {
        ("sync_queue.user_service", "user.*"),
        ("sync_queue.device_service", "user.*"),
        ("sync_queue.monitoring_service", "user.*"),
        ("sync_queue.monitoring_service", "device.*"),
    }


def test_declare_queue_uses_no_queue_arguments_on_a_single_broker():
    channel = RecordingChannel()
    declare_queue(channel, "q", "classic")

    declared = [(args, kwargs) for name, args, kwargs in channel.calls if name == "queue_declare"]
    plain = {"durable": True, "arguments": None}
    assert declared == [(("q",), plain), (("q.dlq",), plain)]
    assert ("queue_bind", ("q.dlq", DLX), {"routing_key": "q"}) in channel.calls


def test_a_cluster_gets_every_durable_queue_as_a_quorum_queue(monkeypatch):
    monkeypatch.setenv("RABBITMQ_HOST", "rabbitmq,rabbitmq-2,rabbitmq-3")
    monkeypatch.delenv("RABBITMQ_QUEUE_TYPE", raising=False)
    channel = RecordingChannel()
    declare_topology(channel)

    declared = {args[0]: kwargs for name, args, kwargs in channel.calls if name == "queue_declare"}
    assert set(declared) == {
        name
        for queue in [*(sync_queue(s) for s in topology.SYNC_BINDINGS), DEVICE_DATA_QUEUE]
        for name in (queue, dlq_name(queue))
    }
    assert all(kwargs["arguments"] == {"x-queue-type": "quorum"} for kwargs in declared.values())


@pytest.fixture
def quorum_queue(broker_config):
    queue = unique_name("quorum")
    yield queue
    delete_queue(broker_config, queue)


def test_a_quorum_queue_takes_redeclaring_and_refuses_another_type(broker_config, quorum_queue):
    connection = open_connection(broker_config)
    try:
        declare_queue(connection.channel(), quorum_queue, "quorum")
        declare_queue(connection.channel(), quorum_queue, "quorum")
        publish_raw(quorum_queue, b'{"n": 1}')
        assert [m.body for m in drain(quorum_queue, count=1)] == [b'{"n": 1}']

        with pytest.raises(TopologyError, match=f"{quorum_queue}.*RABBITMQ_QUEUE_TYPE=classic"):
            declare_queue(connection.channel(), quorum_queue, "classic")
    finally:
        if connection.is_open:
            connection.close()


def test_topology_entry_point_declares_and_exits_cleanly(broker_config):
    assert topology.main() == 0
