"""`make bench`: meter keys' readings over MQTT and AMQP, register readings, and how fast a
rotated or revoked key stops.

    python bench/meters.py [--readings 20000] [--devices 20] [--rounds 2]

On a RabbitMQ node of its own with the MQTT and management plugins
(ems_common.testing.rabbitmq_node: it does not depend on the machine broker's plugins; needs
root) and monitoring's real ``consume_measurements`` on ``device_data_queue``, with EMS's
topology, each device gets its meter key (device_service's ``issue_key``, what
``POST /api/devices/{id}/credentials/`` calls) and the same N readings (bench/ingest.py's
workload, shuffled) are published with those keys, one connection per device, through the
simulator's own publishers (window 1000):

- **MQTT QoS 1** to ``ems/meters/<id>/readings``, each kept until its PUBACK;
- **AMQP** with publisher confirms to ``amq.topic``, routing key ``ems.meters.<id>.readings``;
- **register**: the same consumption as cumulative registers (``energy_total_kwh``, the
  running total in each device's timestamp order, after a reading at its start value one
  interval before), over MQTT QoS 1.

For each, in one table: the publish rate (first publish to the last PUBACK/confirm) and the
end-to-end rate (first publish to the last reading committed), and whether the hourly totals
equal the workload's exactly with nothing dead-lettered. Then a key rotation and a revocation,
``--key-rounds`` times each: the time from ``issue_key``/``revoke_key`` returning (the API's
answer) until an MQTT connect with the old password is refused, and when the connection already
open with it was closed (negative: before the answer).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import paho.mqtt.client as mqtt
import pika
from bench_env import ROOT, BenchEnv, bench_database, broker, queue_depth, stop, wait_for
from ingest import Workload, consumers_started, insert_devices, make_workload
from paho.mqtt.enums import CallbackAPIVersion

sys.path[:0] = [str(ROOT / "device_simulator"), str(ROOT / "device_service")]

from devices.meter_keys import MeterKey, issue_key, revoke_key  # noqa: E402
from mqtt_publisher import MqttPublisher  # noqa: E402 (the simulator's publishers)
from options import MqttSettings  # noqa: E402
from publisher import ConfirmingPublisher  # noqa: E402
from readings import Reading, exact_kwh, register_message  # noqa: E402

from ems_common.messaging.topology import (  # noqa: E402
    DEVICE_DATA_QUEUE,
    METER_EXCHANGE,
    declare_topology,
    dlq_name,
    meter_routing_key,
    meter_topic,
)
from ems_common.testing.rabbitmq_node import RabbitNode, node_problem  # noqa: E402

WINDOW = 1000
STEP = timedelta(minutes=10)  # make_workload's interval
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
TABLES = ("monitoring_reading", "monitoring_register", "monitoring_meter_reset",
          "monitoring_hourly_consumption", "monitoring_daily_consumption")  # fmt: skip


@dataclass
class PathRun:
    path: str
    readings: int
    publish_seconds: float
    end_to_end_seconds: float
    exact: bool

    def row(self) -> str:
        return (
            f"  {self.path:<34} {self.readings:>8,} {self.readings / self.publish_seconds:>12,.0f}"
            f" {self.readings / self.end_to_end_seconds:>12,.0f}   {self.exact}"
        )


def node_env(node: RabbitNode) -> dict[str, str]:
    """EMS's settings for the private node: its guest as the services' and the operator."""
    return {
        "RABBITMQ_HOST": "127.0.0.1",
        "RABBITMQ_PORT": str(node.amqp_port),
        "RABBITMQ_VHOST": "/",
        "RABBITMQ_USER": node.user,
        "RABBITMQ_PASS": node.password,
        "RABBITMQ_ADMIN_USER": node.user,
        "RABBITMQ_ADMIN_PASS": node.password,
        "RABBITMQ_QUEUE_TYPE": "classic",
        "EMS_RABBITMQ_MANAGEMENT_URL": node.management_url,
        "EMS_METER_HOST": "127.0.0.1",
        "EMS_METER_AMQP_PORT": str(node.amqp_port),
        "EMS_MQTT_PORT": str(node.mqtt_port),
        "EMS_SHARED_METER_READINGS": "0",  # as in compose: meter keys only
    }


def device_of(body: bytes) -> str:
    return str(json.loads(body)["device_id"])


def stamp_of(body: bytes) -> datetime:
    """A workload reading's instant, from any of its three timestamp forms."""
    stamp = json.loads(body)["timestamp"]
    if isinstance(stamp, str):
        return datetime.fromisoformat(stamp)
    return EPOCH + (timedelta(milliseconds=stamp) if stamp >= 10**11 else timedelta(seconds=stamp))


