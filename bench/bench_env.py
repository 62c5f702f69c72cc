"""What the benchmarks run on: a private monitoring database and unique queues, cleaned up after.

Nothing here touches a running system: the database is ``bench_<id>_monitoring``, queues are
``bench.<id>.<name>`` (deleted afterwards), and the processes get their own ports.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
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

    def __init__(self, run_id: str, postgres: Mapping[str, str] | None = None) -> None:
        """``postgres``: POSTGRES_* settings of another server than the environment's."""
        self.run_id = run_id
        self.database = f"bench_{run_id}_monitoring"
        self.env = {
            **os.environ,
            **(postgres or {}),
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
        return infra.postgres_connect(self.env, self.database)

    def manage(self, *args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(PYTHON), "manage.py", *args], cwd=MONITORING.path, env=dict(env or self.env)
        )


@contextmanager
def bench_database(bench: BenchEnv) -> Iterator[None]:
    """Create and migrate the bench's monitoring database; drop it afterwards."""
    with infra.postgres_connect(bench.env) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{bench.database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{bench.database}"')
    try:
        migrate = bench.manage("migrate", "--verbosity", "0")
        if migrate.wait() != 0:
            raise SystemExit("migrating the bench database failed")
        yield
    finally:
        with infra.postgres_connect(bench.env) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{bench.database}" WITH (FORCE)')


def broker() -> pika.BlockingConnection:
    connection = connect(attempts=3, max_delay=2.0, name="ems bench")
    assert connection is not None
    return connection


@contextmanager
def bench_queues(*queues: str) -> Iterator[None]:
    """Declared and purged, deleted afterwards; each on a connection of its own, as a blocking
    connection left idle for minutes misses its heartbeats and is closed by the broker."""
    connection = broker()
    try:
        channel = connection.channel()
        for queue in queues:
            declare_queue(channel, queue)
            channel.queue_purge(queue)
    finally:
        connection.close()
    try:
        yield
    finally:
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


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PrivateCluster:
    """A PostgreSQL cluster of the bench's own (initdb, own port, own temporary folder), run as
    user ``postgres`` when the bench runs as root. Restarting it empties its shared buffers, and
    ``drop_file_cache`` evicts its files (only its own) from the OS page cache: a cold cache,
    without touching the machine's shared PostgreSQL or anyone else's cached pages.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="ems-bench-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.as_postgres = os.geteuid() == 0

    def run(self, *command: str) -> None:
        argv = list(command)
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self.run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        settings = (
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.folder}'\nfsync = off\n"
            "synchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n"
            "shared_buffers = 256MB\nmax_wal_size = 4GB\n"
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(settings)

    def start(self) -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart_cold(self) -> None:
        """Stop (a shutdown checkpoint writes every page), evict the files from the OS page
        cache, start: the next query reads everything from disk."""
        self.stop()
        self.drop_file_cache()
        self.start()

    def drop_file_cache(self) -> None:
        for path in (self.data / "base").rglob("*"):
            if path.is_file():
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)

    def env(self) -> dict[str, str]:
        return {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(self.port)}


@contextmanager
def private_cluster() -> Iterator[PrivateCluster | None]:
    """A started PrivateCluster, removed afterwards; None when initdb is not installed here."""
    if not (PG_BIN / "initdb").exists():
        yield None
        return
    from services import free_port

    cluster = PrivateCluster(free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):
            cluster.stop()
        shutil.rmtree(cluster.folder, ignore_errors=True)


@contextmanager
def bench_vhost(bench: BenchEnv) -> Iterator[None]:
    """A RabbitMQ vhost of the bench's own (EMS's identities on it), deleted afterwards: the web's
    health check needs a broker it may use, whatever the state of the default vhost. The bench's
    own connections (``broker()``: publishing, queue depths) use it too."""
    vhost = f"ems-bench-{bench.run_id}"
    bench.env["RABBITMQ_VHOST"] = vhost
    before = os.environ.get("RABBITMQ_VHOST")
    os.environ["RABBITMQ_VHOST"] = vhost
    infra.ensure_vhost(bench.env)
    try:
        yield
    finally:
        infra.delete_vhost(bench.env)
        if before is None:
            os.environ.pop("RABBITMQ_VHOST", None)
        else:
            os.environ["RABBITMQ_VHOST"] = before
