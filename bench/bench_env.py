"""What the benchmarks run on: a private monitoring database and unique queues, cleaned up after.

Nothing here touches a running system: the database is ``bench_<id>_monitoring``, queues are
``bench.<id>.<name>`` (deleted afterwards), and the processes get their own ports.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pika
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import infra  # noqa: E402
from services import PYTHON, all_services  # noqa: E402

from ems_common.messaging.connection import connect  # noqa: E402
from ems_common.messaging.topology import declare_queue, dlq_name  # noqa: E402

MONITORING = next(service for service in all_services() if service.name == "monitoring")


class BenchEnv:
    """The environment of the bench's processes: its database, production-like settings."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.database = f"bench_{run_id}_monitoring"
        self.env = {
            **os.environ,
            MONITORING.db_env: self.database,
            "EMS_ENV": "production",
            "DJANGO_SECRET_KEY": f"bench-{run_id}-not-secret",
            "EMS_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.env.pop("EMS_TEST_RUN_ID", None)

    def queue(self, name: str) -> str:
        return f"bench.{self.run_id}.{name}"

    def sql(self) -> psycopg.Connection:
        return infra.postgres_connect(os.environ, self.database)

    def manage(self, *args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(PYTHON), "manage.py", *args], cwd=MONITORING.path, env=dict(env or self.env)
        )


@contextmanager
def bench_database(bench: BenchEnv) -> Iterator[None]:
    """Create and migrate the bench's monitoring database; drop it afterwards."""
    with infra.postgres_connect(os.environ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{bench.database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{bench.database}"')
    try:
        migrate = bench.manage("migrate", "--verbosity", "0")
        if migrate.wait() != 0:
            raise SystemExit("migrating the bench database failed")
        yield
    finally:
        with infra.postgres_connect(os.environ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{bench.database}" WITH (FORCE)')


def broker() -> pika.BlockingConnection:
    connection = connect(attempts=3, max_delay=2.0, name="ems bench")
    assert connection is not None
    return connection


@contextmanager
def bench_queues(*queues: str) -> Iterator[None]:
    connection = broker()
    try:
        channel = connection.channel()
        for queue in queues:
            declare_queue(channel, queue)
            channel.queue_purge(queue)
        yield
    finally:
        if not connection.is_open:
            connection = broker()
        channel = connection.channel()
        for queue in queues:
            channel.queue_delete(queue)
            channel.queue_delete(dlq_name(queue))
        connection.close()


def publish(queue: str, bodies: list[bytes]) -> None:
    """Publish persistent messages (no per-message confirm), then wait until all are queued."""
    connection = broker()
    try:
        channel = connection.channel()
        properties = pika.BasicProperties(delivery_mode=2)
        for body in bodies:
            channel.basic_publish("", queue, body, properties)
        wait_for(lambda: queue_depth(channel, queue)[0] >= len(bodies), 120, "publishing")
    finally:
        connection.close()


def queue_depth(channel: object, queue: str) -> tuple[int, int]:
    """(ready messages, consumers) of a queue."""
    method = channel.queue_declare(queue, durable=True, passive=True).method  # type: ignore[attr-defined]
    return int(method.message_count), int(method.consumer_count)


def wait_for(
    predicate: Callable[[], object], timeout: float, what: str, every: float = 0.01
) -> float:
    """Poll until ``predicate()`` is truthy; returns the monotonic time it became so."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)
    return time.monotonic()


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
