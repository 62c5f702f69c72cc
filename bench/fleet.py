"""`make bench`: a fleet of meters live on one box, with dashboards and admins on the API.

    python bench/fleet.py [--meters 100000] [--seconds 240] [--quiet-seconds 60]
                          [--idle-seconds 30] [--viewed 100] [--history-days 365]
                          [--clients 16] [--admins 2] [--consumers 1] [--sample-every 100]
    python bench/fleet.py --meters 10000 --seconds 30 --quiet-seconds 20 --history-days 30

The meters are the device simulator itself (`simulator.py --devices N --seed S --spread`): one
process, each meter's reading at its own moment of the 10-minute interval (meter i of n at i/n
of it), so 100,000 meters send about 167 readings/s evenly, into a private queue drained by
`consume_measurements`. The same ids are registered in the bench's monitoring database first
(bulk COPY, as bench/api_load.py loads): ``--viewed`` devices with ``--history-days`` of
10-minute readings up to now (the dashboards' devices), the others with the last 2 hours only
(so none is silent at the start), every device's maximum above what it reads (none over it).

Then, through the nginx gateway and gunicorn: ``--clients`` dashboard clients (owner's token,
closed loop, no think time) on /api/monitoring/consumption/ day views of the last 30 days and
month views of the last 12 months of the viewed devices, and ``--admins`` admins on
/api/monitoring/fleet/ for today; first ``--idle-seconds`` without ingestion (idle figures),
then for ``--seconds`` with the meters live, then ``--quiet-seconds`` with the meters alone. Each
admin asks again as soon as the overview came: at 100,000 devices that is two statements of
O(devices) always running (docs/ARCHITECTURE.md, "Scaling"). Prints:

- ingestion lag p50/p99, a reading's timestamp to when it is visible in monitoring_reading:
  every ``--sample-every``-th meter's readings in the window (the simulator's own schedule says
  which and when), polled every 0.1 s with ``(device_id, ts) IN (...)`` (0.1 s resolution);
- API p50/p99, idle and live, dashboards and fleet apart; targets: lag p99 < 2 s, dashboard
  p99 live <= 2x idle;
- CPU per stored reading over the window, from /proc/<pid>/stat utime+stime: the bench's own
  processes (consumers, gunicorn master and workers, nginx, the PostgreSQL backends of the bench
  database but the bench's own probes), the machine's shared RabbitMQ (beam.smp), PostgreSQL
  background processes and the PostgreSQL processes that ended in the window (the postmaster's
  cutime + cstime: the web's connections, renewed every 60 s by CONN_MAX_AGE, and any
  short-lived backend or parallel worker; others' work included in these three: upper
  bounds), the simulator apart, and the whole machine (/proc/stat, busy = all but idle and
  iowait); divided by the readings stored in the window; once with the API load (the web's and
  the database's share is mostly serving it), once with the meters alone (``--quiet-seconds``);
- the database's growth (pg_database_size) over the window, extrapolated to 24 h.

On the bench's private database, vhost, queue and ports (bench_env.BenchEnv), removed after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from api_load import (
    ZONE,
    access_token,
    client,
    consumption_path,
    fleet_path,
    get_once,
    jwks_server,
    load_year,
    percentile,
    web_and_gateway,
)
from bench_env import (
    PYTHON,
    ROOT,
    BenchEnv,
    bench_database,
    bench_queues,
    bench_vhost,
    stop,
    wait_for,
)
from cryptography.hazmat.primitives.asymmetric import rsa
from ingest import wait_until_stored

SIMULATOR = ROOT / "device_simulator" / "simulator.py"
sys.path.insert(0, str(SIMULATOR.parent))

from options import Settings, settings_from  # noqa: E402 (the simulator's own modules)
from readings import spread_live, to_ms  # noqa: E402

from ems_common.settings import broker_config  # noqa: E402

SEED = "7"
STEP = timedelta(minutes=10)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
BACKEND = re.compile(r"\(\d+\)|\[local\]")  # a backend's title names its client
# The postmaster's reaped children: every database's backends (the web's, renewed every
# CONN_MAX_AGE) and parallel workers that ended.
ENDED = "PostgreSQL ended processes (shared)"
# A confirmed reading's log line: "<asctime> INFO <timestamp> <device> <kWh> kWh".
CONFIRMED = re.compile(r"INFO (\S+) [0-9a-f-]{36} [\d.]+ kWh$", re.MULTILINE)
DONE = re.compile(r"done: (\d+) reading\(s\) confirmed")
# Raw rows name their device by its compact key (monitoring_device.key).
VISIBLE_SQL = """
SELECT d.id, r.ts FROM monitoring_reading AS r JOIN monitoring_device AS d ON d.key = r.device_key
WHERE (d.id, r.ts) IN (SELECT * FROM unnest(%s::uuid[], %s::timestamptz[]))
"""


# --- the meters ---------------------------------------------------------------------------


def simulator_args(config: Path, queue: str, meters: int) -> list[str]:
    broker = broker_config()
    # The default exchange, straight to the bench's queue (declared as the project declares it).
    return ["--config", str(config), "--devices", str(meters), "--seed", SEED, "--spread",
            "--timezone", ZONE, "--exchange", "", "--queue", queue,
            "--rabbitmq-host", broker.host, "--rabbitmq-port", str(broker.port),
            "--rabbitmq-user", broker.user, "--rabbitmq-password", broker.password,
            "--rabbitmq-vhost", broker.vhost]  # fmt: skip


# --- CPU from /proc ------------------------------------------------------------------------


def cpu_seconds(pid: int, reaped: bool = False) -> float | None:
    """utime + stime of a process (``reaped``: of its children that ended, cutime + cstime),
    None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    first = 13 if reaped else 11
    return (int(fields[first]) + int(fields[first + 1])) / CLOCK_TICKS