def per_device(bodies: list[bytes]) -> dict[str, list[Reading]]:
    """The bodies by device, in workload order, as the simulator's readings (the message id
    unique per reading)."""
    readings: dict[str, list[Reading]] = defaultdict(list)
    for number, body in enumerate(bodies):
        device = device_of(body)
        readings[device].append(Reading(device, number, 0.0, body))
    return readings


def register_bodies(workload: Workload) -> list[bytes]:
    """The workload's consumption as each device's register, in timestamp order, interleaved
    across devices as meters send: a start value one interval before each device's first."""
    series: dict[str, list[tuple[datetime, Decimal]]] = defaultdict(list)
    for body in workload.bodies:
        series[device_of(body)].append(
            (stamp_of(body), exact_kwh(json.loads(body)["measurement_value"]))
        )
    bodies: list[tuple[datetime, bytes]] = []
    for number, (device, points) in enumerate(sorted(series.items())):
        points.sort()
        total = Decimal(1000 + number).quantize(Decimal("0.000001"))
        first = points[0][0] - STEP
        bodies.append((first, register_message(device, to_ms(first), total, "epoch-ms")))
        for ts, kwh in points:
            total += kwh
            bodies.append((ts, register_message(device, to_ms(ts), total, "epoch-ms")))
    bodies.sort(key=lambda item: item[0])
    return [body for _, body in bodies]


def to_ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def reset_tables(bench: BenchEnv) -> None:
    with bench.sql() as conn:
        conn.execute(f"TRUNCATE {', '.join(TABLES)}")


def stored(bench: BenchEnv, table: str, n: int) -> float:
    """When ``table`` holds ``n`` rows (committed), polled on one connection."""
    with bench.sql() as conn:

        def done() -> bool:
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            return row is not None and int(row[0]) >= n

        return wait_for(done, 300, f"{n} rows in {table}", every=0.01)


def totals_exact(bench: BenchEnv, workload: Workload) -> bool:
    """The hourly totals are the workload's (hours of 0 kWh aside: a register's start value
    makes a row of none), and nothing was dead-lettered."""
    with bench.sql() as conn:
        rows = conn.execute(
            "SELECT device_id, hour_start, kwh FROM monitoring_hourly_consumption"
        ).fetchall()
    actual = {(device, hour.astimezone(UTC)): kwh for device, hour, kwh in rows if kwh}
    expected = {key: kwh for key, kwh in workload.expected.items() if kwh}
    connection = broker()
    try:
        dead = queue_depth(connection.channel(), dlq_name(DEVICE_DATA_QUEUE))[0]
    finally:
        connection.close()
    return actual == expected and dead == 0


def mqtt_publisher(node: RabbitNode, key: MeterKey) -> MqttPublisher:
    settings = MqttSettings(
        "127.0.0.1", node.mqtt_port, key.mqtt_username, key.password, meter_topic(key.device_id)
    )
    return MqttPublisher(settings, window=WINDOW, on_confirmed=lambda reading: None)


def amqp_publisher(node: RabbitNode, key: MeterKey) -> ConfirmingPublisher:
    parameters = pika.ConnectionParameters(
        "127.0.0.1",
        node.amqp_port,
        key.vhost,
        pika.PlainCredentials(key.username, key.password),
        connection_attempts=1,
    )
    return ConfirmingPublisher(
        parameters,
        meter_routing_key(key.device_id),
        window=WINDOW,
        on_confirmed=lambda reading: None,
        exchange=METER_EXCHANGE,
    )


