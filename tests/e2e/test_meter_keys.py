"""A meter key end to end: the admin API issues it, a real MQTT client and AMQP publish with it,
monitoring counts what is the key's own device and dead-letters the rest, a broker restart
loses nothing acknowledged; a Tasmota's and a Shelly's payloads count for devices set to them.

The stack runs on a RabbitMQ node of its own (ems_common.testing.rabbitmq_node), with the MQTT
and management plugins, since the machine's broker is shared and may have neither (and this
module restarts its broker). As under compose, the shared meter identity is off here
(``EMS_SHARED_METER_READINGS=0``).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pika
import pika.exceptions
import pytest
import requests
from harness import Stack
from harness.api import login, poll
from harness.browser import browser
from harness.stack import ROOT, session_run_id
from test_readings_flow import dead_letters, owned_device_known_to_monitoring

from ems_common.testing.broker import wait_until
from ems_common.testing.rabbitmq_node import RabbitNode
from ems_common.testing.rabbitmq_node import rabbitmq_node as rabbitmq_node  # the fixture

SIMULATOR = ROOT / "device_simulator" / "simulator.py"
PAYLOADS = ROOT / "monitoring_service" / "monitoring" / "tests" / "ingestion" / "vendor_payloads.py"

DAY = "2025-06-01"
COUNT_SECONDS = 20.0


@pytest.fixture(scope="module")
def stack(rabbitmq_node: RabbitNode) -> Iterator[Stack]:
    # A run id of its own: the session's stack has the run's, and closing this one drops its
    # databases and vhost.
    system = Stack(
        run_id=f"{session_run_id()}mk",
        overrides={
            "RABBITMQ_HOST": "127.0.0.1",
            "RABBITMQ_PORT": str(rabbitmq_node.amqp_port),
            # rabbitmqctl (import_definitions of the stack's setup) reaches this node
            "RABBITMQ_NODENAME": rabbitmq_node.name,
            "EMS_RABBITMQ_MANAGEMENT_URL": rabbitmq_node.management_url,
            "EMS_METER_HOST": "127.0.0.1",
            "EMS_METER_AMQP_PORT": str(rabbitmq_node.amqp_port),
            "EMS_MQTT_PORT": str(rabbitmq_node.mqtt_port),
            "EMS_SHARED_METER_READINGS": "0",
        },
    )
    try:
        system.start()
        yield system
    finally:
        system.close()


@pytest.fixture
def admin(stack: Stack) -> requests.Session:
    return login(stack, *stack.admin_credentials)


def issue_key(stack: Stack, admin: requests.Session, device_id: str) -> dict[str, Any]:
    response = admin.post(stack.url(f"/api/devices/{device_id}/credentials/"), timeout=30)
    assert response.status_code == 201, response.text
    key: dict[str, Any] = response.json()
    return key


def admin_in_browser(stack: Stack, scenario: str, **arguments: Any) -> dict[str, Any]:
    """A browser scenario signed in as the stack's admin; its report."""
    username, password = stack.admin_credentials
    return browser(
        scenario, baseUrl=stack.gateway_url, username=username, password=password, **arguments
    )


def reading(device_id: str, minute: int, kwh: float) -> str:
    moment = datetime.fromisoformat(f"{DAY}T10:{minute:02d}:00+00:00")
    body = {"timestamp": int(moment.timestamp() * 1000), "device_id": device_id}
    return json.dumps({**body, "measurement_value": kwh})


def mosquitto_pub(key: dict[str, Any], message: str, password: str | None = None) -> int:
    """The README's command for a real meter: mosquitto_pub at QoS 1; its exit code."""
    mqtt = key["mqtt"]
    command = [
        "mosquitto_pub",
        "-h", mqtt["host"],
        "-p", str(mqtt["port"]),
        "-u", mqtt["username"],
        "-P", password or key["password"],
        "-q", "1",
        "-t", mqtt["topic"],
        "-m", message,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, timeout=30, check=False).returncode


