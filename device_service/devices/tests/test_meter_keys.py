"""Meter keys against a real RabbitMQ (a private node with its MQTT and management plugins).

What a key may do is checked with real clients: paho-mqtt over MQTT, pika over AMQP.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import paho.mqtt.client as mqtt
import pika
import pika.exceptions
import pytest
import requests
from paho.mqtt.enums import CallbackAPIVersion
from rest_framework.test import APIClient

from devices.tests.factories import DeviceFactory
from ems_common.messaging.topology import DEVICE_DATA_QUEUE, SYNC_EXCHANGE, declare_topology
from ems_common.testing.broker import wait_until
from ems_common.testing.rabbitmq_node import RabbitNode

pytestmark = pytest.mark.django_db


def credentials(device_id: Any) -> str:
    return f"/api/devices/{device_id}/credentials/"


@pytest.fixture
def vhost(rabbitmq_node: RabbitNode, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A vhost of this test on the private node, its topology declared, and device_service's
    settings pointing at it (management API as the node's administrator)."""
    name = f"meterkeys-{uuid.uuid4().hex[:10]}"
    api = f"{rabbitmq_node.management_url}/api"
    auth = (rabbitmq_node.user, rabbitmq_node.password)
    requests.put(f"{api}/vhosts/{name}", auth=auth, timeout=10).raise_for_status()
    everything = {"configure": ".*", "write": ".*", "read": ".*"}
    requests.put(
        f"{api}/permissions/{name}/{rabbitmq_node.user}", json=everything, auth=auth, timeout=10
    ).raise_for_status()
    for variable, value in {
        "EMS_RABBITMQ_MANAGEMENT_URL": rabbitmq_node.management_url,
        "RABBITMQ_ADMIN_USER": rabbitmq_node.user,
        "RABBITMQ_ADMIN_PASS": rabbitmq_node.password,
        "RABBITMQ_HOST": "127.0.0.1",
        "RABBITMQ_PORT": str(rabbitmq_node.amqp_port),
        "RABBITMQ_VHOST": name,
        "EMS_MQTT_PORT": str(rabbitmq_node.mqtt_port),
    }.items():
        monkeypatch.setenv(variable, value)
    with admin_connection(rabbitmq_node, name) as connection:
        declare_topology(connection.channel())
    yield name
    requests.delete(f"{api}/vhosts/{name}", auth=auth, timeout=30)


class admin_connection:  # noqa: N801 (a context manager, used like a function)
    def __init__(self, node: RabbitNode, vhost: str) -> None:
        self.parameters = pika.ConnectionParameters(
            "127.0.0.1",
            node.amqp_port,
            vhost,
            pika.PlainCredentials(node.user, node.password),
        )

    def __enter__(self) -> pika.BlockingConnection:
        self.connection = pika.BlockingConnection(self.parameters)
        return self.connection

    def __exit__(self, *exc: object) -> None:
        if self.connection.is_open:
            self.connection.close()


def queued(node: RabbitNode, vhost: str, queue: str = DEVICE_DATA_QUEUE) -> list[bytes]:
    """Take every message now in ``queue``."""
    bodies: list[bytes] = []
    with admin_connection(node, vhost) as connection:
        channel = connection.channel()
        while True:
            method, _properties, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                return bodies
            bodies.append(body)


def mqtt_publish(key: dict[str, Any], topic: str, payload: bytes) -> str:
    """Connect with the key, publish one QoS 1 message, disconnect: "acked", or why not."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"test-{uuid.uuid4().hex[:8]}")
    client.username_pw_set(key["mqtt"]["username"], key["password"])
    connack: list[Any] = []
    closed: list[Any] = []
    client.on_connect = lambda _c, _u, _flags, code, _p: connack.append(code)
    client.on_disconnect = lambda _c, _u, _flags, code, _p: closed.append(code)
    client.connect(key["mqtt"]["host"], key["mqtt"]["port"], keepalive=10)
    client.loop_start()
    try:
        wait_until(lambda: bool(connack) or bool(closed), 5, what="a CONNACK")
        if not connack or connack[0].is_failure:
            return f"connect refused: {connack[0] if connack else 'closed'}"
        info = client.publish(topic, payload, qos=1)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not info.is_published() and client.is_connected():
            time.sleep(0.05)
        if info.is_published():
            return "acked"
        return "refused: connection closed" if not client.is_connected() else "not acked"
    finally:
        client.disconnect()
        client.loop_stop()


def connected_mqtt(key: dict[str, Any]) -> mqtt.Client:
    """An MQTT client logged in with the key, its network loop running (no reconnect)."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"test-{uuid.uuid4().hex[:8]}")
    client.username_pw_set(key["mqtt"]["username"], key["password"])
    client.reconnect_delay_set(min_delay=60, max_delay=60)  # a close stays visible
    client.connect(key["mqtt"]["host"], key["mqtt"]["port"], keepalive=30)
    client.loop_start()
    wait_until(client.is_connected, 5, what="an MQTT login")
    return client


