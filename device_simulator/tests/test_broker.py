"""The CLI against the real RabbitMQ: backfill, live, stop, refused login, and a broker outage.

Each test publishes to a queue of its own (deleted afterwards) in this run's vhost. The outage
goes through a TCP proxy (the e2e harness's) that the test cuts and restores, so the machine's
shared RabbitMQ is never stopped.
"""

from __future__ import annotations

import importlib.util
import json
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DEVICE, SIMULATOR, broker_env, broker_flags, connect, drain, run_cli

ROOT = Path(__file__).resolve().parents[2]
TEN_MINUTES_MS = 600_000
JUNE_FIRST_MS = 1_748_736_000_000  # 2025-06-01T00:00:00Z


def load_tcp_proxy() -> Any:
    # The e2e harness's proxy, loaded from its file: harness/__init__ pulls in the whole stack.
    path = ROOT / "tests" / "e2e" / "harness" / "tcp_proxy.py"
    spec = importlib.util.spec_from_file_location("e2e_tcp_proxy", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TcpProxy


@pytest.fixture
def proxy() -> Iterator[Any]:
    env = broker_env()
    tcp_proxy = load_tcp_proxy()(env["host"], int(env["port"]))
    tcp_proxy.up()
    yield tcp_proxy
    tcp_proxy.close()


class Simulator:
    """The CLI as a subprocess; its stdout lines (confirmed readings) collected as they come."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(SIMULATOR), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        self.readers = [
            threading.Thread(target=self._collect, args=(self.process.stdout, self.lines)),
            threading.Thread(target=self._collect, args=(self.process.stderr, self.errors)),
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _collect(stream: Any, into: list[str]) -> None:
        for line in stream:
            into.append(line)

    def wait_for_lines(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.lines) < count:
            assert self.process.poll() is None, f"exited early: {self.stderr}"
            assert time.monotonic() < deadline, f"{len(self.lines)} lines only: {self.stderr}"
            time.sleep(0.01)

    def finish(self, timeout: float = 120) -> int:
        try:
            code = self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for reader in self.readers:
                reader.join()
        return code

    @property
    def stderr(self) -> str:
        return "".join(self.errors)

    @property
    def printed(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in list(self.lines)]


def stamps(readings: list[dict[str, Any]]) -> list[int]:
    return [int(reading["timestamp"]) for reading in readings]


def test_a_backfilled_day_puts_exactly_144_readings_ten_minutes_apart_on_the_queue(
    queue: str, config: Path
) -> None:
    result = run_cli(
        "--config", str(config), *broker_flags(), "--queue", queue, "--device-id", DEVICE,
        "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-01",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "done: 144 reading(s) confirmed" in result.stderr

    messages = drain(queue)
    assert len(messages) == 144
    for properties, body in messages:
        assert properties.delivery_mode == 2  # persistent
        # Exactly the fields monitoring_service reads, in this order.
        assert list(body) == ["timestamp", "device_id", "measurement_value"]
        assert body["device_id"] == DEVICE
        assert isinstance(body["timestamp"], int)
        assert isinstance(body["measurement_value"], float) and body["measurement_value"] >= 0
    sent = stamps([body for _, body in messages])
    assert sent == [JUNE_FIRST_MS + n * TEN_MINUTES_MS for n in range(144)]


def test_live_readings_are_logged_and_arrive_in_order(queue: str, config: Path) -> None:
    result = run_cli(
        "--config", str(config), *broker_flags(), "--queue", queue, "--device-id", DEVICE,
        "--start", "2025-06-01T10:00:00Z", "--speed", "60000", "--count", "6", "--print-json",
        "--timestamp-format", "iso",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    readings = [body for _, body in drain(queue)]
    assert readings == [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["timestamp"] for r in readings] == [
        f"2025-06-01T10:{minute}0:00+00:00" for minute in range(6)
    ]
    logged = re.findall(rf"2025-06-01T10:\d0:00\+00:00 {DEVICE} (\d+\.\d+) kWh", result.stderr)
    assert [float(kwh) for kwh in logged] == [r["measurement_value"] for r in readings]


def test_sigterm_finishes_the_readings_in_flight_and_exits_cleanly(
    queue: str, config: Path
) -> None:
    simulator = Simulator(
        "--config", str(config), *broker_flags(), "--queue", queue, "--device-id", DEVICE,
        "--start", "2025-06-01T00:00:00Z", "--speed", "6000", "--print-json",
    )  # fmt: skip
    simulator.wait_for_lines(5)
    simulator.process.send_signal(signal.SIGTERM)
    assert simulator.finish(timeout=30) == 0, simulator.stderr
    assert "Traceback" not in simulator.stderr
    assert "stopping: finishing" in simulator.stderr
    # Everything it took is confirmed and on the queue, and nothing else.
    assert [body for _, body in drain(queue)] == simulator.printed


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--rabbitmq-user", "nobody-here", "--rabbitmq-password", "wrong"], "user 'nobody-here'"),
        (["--rabbitmq-vhost", "no-such-vhost-for-the-simulator"], "vhost 'no-such-vhost"),
    ],
)
def test_a_refused_login_stops_it_with_one_line_naming_it(
    queue: str, config: Path, flags: list[str], named: str
) -> None:
    result = run_cli(
        "--config", str(config), *broker_flags(), *flags, "--queue", queue, "--device-id", DEVICE,
        "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-01", timeout=60,
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and named in errors[0] and "refused" in errors[0], result.stderr
    assert "Traceback" not in result.stderr


def outage(proxy: Any, simulator: Simulator, after_lines: int) -> set[int]:
    """Cut the broker away once ``after_lines`` readings are confirmed, give it back 2 s later;
    the readings confirmed before the cut."""
    simulator.wait_for_lines(after_lines)
    proxy.down()
    confirmed_before_cut = set(stamps(simulator.printed))
    time.sleep(2)
    proxy.up()
    return confirmed_before_cut


def assert_at_least_once(
    simulator: Simulator, queue: str, expected: list[int], confirmed_before_cut: set[int]
) -> None:
    """Every reading on the queue; a duplicate only of one unconfirmed when the broker went."""
    assert re.search(r"connection to RabbitMQ at \S+ lost", simulator.stderr), simulator.stderr
    assert len(confirmed_before_cut) < len(expected)  # the cut fell inside the run
    on_queue = Counter(stamps([body for _, body in drain(queue)]))
    assert set(on_queue) == set(expected)
    duplicated = {stamp for stamp, copies in on_queue.items() if copies > 1}
    assert max(on_queue.values()) <= 2  # one outage: one resend at most
    assert not duplicated & confirmed_before_cut
    resent = int(re.findall(r"; (\d+) sent again", simulator.stderr)[-1])
    assert len(duplicated) <= resent
    # The simulator reports each reading confirmed exactly once.
    assert sorted(stamps(simulator.printed)) == sorted(expected)


def assert_no_reading_lost_to_an_outage(
    queue: str, config: Path, proxy: Any, flags: list[str], after_lines: int, expected: list[int]
) -> None:
    """The simulator with ``flags``, through the proxy, with the broker cut away once
    ``after_lines`` readings are confirmed (outage): it exits 0 and assert_at_least_once holds."""
    simulator = Simulator(
        "--config", str(config), *broker_flags(port=proxy.port), "--queue", queue,
        "--device-id", DEVICE, *flags, "--print-json",
    )  # fmt: skip
    confirmed_before_cut = outage(proxy, simulator, after_lines)
    assert simulator.finish() == 0, simulator.stderr
    assert_at_least_once(simulator, queue, expected, confirmed_before_cut)


def test_a_backfill_survives_the_broker_going_away_and_loses_no_reading(
    queue: str, config: Path, proxy: Any
) -> None:
    flags = ["--backfill-from", "2025-01-01", "--backfill-to", "2025-03-31"]
    first = 1_735_689_600_000  # 2025-01-01T00:00:00Z
    expected = [first + n * TEN_MINUTES_MS for n in range(90 * 144)]
    assert_no_reading_lost_to_an_outage(queue, config, proxy, flags, 2000, expected)


def test_live_readings_due_while_the_broker_is_away_are_kept_and_sent_after(
    queue: str, config: Path, proxy: Any
) -> None:
    flags = ["--start", "2025-06-01T00:00:00Z", "--speed", "12000", "--count", "80"]
    expected = [JUNE_FIRST_MS + n * TEN_MINUTES_MS for n in range(80)]
    assert_no_reading_lost_to_an_outage(queue, config, proxy, flags, 20, expected)


def test_with_a_clusters_nodes_it_moves_to_another_node_when_its_node_goes(
    queue: str, config: Path
) -> None:
    # Two proxies to the one broker stand for two nodes of a cluster; the first goes for good.
    env = broker_env()
    first, second = (load_tcp_proxy()(env["host"], int(env["port"])) for _ in range(2))
    for node in (first, second):
        node.up()
    try:
        simulator = Simulator(
            "--config", str(config), *broker_flags(), "--queue", queue, "--device-id", DEVICE,
            "--rabbitmq-host", f"127.0.0.1:{first.port},127.0.0.1:{second.port}",
            "--backfill-from", "2025-01-01", "--backfill-to", "2025-02-28", "--print-json",
        )  # fmt: skip
        simulator.wait_for_lines(1500)
        first.down()
        assert simulator.finish() == 0, simulator.stderr
    finally:
        first.close()
        second.close()
    assert f"connection to RabbitMQ at 127.0.0.1:{first.port} lost" in simulator.stderr
    expected = [1_735_689_600_000 + n * TEN_MINUTES_MS for n in range(59 * 144)]
    assert set(stamps([body for _, body in drain(queue)])) == set(expected)
    assert sorted(stamps(simulator.printed)) == expected


def test_a_queue_deleted_mid_run_is_declared_again_and_later_readings_arrive(
    queue: str, config: Path
) -> None:
    simulator = Simulator(
        "--config", str(config), *broker_flags(), "--queue", queue, "--device-id", DEVICE,
        "--start", "2025-06-01T00:00:00Z", "--speed", "6000", "--count", "40", "--print-json",
    )  # fmt: skip
    simulator.wait_for_lines(10)
    connection = connect()
    try:
        connection.channel().queue_delete(queue)  # the readings in it go with it
    finally:
        connection.close()
    assert simulator.finish() == 0, simulator.stderr
    assert f"queue {queue!r} is gone; declaring it again" in simulator.stderr
    printed = stamps(simulator.printed)
    assert sorted(printed) == [JUNE_FIRST_MS + n * TEN_MINUTES_MS for n in range(40)]
    on_queue = stamps([body for _, body in drain(queue)])
    # The publishes the broker returned (no queue) were sent again: the new queue holds every
    # reading from the first one it took to the end.
    assert on_queue == printed[printed.index(on_queue[0]) :]
    assert len(on_queue) >= 20


# --- EMS's meter identity: it may write to ems.readings and nothing else ----------------------

READINGS_EXCHANGE = "ems.readings"


@pytest.fixture
def readings_queue(queue: str) -> Iterator[str]:
    """``queue``, bound to EMS's readings exchange (declared as the project declares it)."""
    connection = connect()
    try:
        channel = connection.channel()
        channel.exchange_declare(READINGS_EXCHANGE, exchange_type="fanout", durable=True)
        channel.queue_declare(queue, durable=True)
        channel.queue_bind(queue, READINGS_EXCHANGE)
    finally:
        connection.close()
    yield queue


def test_as_the_meter_identity_a_backfill_goes_through_the_readings_exchange(
    readings_queue: str, config: Path
) -> None:
    result = run_cli(
        "--config", str(config), *broker_flags(meter=True), "--device-id", DEVICE,
        "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-01",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"exchange {READINGS_EXCHANGE!r}" in result.stderr  # what it says it sends to
    sent = stamps([body for _, body in drain(readings_queue)])
    assert sent == [JUNE_FIRST_MS + n * TEN_MINUTES_MS for n in range(144)]


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        # Not there: the passive check names it (the meter could not declare it anyway).
        (["--exchange", "ems.no-such-exchange"], "exchange 'ems.no-such-exchange'"),
        # The default exchange needs the queue declared and written to: both refused.
        (["--exchange", ""], "queue "),
    ],
)
def test_the_meter_identity_is_stopped_with_one_line_where_it_may_not_write(
    readings_queue: str, config: Path, flags: list[str], named: str
) -> None:
    result = run_cli(
        "--config", str(config), *broker_flags(meter=True), *flags, "--queue", readings_queue,
        "--device-id", DEVICE, "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-01",
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and named in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert drain(readings_queue) == []


def test_an_exchange_routing_to_no_queue_stops_it_naming_the_exchange(config: Path) -> None:
    exchange = f"simulator_test_unbound_{uuid.uuid4().hex[:8]}"
    connection = connect()
    try:
        connection.channel().exchange_declare(exchange, exchange_type="fanout")
        result = run_cli(
            "--config", str(config), *broker_flags(), "--exchange", exchange,
            "--device-id", DEVICE, "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-01",
        )  # fmt: skip
    finally:
        connection.channel().exchange_delete(exchange)
        connection.close()
    assert result.returncode == 3, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and f"{exchange!r} routed a reading to no queue" in errors[0]