def publish_all(
    readings: dict[str, list[Reading]], make: Callable[[str], Any]
) -> tuple[float, float]:
    """Every device's readings through its own publisher, all at once; (first publish, last
    confirm) on the monotonic clock. A publisher that leaves readings unconfirmed stops it."""
    publishers = {device: make(device) for device in readings}
    failures: list[str] = []

    def send(device: str) -> None:
        publisher = publishers[device]
        try:
            publisher.run(iter([(None, reading) for reading in readings[device]]))
        except Exception as exc:  # shown below, with the device
            failures.append(f"{device}: {exc}")
        if publisher.unsent:
            failures.append(f"{device}: {publisher.unsent} reading(s) unconfirmed")

    threads = [threading.Thread(target=send, args=(device,)) for device in readings]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"bench: publishing failed: {'; '.join(failures[:3])}")
    return began, time.monotonic()


def run_path(
    bench: BenchEnv,
    name: str,
    bodies: list[bytes],
    make: Callable[[str], Any],
    table: str,
    workload: Workload,
) -> PathRun:
    reset_tables(bench)
    readings = per_device(bodies)
    began, published = publish_all(readings, make)
    finished = stored(bench, table, len(bodies))
    connection = broker()
    try:
        channel = connection.channel()
        wait_for(lambda: queue_depth(channel, DEVICE_DATA_QUEUE)[0] == 0, 60, "the queue")
    finally:
        connection.close()
    return PathRun(
        name, len(bodies), published - began, finished - began, totals_exact(bench, workload)
    )


# --- rotation and revocation ------------------------------------------------------------------


def connect_code(node: RabbitNode, username: str, password: str, timeout: float = 10) -> str:
    """An MQTT connect's outcome: "accepted", or the refusal (CONNACK code or a closed socket)."""
    outcome: list[str] = []
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-{uuid.uuid4().hex[:10]}")
    client.username_pw_set(username, password)

    def on_connect(_c: Any, _u: Any, _f: Any, code: Any, _p: Any) -> None:
        outcome.append("accepted" if not code.is_failure else f"refused ({code})")

    def on_disconnect(_c: Any, _u: Any, _f: Any, code: Any, _p: Any) -> None:
        outcome.append(f"refused (closed: {code})")

    client.on_connect, client.on_disconnect = on_connect, on_disconnect
    try:
        client.connect("127.0.0.1", node.mqtt_port, keepalive=10)
    except OSError as exc:
        return f"refused (socket: {exc})"
    deadline = time.monotonic() + timeout
    while not outcome and time.monotonic() < deadline:
        client.loop(timeout=0.01)
    client.disconnect()
    return outcome[0] if outcome else "no answer"


class OpenConnection:
    """An MQTT connection with a key, publishing QoS 1 all the time; when the broker closed it."""

    def __init__(self, node: RabbitNode, key: MeterKey) -> None:
        self.closed_at: float | None = None
        self.connected = threading.Event()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"bench-{uuid.uuid4().hex[:10]}"
        )
        self.client.username_pw_set(key.mqtt_username, key.password)
        self.client.on_connect = lambda *_: self.connected.set()
        self.client.on_disconnect = self._on_disconnect
        self.topic = meter_topic(key.device_id)
        self.client.connect("127.0.0.1", node.mqtt_port, keepalive=10)
        self.client.loop_start()
        if not self.connected.wait(10):
            raise SystemExit("bench: the meter key's MQTT connection did not open")

    def _on_disconnect(self, *_: Any) -> None:
        if self.closed_at is None:
            self.closed_at = time.monotonic()
        self.client.disconnect()  # no reconnecting with the old key

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def time_until_refused(node: RabbitNode, username: str, password: str) -> tuple[float, str]:
    """Seconds until an MQTT connect with ``password`` is refused (from now); its refusal."""
    began = time.monotonic()
    while time.monotonic() - began < 30:
        code = connect_code(node, username, password)
        if code.startswith("refused"):
            return time.monotonic() - began, code
    raise SystemExit(f"bench: {username}'s old password still works after 30 s")


