"""Connecting to RabbitMQ: the nodes of RABBITMQ_HOST, and moving on when one is gone."""

import dataclasses
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured
from pika.exceptions import AMQPConnectionError

from ems_common.messaging.connection import cluster_parameters, connect
from ems_common.settings import broker_config, broker_nodes


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_several_nodes_each_with_or_without_its_own_port():
    assert broker_nodes("rabbitmq, rabbitmq-2:5673,10.0.0.3", 5672) == [
        ("rabbitmq", 5672),
        ("rabbitmq-2", 5673),
        ("10.0.0.3", 5672),
    ]


@pytest.mark.parametrize("hosts", ["a,,b", "a:notaport", "a:70000", ":5672"])
def test_a_bad_node_entry_is_named(hosts):
    with pytest.raises(ImproperlyConfigured, match="RABBITMQ_HOST must be host"):
        broker_nodes(hosts, 5672)


@pytest.mark.parametrize(
    ("hosts", "queue_type", "expected"),
    [("rabbitmq", "", "classic"), ("a,b,c", "", "quorum"), ("a,b", "classic", "classic"),
     ("rabbitmq", "quorum", "quorum")],
)  # fmt: skip
def test_the_queue_type_follows_the_nodes_unless_set(monkeypatch, hosts, queue_type, expected):
    monkeypatch.setenv("RABBITMQ_HOST", hosts)
    monkeypatch.setenv("RABBITMQ_QUEUE_TYPE", queue_type)
    assert broker_config().queue_type == expected


def test_an_unknown_queue_type_is_named(monkeypatch):
    monkeypatch.setenv("RABBITMQ_QUEUE_TYPE", "stream")
    with pytest.raises(ImproperlyConfigured, match="RABBITMQ_QUEUE_TYPE.*'stream'"):
        broker_config()


def test_every_node_is_tried_in_a_random_order(broker_config):
    config = dataclasses.replace(broker_config, host="a:1,b:2,c:3")
    orders = {tuple(p.host for p in cluster_parameters(config)) for _ in range(50)}
    assert all(sorted(order) == ["a", "b", "c"] for order in orders)
    assert len(orders) > 1


def test_a_client_connects_to_the_node_that_answers(broker_config):
    gone = f"127.0.0.1:{closed_port()}"
    alive = f"{broker_config.host}:{broker_config.port}"
    config = dataclasses.replace(broker_config, host=f"{gone},{alive},{gone}")
    for _ in range(3):  # whatever the order, the one that answers
        connection = connect(config, attempts=1)
        assert connection is not None
        assert connection.is_open
        connection.close()


def test_no_node_answering_is_an_error_after_the_attempts(broker_config):
    config = dataclasses.replace(
        broker_config, host=f"127.0.0.1:{closed_port()},127.0.0.1:{closed_port()}"
    )
    with pytest.raises(AMQPConnectionError):
        connect(config, attempts=2, max_delay=0.1)