def amqp_publish(key: dict[str, Any], message: str) -> None:
    amqp = key["amqp"]
    parameters = pika.ConnectionParameters(
        amqp["host"],
        amqp["port"],
        amqp["vhost"],
        pika.PlainCredentials(key["username"], key["password"]),
        connection_attempts=1,
    )
    connection = pika.BlockingConnection(parameters)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        properties = pika.BasicProperties(delivery_mode=2, content_type="application/json")
        channel.basic_publish(amqp["exchange"], amqp["routing_key"], message, properties)
    finally:
        connection.close()


def day_buckets(stack: Stack, client: requests.Session, device_id: str) -> list[dict[str, Any]]:
    response = client.get(
        stack.url("/api/monitoring/consumption/"),
        params={"device_id": device_id, "period": "day", "date": DAY, "tz": "UTC"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    buckets: list[dict[str, Any]] = response.json()["buckets"]
    return buckets


def per_hour(stack: Stack, client: requests.Session, device_id: str, field: str) -> dict[int, Any]:
    """A bucket field (``readings``, ``kwh``) per UTC hour of DAY, hours where it is 0 left out."""
    return {
        int(bucket["start"][11:13]): bucket[field]
        for bucket in day_buckets(stack, client, device_id)
        if bucket[field]
    }


def stored(stack: Stack, client: requests.Session, device_id: str) -> Counter[int]:
    """Readings stored per UTC hour of DAY."""
    return Counter(per_hour(stack, client, device_id, "readings"))


def test_a_meter_key_counts_over_mqtt_and_amqp_and_another_devices_reading_is_dead_lettered(
    stack: Stack, admin: requests.Session
) -> None:
    device_id, client = owned_device_known_to_monitoring(stack, admin)
    other_id, _ = owned_device_known_to_monitoring(stack, admin)
    key = issue_key(stack, admin, device_id)

    assert mosquitto_pub(key, reading(device_id, 0, 0.25)) == 0
    amqp_publish(key, reading(device_id, 10, 0.5))
    # On its own topic, but claiming the other device: the broker takes it, monitoring not.
    claim = reading(other_id, 20, 7.0)
    assert mosquitto_pub(key, claim) == 0

    assert poll(lambda: stored(stack, client, device_id) == {10: 2}, COUNT_SECONDS), (
        stored(stack, client, device_id),
        stack.log_tail("monitoring_measurements"),
    )
    refused = poll(
        lambda: [h for h, body in dead_letters(stack) if body["device_id"] == other_id],
        COUNT_SECONDS,
    )
    assert refused, stack.log_tail("monitoring_measurements")
    assert refused[0]["x-ems-error"] == (
        f"device_id {other_id} is not the device of the meter key that sent it "
        f"(routing key ems.meters.{device_id}.readings)"
    )
    total = sum(b["kwh"] for b in day_buckets(stack, admin, other_id))
    assert total == 0
    # Not on the other device's topic either: the broker refuses it, nothing is acknowledged.
    other_topic = {**key, "mqtt": {**key["mqtt"], "topic": f"ems/meters/{other_id}/readings"}}
    assert mosquitto_pub(other_topic, reading(other_id, 30, 7.0)) != 0


def test_the_dialog_shows_the_key_once_and_its_settings_publish_a_reading(
    stack: Stack, admin: requests.Session
) -> None:
    """In Chromium: the admin devices page's Meter key dialog, then mosquitto_pub with exactly
    what it showed (screenshot: var/test-results/<run>/screenshots/meter-key-dialog.png)."""
    device_id, client = owned_device_known_to_monitoring(stack, admin)
    name = admin.get(stack.url(f"/api/devices/{device_id}/"), timeout=10).json()["name"]

    report = admin_in_browser(stack, "meter-key", deviceName=name)

    shown = report["shown"]
    assert shown["username"] == f"meter-{device_id}"
    assert shown["topic"] == f"ems/meters/{device_id}/readings"
    assert shown["qos"] == "1"
    assert report["passwordShownAgain"] == 0  # once: reopening shows no password
    assert report["narrow"]["by"] == 0, report["narrow"]  # fits a 360 px phone
    key = {
        "password": shown["password"],
        "mqtt": {
            "host": shown["host"],
            "port": int(shown["port"]),
            "username": shown["mqttUsername"],
            "topic": shown["topic"],
        },
    }
    assert mosquitto_pub(key, reading(device_id, 50, 0.75)) == 0
    assert poll(lambda: stored(stack, client, device_id) == {10: 1}, COUNT_SECONDS)
    assert shown["command"].startswith(f"mosquitto_pub -h {shown['host']} -p {shown['port']} -q 1")


def test_the_shared_meter_identity_is_refused_where_it_is_off(
    stack: Stack, admin: requests.Session
) -> None:
    from harness.api import connect_as

    from ems_common.messaging.identities import METER

    device_id, client = owned_device_known_to_monitoring(stack, admin)
    connection = connect_as(stack, METER)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.basic_publish("ems.readings", "", reading(device_id, 40, 1.0))
    finally:
        connection.close()

    refused = poll(
        lambda: [h for h, body in dead_letters(stack) if body["device_id"] == device_id],
        COUNT_SECONDS,
    )
    assert refused and "EMS_SHARED_METER_READINGS=0" in refused[0]["x-ems-error"]
    assert stored(stack, client, device_id) == {}


def test_rotation_and_revocation_through_the_gateway(stack: Stack, admin: requests.Session) -> None:
    device_id, client = owned_device_known_to_monitoring(stack, admin)
    old = issue_key(stack, admin, device_id)

    new = issue_key(stack, admin, device_id)

    assert mosquitto_pub(old, reading(device_id, 0, 0.1)) != 0
    with pytest.raises(pika.exceptions.ProbableAuthenticationError):
        amqp_publish(old, reading(device_id, 0, 0.1))
    assert mosquitto_pub(new, reading(device_id, 10, 0.2)) == 0
    assert poll(lambda: stored(stack, client, device_id) == {10: 1}, COUNT_SECONDS)

    response = admin.delete(stack.url(f"/api/devices/{device_id}/credentials/"), timeout=30)

    assert response.status_code == 204
    assert mosquitto_pub(new, reading(device_id, 20, 0.3)) != 0
    with pytest.raises(pika.exceptions.ProbableAuthenticationError):
        amqp_publish(new, reading(device_id, 20, 0.3))


def documented_payload(name: str) -> bytes:
    """A payload as its vendor's documentation shows it (monitoring's ingestion test fixtures,
    a module of constants only)."""
    spec = importlib.util.spec_from_file_location("vendor_payloads", PAYLOADS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    payload: bytes = getattr(module, name)
    return payload


def set_meter_format(
    stack: Stack, admin: requests.Session, device_id: str, meter_format: str
) -> None:
    """Set the device's meter payload and wait until monitoring's copy has it."""
    url = stack.url(f"/api/devices/{device_id}/")
    response = admin.patch(url, json={"meter_format": meter_format}, timeout=10)
    assert response.status_code == 200, response.text

    def synced() -> bool:
        copy = admin.get(stack.url(f"/api/monitoring/devices/{device_id}/"), timeout=10)
        return copy.ok and copy.json()["meter_format"] == meter_format

    assert poll(synced), stack.log_tail("monitoring_sync")


def tasmota_sensor(time: str, total_kwh: float) -> bytes:
    """Tasmota's documented SENSOR message, as with SetOption52 1 (Time with its offset)."""
    data = json.loads(documented_payload("TASMOTA_SENSOR"))
    data["Time"] = time
    data["ENERGY"]["Total"] = total_kwh
    return json.dumps(data).encode()


def shelly_status(moment: str, total_wh: float) -> bytes:
    """Shelly's documented switch status, its register at ``moment``."""
    data = json.loads(documented_payload("SHELLY_SWITCH_STATUS"))
    data["aenergy"]["total"] = total_wh
    data["aenergy"]["minute_ts"] = int(datetime.fromisoformat(moment).timestamp())
    return json.dumps(data).encode()


class Meter:
    """A real device's MQTT session with its key: connected once as the key's client id,
    subscribed to its commands and publishing at QoS 1 on topics under its subtree, like a
    Tasmota or a Shelly (with a last will, as they set one). RabbitMQ 3.10 closes the connection
    of a refused SUBSCRIBE: the key may make these (README, "Connect a real meter")."""

    def __init__(
        self, key: dict[str, Any], will: tuple[str, bytes], subscriptions: tuple[str, ...] = ()
    ) -> None:
        mqtt_settings = key["mqtt"]
        self.prefix = mqtt_settings["topic_prefix"]
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=mqtt_settings["client_id"]
        )
        self.client.username_pw_set(mqtt_settings["username"], key["password"])
        self.client.will_set(f"{self.prefix}/{will[0]}", will[1], qos=1, retain=True)
        self.client.reconnect_delay_set(min_delay=60, max_delay=60)  # a close stays visible
        granted: list[Any] = []
        self.client.on_subscribe = lambda _c, _u, _mid, codes, _p: granted.extend(codes)
        self.client.connect(mqtt_settings["host"], mqtt_settings["port"], keepalive=30)
        self.client.loop_start()
        wait_until(self.client.is_connected, 10, what="the meter's MQTT login")
        for topic in subscriptions:
            self.client.subscribe(topic.format(prefix=self.prefix, **mqtt_settings), qos=1)
        wait_until(lambda: len(granted) == len(subscriptions), 10, what="the SUBACKs")
        assert not any(code.is_failure for code in granted), granted
        assert self.client.is_connected(), "the broker closed the connection of a SUBSCRIBE"

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        info = self.client.publish(f"{self.prefix}/{topic}", payload, qos=1, retain=retain)
        info.wait_for_publish(timeout=10)
        assert info.is_published(), f"{topic}: not acknowledged"
        assert self.client.is_connected(), f"{topic}: the broker closed the connection"

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def hourly_kwh(stack: Stack, client: requests.Session, device_id: str) -> dict[int, float]:
    return {h: round(kwh, 6) for h, kwh in per_hour(stack, client, device_id, "kwh").items()}


def test_a_tasmota_and_a_shelly_publish_with_their_keys_and_the_hours_get_their_kwh(
    stack: Stack, admin: requests.Session
) -> None:
    tasmota_id, tasmota_client = owned_device_known_to_monitoring(stack, admin)
    shelly_id, shelly_client = owned_device_known_to_monitoring(stack, admin)
    set_meter_format(stack, admin, tasmota_id, "tasmota")
    set_meter_format(stack, admin, shelly_id, "shelly")
    tasmota = Meter(
        issue_key(stack, admin, tasmota_id),
        will=("tele/LWT", b"Offline"),
        subscriptions=("{prefix}/cmnd/#", "cmnd/{client_id}_fb/#"),  # Tasmota's, and its group's
    )
    shelly = Meter(
        issue_key(stack, admin, shelly_id),
        will=("online", b"false"),
        subscriptions=("{prefix}/rpc", "{prefix}/command", "{prefix}/command/switch:0"),
    )
    try:
        # What the devices send besides their energy: bound nowhere, dropped, no harm done.
        tasmota.publish("tele/LWT", b"Online", retain=True)
        tasmota.publish("tele/STATE", b'{"Time":"2025-06-01T12:00:00+02:00","POWER":"ON"}')
        shelly.publish("online", b"true", retain=True)
        shelly.publish("events/rpc", b'{"method":"NotifyStatus"}')
        # Registers at 10:00, 10:10, 10:20 and 11:00 UTC (Tasmota's Time in +02:00).
        for local, kwh in (("12:00", 12.345), ("12:10", 12.4), ("12:20", 12.5), ("13:00", 13.0)):
            tasmota.publish("tele/SENSOR", tasmota_sensor(f"{DAY}T{local}:00+02:00", kwh))
        for utc, wh in (("10:00", 6000), ("10:10", 6532.1), ("10:20", 7000.05), ("11:00", 7250)):
            shelly.publish("status/switch:0", shelly_status(f"{DAY}T{utc}:00+00:00", wh))
    finally:
        tasmota.close()
        shelly.close()

    # 10:20 to 11:00 is a gap (over 1.5 intervals): its energy is spread over 10:20..11:00, all
    # in hour 10, so hour 10 holds everything and 11:00's reading adds no energy to hour 11.
    tasmota_expected = {10: 0.655}  # 12.345 -> 13.0, all of it before 11:00
    shelly_expected = {10: 1.25}  # 6000 Wh -> 7250 Wh
    assert poll(
        lambda: hourly_kwh(stack, tasmota_client, tasmota_id) == tasmota_expected, COUNT_SECONDS
    ), (hourly_kwh(stack, tasmota_client, tasmota_id), stack.log_tail("monitoring_measurements"))
    assert poll(
        lambda: hourly_kwh(stack, shelly_client, shelly_id) == shelly_expected, COUNT_SECONDS
    ), (hourly_kwh(stack, shelly_client, shelly_id), stack.log_tail("monitoring_measurements"))


def test_a_tasmota_payload_for_a_device_set_to_ems_is_dead_lettered_naming_the_setting(
    stack: Stack, admin: requests.Session
) -> None:
    device_id, client = owned_device_known_to_monitoring(stack, admin)
    key = issue_key(stack, admin, device_id)
    meter = Meter(key, will=("tele/LWT", b"Offline"))
    try:
        meter.publish("tele/SENSOR", tasmota_sensor(f"{DAY}T12:00:00+02:00", 1.5))
    finally:
        meter.close()

    def refused() -> list[dict[str, Any]]:
        return [h for h, _ in dead_letters(stack) if device_id in str(h.get("x-ems-error"))]

    found = poll(refused, COUNT_SECONDS)
    assert found, stack.log_tail("monitoring_measurements")
    assert found[0]["x-ems-error"] == (
        f"a Tasmota payload (routing key ems.meters.{device_id}.tele.SENSOR) for device "
        f"{device_id}, whose meter_format is 'ems': set the device's meter_format to 'tasmota' "
        f"(admin devices page, Meter payload), or publish our JSON to "
        f"ems/meters/{device_id}/readings"
    )
    assert found[0]["x-ems-routing-key"] == f"ems.meters.{device_id}.tele.SENSOR"
    assert hourly_kwh(stack, client, device_id) == {}


def test_the_dialog_shows_each_formats_settings_at_desktop_and_phone_widths(
    stack: Stack, admin: requests.Session
) -> None:
    """Screenshots: var/test-results/<run>/screenshots/meter-key-<format>-{desktop,phone}.png."""
    devices = []
    for meter_format in ("ems", "tasmota", "shelly"):
        device_id, _ = owned_device_known_to_monitoring(stack, admin)
        set_meter_format(stack, admin, device_id, meter_format)
        name = admin.get(stack.url(f"/api/devices/{device_id}/"), timeout=10).json()["name"]
        devices.append({"name": name, "format": meter_format})

    report = admin_in_browser(stack, "meter-key-formats", devices=devices)

    for meter_format, shot in report["shots"].items():
        assert shot["shown"] == meter_format
        assert len(shot["wide"]["valueLefts"]) == 1, (meter_format, shot["wide"])  # one column
        assert shot["wide"]["pastTheDialog"] == [], (meter_format, shot["wide"])
        assert shot["phoneLayout"]["pastTheDialog"] == [], (meter_format, shot["phoneLayout"])
        assert shot["narrow"]["by"] == 0, (meter_format, shot["narrow"])
        assert Path(shot["desktop"]).is_file() and Path(shot["phone"]).is_file()
    ems = report["shots"]["ems"]
    assert ems["wide"]["commandText"].startswith("mosquitto_pub -h ")
    assert ems["wide"]["commandText"].endswith('0.25}"')
    assert not ems["wide"]["commandClipped"] and not ems["phoneLayout"]["commandClipped"]
    print(json.dumps({f: (s["desktop"], s["phone"]) for f, s in report["shots"].items()}))


def test_a_broker_restart_while_a_meter_publishes_at_qos_1_loses_nothing_acknowledged(
    stack: Stack, admin: requests.Session, rabbitmq_node: RabbitNode, tmp_path: Path
) -> None:
    device_id, client = owned_device_known_to_monitoring(stack, admin)
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(issue_key(stack, admin, device_id)))
    command = [
        sys.executable, str(SIMULATOR),
        "--config", str(tmp_path / "none.json"),
        "--meter-key", str(key_file),
        "--mqtt",
        "--start", f"{DAY}T00:00:00Z",
        "--speed", "6000",  # a 10-minute reading every 100 ms: 144 in about 15 s
        "--count", "144",
        "--seed", "7",
        "--print-json",
    ]  # fmt: skip
    (tmp_path / "none.json").write_text("{}")
    simulator = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acked: list[dict[str, Any]] = []
    reader = threading.Thread(
        target=lambda: acked.extend(json.loads(line) for line in simulator.stdout or []),
        daemon=True,
    )
    reader.start()
    time.sleep(3)  # some readings acknowledged before the broker goes
    before = len(acked)
    rabbitmq_node.restart()  # the whole node: its Erlang VM stops and starts again
    try:
        simulator.wait(timeout=180)
    finally:
        if simulator.poll() is None:
            simulator.kill()
    reader.join(10)
    err = simulator.stderr.read() if simulator.stderr else ""

    assert simulator.returncode == 0, err[-3000:]
    assert 0 < before < 144, f"the restart came at {before} acknowledged readings"
    assert "MQTT connection lost" in err, err[-2000:]
    assert len(acked) == 144
    expected = Counter(datetime.fromtimestamp(r["timestamp"] / 1000, UTC).hour for r in acked)
    assert poll(lambda: stored(stack, client, device_id) == expected, 60), (
        stored(stack, client, device_id),
        stack.log_tail("monitoring_measurements"),
    )
    kwh = {int(b["start"][11:13]): b["kwh"] for b in day_buckets(stack, client, device_id)}
    sums: dict[int, float] = {}
    for r in acked:
        hour = datetime.fromtimestamp(r["timestamp"] / 1000, UTC).hour
        sums[hour] = sums.get(hour, 0.0) + r["measurement_value"]
    assert all(abs(kwh[h] - sums[h]) < 1e-6 for h in sums)


def test_make_up_enables_mqtt_on_the_port_of_its_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """scripts/infra.py's step of `make up`, on a node of its own with MQTT still off."""
    import infra

    bare = RabbitNode(plugins=("rabbitmq_management",))
    bare.start()
    try:
        for name, value in bare.environment().items():
            monkeypatch.setenv(name, value)
        env = {"RABBITMQ_HOST": "127.0.0.1", "EMS_MQTT_PORT": str(bare.mqtt_port)}
        assert not infra.port_open("127.0.0.1", bare.mqtt_port)

        infra.enable_rabbitmq_mqtt(env)

        assert f"127.0.0.1:{bare.mqtt_port} (EMS_MQTT_PORT): enabled" in capsys.readouterr().out
        assert infra.port_open("127.0.0.1", bare.mqtt_port)
        infra.enable_rabbitmq_mqtt(env)  # again: it is up, nothing to do
        assert ": up" in capsys.readouterr().out
    finally:
        bare.remove()