def amqp_connection(key: dict[str, Any], password: str | None = None) -> pika.BlockingConnection:
    amqp = key["amqp"]
    return pika.BlockingConnection(
        pika.ConnectionParameters(
            amqp["host"],
            amqp["port"],
            amqp["vhost"],
            pika.PlainCredentials(key["username"], password or key["password"]),
            connection_attempts=1,
        )
    )


def reading(device_id: Any) -> bytes:
    body = {"timestamp": 1780000000000, "device_id": str(device_id), "measurement_value": 0.5}
    return json.dumps(body).encode()


def test_a_key_publishes_its_own_readings_over_mqtt_and_amqp(
    admin_api: APIClient, rabbitmq_node: RabbitNode, vhost: str
) -> None:
    device = DeviceFactory.create()

    response = admin_api.post(credentials(device.id))

    assert response.status_code == 201, response.content
    key = response.json()
    assert key["username"] == f"meter-{device.id}"
    assert key["amqp"] == {
        "host": "127.0.0.1",
        "port": rabbitmq_node.amqp_port,
        "vhost": vhost,
        "exchange": "amq.topic",
        "routing_key": f"ems.meters.{device.id}.readings",
    }
    assert key["mqtt"] == {
        "host": "127.0.0.1",
        "port": rabbitmq_node.mqtt_port,
        "username": f"{vhost}:meter-{device.id}",
        "topic": f"ems/meters/{device.id}/readings",
        "topic_prefix": f"ems/meters/{device.id}",
        "client_id": f"meter-{device.id}",
        "qos": 1,
    }
    assert len(key["password"]) >= 32

    assert mqtt_publish(key, key["mqtt"]["topic"], reading(device.id)) == "acked"
    with amqp_connection(key) as connection:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish("amq.topic", key["amqp"]["routing_key"], reading(device.id))

    assert queued(rabbitmq_node, vhost) == [reading(device.id)] * 2


def test_a_key_publishes_a_vendors_topics_under_its_subtree_and_other_ones_are_dropped(
    admin_api: APIClient, rabbitmq_node: RabbitNode, vhost: str
) -> None:
    """A Tasmota's SENSOR and a Shelly's switch status reach the queue; the LWT and online
    topics a real device also publishes are accepted (no closed connection) and dropped."""
    device = DeviceFactory.create()
    key = admin_api.post(credentials(device.id)).json()
    prefix = key["mqtt"]["topic_prefix"]

    outcomes = {
        topic: mqtt_publish(key, f"{prefix}/{topic}", topic.encode())
        for topic in ("tele/LWT", "tele/SENSOR", "online", "status/switch:0", "tele/STATE")
    }

    assert set(outcomes.values()) == {"acked"}, outcomes
    assert sorted(queued(rabbitmq_node, vhost)) == [b"status/switch:0", b"tele/SENSOR"]


def test_a_key_cannot_publish_on_another_devices_topic(
    admin_api: APIClient, rabbitmq_node: RabbitNode, vhost: str
) -> None:
    mine, other = DeviceFactory.create(), DeviceFactory.create()
    key = admin_api.post(credentials(mine.id)).json()

    outcome = mqtt_publish(key, f"ems/meters/{other.id}/readings", reading(other.id))
    with amqp_connection(key) as connection:
        channel = connection.channel()
        channel.confirm_delivery()
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
            channel.basic_publish("amq.topic", f"ems.meters.{other.id}.readings", reading(other.id))

    assert refused.value.reply_code == 403
    assert outcome == "refused: connection closed"
    # Nor under the other device's subtree, nor outside every device's.
    for topic in (f"ems/meters/{other.id}/tele/SENSOR", "ems/meters/readings", "tele/SENSOR"):
        assert mqtt_publish(key, topic, reading(other.id)) == "refused: connection closed", topic
    assert queued(rabbitmq_node, vhost) == []


