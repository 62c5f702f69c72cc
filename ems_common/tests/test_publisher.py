import pytest

from ems_common.messaging.publisher import (
    BrokerUnavailable,
    MessageNacked,
    MessageUnroutable,
    Publisher,
    PublishError,
)
from ems_common.testing.broker import drain


def test_published_message_is_confirmed_persistent_json(broker_config, unique_queue):
    with Publisher(broker_config) as publisher:
        publisher.publish("", unique_queue, b'{"a": 1}', message_id="m-1", headers={"h": "v"})

    [message] = drain(unique_queue, count=1)
    assert message.body == b'{"a": 1}'
    assert message.properties.delivery_mode == 2
    assert message.properties.content_type == "application/json"
    assert message.properties.message_id == "m-1"
    assert message.headers == {"h": "v"}


def test_unroutable_message_raises(broker_config, unique_queue):
    with Publisher(broker_config) as publisher, pytest.raises(MessageUnroutable):
        publisher.publish("", unique_queue + ".nobody", b"{}")


def test_nacked_message_raises(broker_config, rabbit_channel, unique_queue):
    full = unique_queue + ".full"
    rabbit_channel.queue_declare(
        full, arguments={"x-max-length": 0, "x-overflow": "reject-publish"}
    )
    try:
        with Publisher(broker_config) as publisher, pytest.raises(MessageNacked):
            publisher.publish("", full, b"{}")
    finally:
        # auto_delete would not remove it: a queue that never had a consumer stays.
        rabbit_channel.queue_delete(full)


def test_unreachable_broker_raises_broker_unavailable(unreachable_broker):
    with Publisher(unreachable_broker) as publisher, pytest.raises(BrokerUnavailable):
        publisher.publish("", "anything", b"{}")


def test_publisher_recovers_after_a_channel_error(broker_config, unique_queue):
    with Publisher(broker_config) as publisher:
        with pytest.raises(PublishError):
            publisher.publish("ems.no-such-exchange", "x", b"{}")
        publisher.publish("", unique_queue, b"after")

    assert [m.body for m in drain(unique_queue, count=1)] == [b"after"]


def test_declare_hook_runs_before_the_first_publish(broker_config, unique_queue):
    exchange = unique_queue + ".exchange"

    def declare(channel):
        channel.exchange_declare(exchange, exchange_type="fanout", auto_delete=True)
        channel.queue_bind(unique_queue, exchange)

    with Publisher(broker_config, declare=declare) as publisher:
        publisher.publish(exchange, "", b"via-hook")

    assert [m.body for m in drain(unique_queue, count=1)] == [b"via-hook"]