def all_processes() -> Iterator[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        yield int(entry.name), ppid, cmdline.strip()


def machine_busy() -> float:
    """Seconds of CPU the whole machine spent busy (all but idle and iowait), all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / CLOCK_TICKS


@dataclass
class Programs:
    """Which process belongs to which program, asked again at every snapshot."""

    database: str
    consumers: list[int]
    web_master: int
    nginx_master: int
    simulator: int | None = None
    own_backends: set[int] = field(default_factory=set)  # the bench's probes

    def classify(self) -> dict[int, str]:
        processes = list(all_processes())
        children: dict[int, list[int]] = {}
        for pid, ppid, _ in processes:
            children.setdefault(ppid, []).append(pid)

        def tree(root: int) -> list[int]:
            found, todo = [], [root]
            while todo:
                pid = todo.pop()
                found.append(pid)
                todo.extend(children.get(pid, []))
            return found

        groups: dict[int, str] = {}
        for pid in self.consumers:
            groups[pid] = "consume_measurements"
        for pid in tree(self.web_master):
            groups[pid] = "gunicorn (monitoring web)"
        for pid in tree(self.nginx_master):
            groups[pid] = "nginx (gateway)"
        if self.simulator is not None:
            groups[self.simulator] = "simulator"
        for pid, _, cmdline in processes:
            if pid in groups or pid in self.own_backends:
                continue
            if cmdline.startswith("postgres: ") and f" {self.database} " in cmdline:
                groups[pid] = "PostgreSQL backends (bench db)"
            elif "bin/postgres " in cmdline:
                groups[pid] = "PostgreSQL background (shared)"
                groups[-pid] = ENDED  # its children that ended: renewed connections, workers
            elif cmdline.startswith("postgres: ") and not BACKEND.search(cmdline):
                groups[pid] = "PostgreSQL background (shared)"
            elif "beam.smp" in cmdline.split(" ")[0]:
                groups[pid] = "RabbitMQ beam.smp (shared)"
        return groups


@dataclass
class Snapshot:
    at: float
    per_pid: dict[int, tuple[str, float]]
    busy: float

    @staticmethod
    def take(programs: Programs) -> Snapshot:
        per_pid = {}
        for pid, group in programs.classify().items():
            seconds = cpu_seconds(abs(pid), reaped=pid < 0)
            if seconds is not None:
                per_pid[pid] = (group, seconds)
        return Snapshot(time.monotonic(), per_pid, machine_busy())

    def since(self, start: Snapshot) -> dict[str, float]:
        """CPU seconds per program between the snapshots (of a process that ended meanwhile: only
        what its parent reaped, for the postmaster's children)."""
        used: dict[str, float] = {}
        for pid, (group, seconds) in self.per_pid.items():
            before = start.per_pid.get(pid, (group, 0.0))[1]
            used[group] = used.get(group, 0.0) + seconds - before
        return used


# --- ingestion lag -------------------------------------------------------------------------


class LagSampler(threading.Thread):
    """When each sampled reading becomes visible: polls every 0.1 s on a connection of its own."""

    def __init__(self, bench: BenchEnv, settings: Settings, every: int, since: float) -> None:
        super().__init__(daemon=True)
        self.sql = bench.sql()
        self.sql.autocommit = True
        self.backend = int(self.sql.execute("SELECT pg_backend_pid()").fetchone()[0])  # type: ignore[index]
        sampled = set(settings.device_ids[::every])
        self.schedule = (
            (stamp, device)
            for _, stamp, device, _ in spread_live(settings, since, None)
            if device in sampled
        )
        self.next: tuple[int, str] | None = next(self.schedule)
        self.pending: dict[tuple[str, int], int] = {}
        self.lags: list[tuple[float, float]] = []  # (timestamp, seconds until visible)
        self.until_ms: int | None = None  # the meters stopped: nothing stamped later comes
        self.deadline = float("inf")
        self.error: BaseException | None = None

    def finish(self, until_ms: int, timeout: float) -> None:
        self.until_ms, self.deadline = until_ms, time.monotonic() + timeout
        self.join()
        self.sql.close()
        if self.error is not None:
            raise self.error

    def run(self) -> None:
        try:
            self.poll()
        except BaseException as exc:  # reported by finish()
            self.error = exc

    def poll(self) -> None:
        while time.monotonic() < self.deadline:
            now_ms = int(time.time() * 1000)
            limit = now_ms if self.until_ms is None else min(now_ms, self.until_ms)
            while self.next is not None and self.next[0] <= limit:
                stamp, device = self.next
                self.pending[(device, stamp)] = stamp
                self.next = next(self.schedule)
            if self.until_ms is not None:
                if self.next is not None and self.next[0] > self.until_ms:
                    self.next = None
                # Due before the meters stopped but stamped after the last one they sent (the
                # simulator a little behind its schedule): never sent, so not waited for.
                for key in [key for key, stamp in self.pending.items() if stamp > self.until_ms]:
                    del self.pending[key]
            if self.until_ms is not None and self.next is None and not self.pending:
                return
            if self.pending:
                keys = list(self.pending)
                asked = time.time()
                rows = self.sql.execute(
                    VISIBLE_SQL,
                    (
                        [device for device, _ in keys],
                        [datetime.fromtimestamp(stamp / 1000, UTC) for _, stamp in keys],
                    ),
                ).fetchall()
                for device, ts in rows:
                    stamp = self.pending.pop((str(device), to_ms(ts)))
                    self.lags.append((stamp / 1000, asked - stamp / 1000))
            time.sleep(0.1)


# --- the API load --------------------------------------------------------------------------


async def api_window(
    port: int,
    tokens: tuple[str, str],
    paths: tuple[list[str], list[str]],
    clients: tuple[int, int],
    seconds: float,
) -> tuple[list[float], list[float], int]:
    """Dashboards and admins together: (dashboard latencies, fleet latencies, non-200s)."""
    dashboard: list[float] = []
    fleet: list[float] = []
    until = time.monotonic() + seconds
    failures = await asyncio.gather(
        *(client(port, tokens[0], paths[0], until, dashboard) for _ in range(clients[0])),
        *(client(port, tokens[1], paths[1], until, fleet) for _ in range(clients[1])),
    )
    return dashboard, fleet, sum(failures)


def figures(latencies: list[float]) -> str:
    if not latencies:
        return "no request completed"
    return (
        f"p50 {statistics.median(latencies):7.1f} ms, p99 {percentile(latencies, 0.99):7.1f} ms"
        f" ({len(latencies)} requests)"
    )


def response_bytes(port: int, token: str, path: str) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    size = len(connection.getresponse().read())
    connection.close()
    return size


# --- the run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    meters: int
    seconds: float
    quiet_seconds: float
    idle_seconds: float
    viewed: int
    history_days: int
    clients: int
    admins: int
    consumers: int
    sample_every: int
    web_workers: int


def count_readings(bench: BenchEnv) -> int:
    with bench.sql() as conn:
        row = conn.execute("SELECT count(*) FROM monitoring_reading").fetchone()
    return int(row[0]) if row else 0


def database_size(bench: BenchEnv) -> int:
    with bench.sql() as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def run_fleet(plan: Plan) -> None:
    from services import nginx_binary

    if nginx_binary() is None:
        print("fleet: skipped, nginx is not installed (make setup installs it)")
        return
    bench = BenchEnv(f"fleet{os.getpid()}")
    bench.env["WEB_CONCURRENCY"] = str(plan.web_workers)
    queue = bench.queue("readings")
    with (
        bench_database(bench),
        bench_vhost(bench),
        bench_queues(queue),
        tempfile.TemporaryDirectory() as folder,
    ):
        config = Path(folder) / "config.json"
        config.write_text(json.dumps({}))
        args = simulator_args(config, queue, plan.meters)
        measure(bench, plan, queue, args, settings_from(args), Path(folder))


def prefill(bench: BenchEnv, plan: Plan, settings: Settings, owner: uuid.UUID) -> list[uuid.UUID]:
    ids = [uuid.UUID(device) for device in settings.device_ids]
    now = datetime.now(UTC)
    end = now - (now - datetime(2000, 1, 1, tzinfo=UTC)) % STEP  # the running interval's start
    began = time.monotonic()
    others = plan.meters - plan.viewed
    print(
        f"fleet: registering {plan.meters:,} meters: {plan.viewed} viewed with"
        f" {plan.history_days} days of 10-minute readings, {others:,} with the last 2 hours ...",
        flush=True,
    )
    viewed = load_year(
        bench, plan.viewed, plan.history_days, owner, others, 2 / 24, ids=ids, end=end
    )
    with bench.sql() as conn:
        # Above the history's most (0.996 kWh a reading) and the simulator's: none over it.
        conn.execute("UPDATE monitoring_device SET max_hourly_consumption_kwh = 6")
        conn.execute("VACUUM ANALYZE monitoring_device")
    print(
        f"  loaded {count_readings(bench):,} readings in {time.monotonic() - began:.0f} s,"
        f" database {database_size(bench) / 1e9:.2f} GB",
        flush=True,
    )
    return viewed


def measure(
    bench: BenchEnv, plan: Plan, queue: str, args: list[str], settings: Settings, folder: Path
) -> None:
    owner = uuid.uuid4()
    viewed = prefill(bench, plan, settings, owner)
    today = datetime.now(ZoneInfo(ZONE)).date()
    months = [date(today.year - (today.month - m < 1), (today.month - m - 1) % 12 + 1, 1)
              for m in range(12)]  # fmt: skip
    dashboard_paths = [
        path
        for device in viewed
        for path in (
            *(consumption_path(device, "day", today - timedelta(days=d)) for d in range(30)),
            *(consumption_path(device, "month", month) for month in months),
        )
    ]
    fleet_paths = [fleet_path(today)]
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tokens = (access_token(private_key, owner), access_token(private_key, uuid.uuid4(), "admin"))
    consume = ["consume_measurements", "--queue", queue]
    consumers = [bench.manage(*consume) for _ in range(plan.consumers)]
    pids: list[int] = []
    simulator: subprocess.Popen[bytes] | None = None
    log = folder / "simulator.log"
    try:
        with (
            jwks_server(private_key.public_key()) as jwks_url,
            web_and_gateway(bench, jwks_url, pids) as port,
        ):
            programs = Programs(bench.database, [c.pid for c in consumers], pids[0], pids[1])
            get_once(port, tokens[0], dashboard_paths[0])
            fleet_ms, _ = get_once(port, tokens[1], fleet_paths[0])
            size = response_bytes(port, tokens[1], fleet_paths[0])
            print(
                f"  fleet overview at {plan.meters:,} devices: first request {fleet_ms:.0f} ms,"
                f" {size:,} bytes",
                flush=True,
            )
            asyncio.run(api_window(port, tokens, (dashboard_paths, fleet_paths), (4, 1), 3.0))
            counts = (plan.clients, plan.admins)
            print(
                f"  idle (no ingestion), {plan.idle_seconds:.0f} s: {plan.clients} dashboard"
                f" clients, {plan.admins} admins ...",
                flush=True,
            )
            idle = asyncio.run(
                api_window(port, tokens, (dashboard_paths, fleet_paths), counts, plan.idle_seconds)
            )
            history = count_readings(bench)
            with log.open("wb") as stderr:
                simulator = subprocess.Popen(
                    [str(PYTHON), str(SIMULATOR), *args],
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    env=bench.env,
                )
            programs.simulator = simulator.pid
            # Its plan (a generator per meter) takes a second or two: the window begins once
            # readings are stored, and a little after, so it measures the steady state.
            wait_for(lambda: count_readings(bench) > history, 120, "the first live reading", 0.2)
            time.sleep(3)
            sampler = LagSampler(bench, settings, plan.sample_every, time.time())
            probe = bench.sql()
            probe.autocommit = True
            programs.own_backends = {
                sampler.backend,
                int(probe.execute("SELECT pg_backend_pid()").fetchone()[0]),  # type: ignore[index]
            }
            marks = [Mark.take(programs, probe)]
            sampler.start()
            print(
                f"  live, {plan.seconds:.0f} s: the meters, dashboards and admins ...", flush=True
            )
            live = asyncio.run(
                api_window(port, tokens, (dashboard_paths, fleet_paths), counts, plan.seconds)
            )
            marks.append(Mark.take(programs, probe))
            print(f"  live, {plan.quiet_seconds:.0f} s: the meters alone ...", flush=True)
            time.sleep(plan.quiet_seconds)
            marks.append(Mark.take(programs, probe))
            probe.close()
            simulator.send_signal(signal.SIGTERM)
            code = simulator.wait(60)
            found = DONE.findall(log.read_text(errors="replace"))
            if code != 0 or not found:
                raise SystemExit(
                    f"bench: the simulator failed ({code}):\n{log.read_text()[-2000:]}"
                )
            wait_until_stored(bench, queue, history + int(found[-1]))  # every confirmed one
            # Nothing stamped after the last reading it confirmed was sent (the meters stopped).
            last = CONFIRMED.findall(log.read_text(errors="replace"))[-1]
            sampler.finish(to_ms(datetime.fromisoformat(last)), 30)
            report(plan, idle, live, sampler, marks)
    finally:
        if simulator is not None:
            stop(simulator)
        for consumer in consumers:
            stop(consumer)


@dataclass(frozen=True)
class Mark:
    """The state at one instant of the live window."""

    at: float  # time.time()
    cpu: Snapshot
    stored: int  # readings in monitoring_reading
    size: int  # pg_database_size, bytes

    @staticmethod
    def take(programs: Programs, probe: psycopg.Connection) -> Mark:
        at = time.time()
        cpu = Snapshot.take(programs)
        row = probe.execute(
            "SELECT count(*), pg_database_size(current_database()) FROM monitoring_reading"
        ).fetchone()
        assert row is not None
        return Mark(at, cpu, int(row[0]), int(row[1]))


OURS = ("consume_measurements", "gunicorn (monitoring web)", "nginx (gateway)",
        "PostgreSQL backends (bench db)")  # fmt: skip
SHARED = ("RabbitMQ beam.smp (shared)", "PostgreSQL background (shared)", ENDED)


def lag_line(what: str, lags: list[float]) -> str:
    if not lags:
        return f"  ingestion lag, {what}: no sample"
    p99 = percentile(lags, 0.99)
    return (
        f"  ingestion lag, {what}: p50 {statistics.median(lags):.2f} s, p99 {p99:.2f} s,"
        f" max {max(lags):.2f} s ({len(lags)} readings; target p99 < 2 s:"
        f" {'met' if p99 < 2 else 'NOT met'})"
    )


def cpu_lines(what: str, start: Mark, end: Mark) -> list[str]:
    seconds, stored = end.at - start.at, max(end.stored - start.stored, 1)
    used = end.cpu.since(start.cpu)
    lines = [
        f"  CPU, {what} ({seconds:.0f} s, {stored:,} readings stored, {stored / seconds:.0f}/s):"
        " seconds, and microseconds per stored reading"
    ]
    for group in (*OURS, *SHARED, "simulator"):
        spent = used.get(group, 0.0)
        lines.append(f"    {group:<36} {spent:7.1f} s {spent / stored * 1e6:9,.0f} us")
    own = sum(used.get(group, 0.0) for group in OURS)
    everything = own + sum(used.get(group, 0.0) for group in SHARED)
    busy = end.cpu.busy - start.cpu.busy
    lines.append(
        f"    the bench's processes {own / stored * 1e6:,.0f} us; with the shared RabbitMQ and"
        f" PostgreSQL (background, ended) {everything / stored * 1e6:,.0f} us; whole machine"
        f" (/proc/stat busy) {busy / stored * 1e6:,.0f} us ({busy / seconds:.2f} of"
        f" {os.cpu_count()} cores busy)"
    )
    return lines


def unseen(sampler: LagSampler) -> str:
    """The readings never seen, stamped how long before the last one the meters sent."""
    if not sampler.pending or sampler.until_ms is None:
        return ""
    ages = sorted((sampler.until_ms - stamp) / 1000 for stamp in sampler.pending.values())
    return f" (stamped {', '.join(f'{age:.1f}' for age in ages[:5])} s before the last sent)"


def report(
    plan: Plan,
    idle: tuple[list[float], list[float], int],
    live: tuple[list[float], list[float], int],
    sampler: LagSampler,
    marks: list[Mark],
) -> None:
    start, loaded, end = marks
    lines = [
        f"  lag: a reading's timestamp to visible in monitoring_reading, every"
        f" {plan.sample_every}th meter's readings, polled every 0.1 s; never seen:"
        f" {len(sampler.pending)}{unseen(sampler)}",
        lag_line("with the API load", [lag for stamp, lag in sampler.lags if stamp < loaded.at]),
        lag_line("meters alone", [lag for stamp, lag in sampler.lags if stamp >= loaded.at]),
        f"  dashboards idle: {figures(idle[0])}",
        f"  dashboards live: {figures(live[0])}",
    ]
    if idle[0] and live[0]:
        ratio = percentile(live[0], 0.99) / percentile(idle[0], 0.99)
        verdict = "met" if ratio <= 2 else "NOT met"
        lines.append(f"  dashboard p99 live / idle: {ratio:.2f}x (target <= 2x: {verdict})")
    lines += [
        f"  fleet overview idle: {figures(idle[1])}",
        f"  fleet overview live: {figures(live[1])}",
        f"  non-200: idle {idle[2]}, live {live[2]}",
        *cpu_lines("meters and the API load (the web's and PostgreSQL's include the API)",
                   start, loaded),
        *cpu_lines("the meters alone", loaded, end),
    ]  # fmt: skip
    seconds, stored = end.at - start.at, max(end.stored - start.stored, 1)
    growth = end.size - start.size
    lines.append(
        f"  database: {start.size / 1e9:.3f} GB -> {end.size / 1e9:.3f} GB (+{growth / 1e6:.1f} MB"
        f" in {seconds:.0f} s, {growth / stored:.0f} bytes per stored reading):"
        f" {growth / seconds * 86_400 / 1e9:.2f} GB a day extrapolated"
    )
    print("\n".join(lines), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--meters", type=int, default=100_000)
    parser.add_argument(
        "--seconds", type=float, default=240.0, help="live with the dashboards and admins"
    )
    parser.add_argument(
        "--quiet-seconds", type=float, default=60.0, help="then live without the API load"
    )
    parser.add_argument("--idle-seconds", type=float, default=30.0, help="API without ingestion")
    parser.add_argument("--viewed", type=int, default=100, help="devices with a history")
    parser.add_argument("--history-days", type=int, default=365)
    parser.add_argument("--clients", type=int, default=16, help="dashboard clients")
    parser.add_argument("--admins", type=int, default=2, help="admins on the fleet overview")
    parser.add_argument("--consumers", type=int, default=1, help="consume_measurements processes")
    parser.add_argument("--sample-every", type=int, default=100, help="lag: every Nth meter")
    parser.add_argument(
        "--web-workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY") or 4),
        help="gunicorn workers of the monitoring web (WEB_CONCURRENCY, default 4)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.viewed <= args.meters:
        parser.error("--viewed must be between 1 and --meters")
    plan = Plan(**{name: getattr(args, name) for name in Plan.__dataclass_fields__})
    began = time.monotonic()
    load = os.getloadavg()
    print(f"fleet: load average at the start {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
    run_fleet(plan)
    load = os.getloadavg()
    print(
        f"fleet finished in {time.monotonic() - began:.0f} s (load average now"
        f" {load[0]:.1f} {load[1]:.1f} {load[2]:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