def key_change(node: RabbitNode, device: uuid.UUID, change: str) -> tuple[float, float, str]:
    """One rotation or revocation of a fresh key: (s from the answer to a refused connect,
    s from the answer to the open connection's close, the refusal)."""
    old = issue_key(device)
    assert connect_code(node, old.mqtt_username, old.password) == "accepted"
    connection = OpenConnection(node, old)
    try:
        if change == "rotation":
            new = issue_key(device)
        else:
            revoke_key(device)
        answered = time.monotonic()
        refused, code = time_until_refused(node, old.mqtt_username, old.password)
        wait_for(lambda: connection.closed_at is not None, 10, "the old connection to close")
        assert connection.closed_at is not None
        closed = connection.closed_at - answered
    finally:
        connection.close()
    if change == "rotation":
        assert connect_code(node, new.mqtt_username, new.password) == "accepted", "new key"
        revoke_key(device)
    return refused, closed, code


def key_figures(node: RabbitNode, rounds: int) -> None:
    device = uuid.uuid4()
    for change in ("rotation", "revocation"):
        samples = [key_change(node, device, change) for _ in range(rounds)]
        refused = [s[0] * 1000 for s in samples]
        closed = [s[1] * 1000 for s in samples]
        print(
            f"  key {change}: old password refused {statistics.median(refused):.0f} ms after the"
            f" API's answer (median of {rounds}, max {max(refused):.0f} ms; the first connect"
            f" attempt, {samples[0][2]}); its open MQTT connection closed at"
            f" {round(statistics.median(closed)):+d} ms (median; negative: before the answer)",
            flush=True,
        )


# --- the run ---------------------------------------------------------------------------------


def run_meters(bench: BenchEnv, node: RabbitNode, args: argparse.Namespace) -> None:
    workload = make_workload(args.readings, args.devices, seed=3, register_share=0)
    registers = register_bodies(workload)
    insert_devices(bench, workload.devices)
    connection = broker()
    try:
        declare_topology(connection.channel())
    finally:
        connection.close()
    keys = {str(device): issue_key(device) for device in workload.devices}
    consumer = bench.manage("consume_measurements", "--batch-size", str(args.batch_size))
    try:
        consumers_started(DEVICE_DATA_QUEUE, 1)
        rows: list[PathRun] = []
        for _ in range(args.rounds):
            rows.append(run_path(bench, "MQTT QoS 1", workload.bodies,
                                 lambda d: mqtt_publisher(node, keys[d]), "monitoring_reading",
                                 workload))  # fmt: skip
            rows.append(run_path(bench, "AMQP confirms, amq.topic", workload.bodies,
                                 lambda d: amqp_publisher(node, keys[d]), "monitoring_reading",
                                 workload))  # fmt: skip
            rows.append(run_path(bench, "register readings, MQTT QoS 1", registers,
                                 lambda d: mqtt_publisher(node, keys[d]), "monitoring_register",
                                 workload))  # fmt: skip
    finally:
        stop(consumer)
    print(
        f"  {'path':<34} {'readings':>8} {'publish/s':>12} {'end-to-end/s':>12}   totals exact",
        flush=True,
    )
    for row in rows:
        print(row.row(), flush=True)
    key_figures(node, args.key_rounds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readings", type=int, default=20_000)
    parser.add_argument("--devices", type=int, default=20, help="devices, each with its key")
    parser.add_argument("--rounds", type=int, default=2, help="times each path runs")
    parser.add_argument("--key-rounds", type=int, default=5, help="rotations and revocations")
    parser.add_argument("--batch-size", type=int, default=5000, help="the consumer's")
    args = parser.parse_args(argv)
    problem = node_problem()
    if problem is not None:
        print(f"meters: skipped: {problem}", flush=True)
        return 0
    logging.getLogger("simulator").setLevel(logging.ERROR)
    began = time.monotonic()
    print(
        f"meters: {args.readings:,} readings of {args.devices} devices, each with its meter key,"
        " on a private RabbitMQ node (MQTT plugin) into consume_measurements ...",
        flush=True,
    )
    node = RabbitNode()
    bench = BenchEnv(run_id=f"{os.getpid()}m")
    settings = node_env(node)
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    bench.env.update(settings)
    try:
        node.start()
        with bench_database(bench):
            run_meters(bench, node, args)
    finally:
        node.remove()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    print(f"meters finished in {time.monotonic() - began:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