def test_a_key_reaches_no_other_exchange_and_reads_nothing(
    admin_api: APIClient, rabbitmq_node: RabbitNode, vhost: str
) -> None:
    device = DeviceFactory.create()
    key = admin_api.post(credentials(device.id)).json()

    with amqp_connection(key) as connection:
        for exchange in (SYNC_EXCHANGE, "ems.readings", ""):
            channel = connection.channel()
            channel.confirm_delivery()
            with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
                channel.basic_publish(exchange, DEVICE_DATA_QUEUE, reading(device.id))
            assert refused.value.reply_code == 403, exchange
        for queue in (
            DEVICE_DATA_QUEUE,
            f"{DEVICE_DATA_QUEUE}.dlq",
            "sync_queue.monitoring_service",
        ):
            channel = connection.channel()
            with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
                channel.basic_get(queue)
            assert refused.value.reply_code == 403, queue
        channel = connection.channel()
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
            channel.queue_declare("a-queue-of-its-own")
        assert refused.value.reply_code == 403

    # Nor over MQTT: subscribing needs a queue, and the key may declare only those of its own
    # client id (meter-<id>); other ones are refused.
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="test-subscriber")
    client.username_pw_set(key["mqtt"]["username"], key["password"])
    granted: list[Any] = []
    client.on_subscribe = lambda _c, _u, _mid, codes, _p: granted.extend(codes)
    client.connect(key["mqtt"]["host"], key["mqtt"]["port"])
    client.loop_start()
    try:
        client.subscribe("ems/#", qos=1)
        wait_until(
            lambda: bool(granted) or not client.is_connected(), 5, what="a SUBACK or a close"
        )
    finally:
        client.disconnect()
        client.loop_stop()
    assert all(code.is_failure for code in granted)


def subscribe(key: dict[str, Any], client_id: str, topics: list[str]) -> tuple[list[Any], bool]:
    """Subscribe to each topic at QoS 1 as ``client_id``: the SUBACK codes, and whether the
    connection is still open a moment later."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
    client.username_pw_set(key["mqtt"]["username"], key["password"])
    client.reconnect_delay_set(min_delay=60, max_delay=60)  # a close stays visible
    granted: list[Any] = []
    client.on_subscribe = lambda _c, _u, _mid, codes, _p: granted.extend(codes)
    client.connect(key["mqtt"]["host"], key["mqtt"]["port"])
    client.loop_start()
    try:
        wait_until(client.is_connected, 5, what="an MQTT login")
        for topic in topics:
            client.subscribe(topic, qos=1)
        wait_until(
            lambda: len(granted) == len(topics) or not client.is_connected(),
            5,
            what="the SUBACKs or a close",
        )
        time.sleep(0.5)
        return granted, client.is_connected()
    finally:
        client.disconnect()
        client.loop_stop()


def test_a_key_subscribes_to_its_own_commands_as_a_tasmota_and_a_shelly_do(
    admin_api: APIClient, rabbitmq_node: RabbitNode, vhost: str
) -> None:
    """RabbitMQ closes the connection of a refused SUBSCRIBE, and real devices subscribe: as
    client id meter-<id>, its own subtree and Tasmota's fallback topic are granted; another
    device's subtree, or another client id, is not."""
    mine, other = DeviceFactory.create(), DeviceFactory.create()
    key = admin_api.post(credentials(mine.id)).json()
    prefix, client_id = key["mqtt"]["topic_prefix"], key["mqtt"]["client_id"]

    own = [f"{prefix}/cmnd/#", f"{prefix}/rpc", f"cmnd/{client_id}_fb/#"]
    granted, connected = subscribe(key, client_id, own)
    others = {
        topic: subscribe(key, client_id, [topic])
        for topic in (f"ems/meters/{other.id}/cmnd/#", "ems/#", "#", "cmnd/tasmotas/#")
    }
    foreign_client = subscribe(key, f"meter-{other.id}", [f"{prefix}/cmnd/#"])

    assert client_id == f"meter-{mine.id}"
    assert [code.is_failure for code in granted] == [False] * 3 and connected
    for topic, (codes, _open) in others.items():
        assert all(code.is_failure for code in codes), topic
    assert all(code.is_failure for code in foreign_client[0])
    assert queued(rabbitmq_node, vhost) == []


def test_rotating_stops_the_old_key_at_once_and_the_new_one_works(
    admin_api: APIClient, rabbitmq_node: RabbitNode, vhost: str
) -> None:
    device = DeviceFactory.create()
    old = admin_api.post(credentials(device.id)).json()
    open_connection = amqp_connection(old)  # meters connected with the old key: AMQP ...
    mqtt_meter = connected_mqtt(old)  # ... and MQTT

    started = time.monotonic()
    new = admin_api.post(credentials(device.id)).json()
    wait_until(
        lambda: not open_connection.is_open or _closed(open_connection), 5, what="old closed"
    )
    wait_until(lambda: not mqtt_meter.is_connected(), 5, what="the old MQTT connection closed")
    took = time.monotonic() - started
    mqtt_meter.loop_stop()

    assert new["password"] != old["password"]
    assert took < 5
    with pytest.raises(pika.exceptions.ProbableAuthenticationError):
        amqp_connection(old)
    assert mqtt_publish(old, old["mqtt"]["topic"], reading(device.id)).startswith("connect refused")
    assert mqtt_publish(new, new["mqtt"]["topic"], reading(device.id)) == "acked"
    assert queued(rabbitmq_node, vhost) == [reading(device.id)]


def _closed(connection: pika.BlockingConnection) -> bool:
    try:
        connection.process_data_events(time_limit=0.1)
    except pika.exceptions.AMQPConnectionError:
        return True
    return not connection.is_open


def test_revoking_stops_the_key_and_its_connections(
    admin_api: APIClient, rabbitmq_node: RabbitNode, vhost: str
) -> None:
    device = DeviceFactory.create()
    key = admin_api.post(credentials(device.id)).json()
    open_connection = amqp_connection(key)
    mqtt_meter = connected_mqtt(key)

    response = admin_api.delete(credentials(device.id))

    assert response.status_code == 204
    wait_until(lambda: _closed(open_connection), 5, what="the key's connection closed")
    wait_until(lambda: not mqtt_meter.is_connected(), 5, what="the key's MQTT connection closed")
    mqtt_meter.loop_stop()
    with pytest.raises(pika.exceptions.ProbableAuthenticationError):
        amqp_connection(key)
    assert mqtt_publish(key, key["mqtt"]["topic"], reading(device.id)).startswith("connect refused")
    assert admin_api.delete(credentials(device.id)).status_code == 204  # nothing left: fine


def test_deleting_the_device_revokes_its_key(
    admin_api: APIClient,
    rabbitmq_node: RabbitNode,
    vhost: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    device = DeviceFactory.create()
    admin_api.post(credentials(device.id))
    user = quote(f"meter-{device.id}", safe="")
    url = f"{rabbitmq_node.management_url}/api/users/{user}"
    auth = (rabbitmq_node.user, rabbitmq_node.password)
    assert requests.get(url, auth=auth, timeout=5).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        assert admin_api.delete(f"/api/devices/{device.id}/").status_code == 204

    assert requests.get(url, auth=auth, timeout=5).status_code == 404


def test_only_an_admin_issues_keys_for_known_devices(
    admin_api: APIClient, client_for: Callable[..., APIClient]
) -> None:
    device = DeviceFactory.create()
    client = client_for(uuid.uuid4())

    assert client.post(credentials(device.id)).status_code == 403
    assert client.delete(credentials(device.id)).status_code == 403
    assert admin_api.post(credentials(uuid.uuid4())).status_code == 404


def test_an_unreachable_broker_is_a_503_naming_it(
    admin_api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = DeviceFactory.create()
    monkeypatch.setenv("EMS_RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:9")  # nothing listens
    admin_api.raise_request_exception = False  # a 5xx is reported as an exception, too

    response = admin_api.post(credentials(device.id))

    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "broker_unavailable"
