"""API: latency and throughput of /api/monitoring/hourly/daily/ through the nginx gateway.

Starts its own monitoring web (gunicorn, as `make up` runs it) and gateway (rendered by
scripts/gateway.py) on free ports, against the bench database; tokens are verified against a
JWKS the bench serves itself, so no auth service is needed.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import psycopg
from bench_env import MONITORING, ROOT, BenchEnv, PrivateCluster, stop, wait_for
from cryptography.hazmat.primitives.asymmetric import rsa

# isort: split
# From scripts/, which bench_env puts on the path.
import gateway as gateway_config
import services as stack_services

KID = "bench-key"
FIRST_DAY = date(2025, 1, 1)
ZONE = "Europe/Bucharest"

# In time order, as a live system stores them (every device's readings of an instant together).
# Values in micro-kWh, devices by key (monitoring.models.Reading).
LOAD_READINGS_SQL = """
INSERT INTO monitoring_reading (device_key, ts, value)
SELECT d.key, ts, ((extract(epoch FROM ts)::bigint / 600 + d.n) %% 997) * 1000
FROM (SELECT key, row_number() OVER (ORDER BY id) AS n FROM monitoring_device
      WHERE id = ANY(%(devices)s)) AS d,
     generate_series(%(start)s::timestamptz, %(end)s::timestamptz - interval '10 minutes',
                     interval '10 minutes') AS ts
ORDER BY ts, d.key
"""
# The rollups the ingestion statement keeps (monitoring.ingestion.store), built in one go.
LOAD_HOURLY_SQL = """
INSERT INTO monitoring_hourly_consumption
    (device_id, hour_start, kwh, readings, q1_kwh, q2_kwh, q3_kwh,
     q1_readings, q2_readings, q3_readings, last_ts, q1_last_ts, q2_last_ts, q3_last_ts)
SELECT device_id, hour_start, sum(value), count(*),
       coalesce(sum(value) FILTER (WHERE q = 0), 0), coalesce(sum(value) FILTER (WHERE q = 1), 0),
       coalesce(sum(value) FILTER (WHERE q = 2), 0), count(*) FILTER (WHERE q = 0),
       count(*) FILTER (WHERE q = 1), count(*) FILTER (WHERE q = 2), max(ts),
       max(ts) FILTER (WHERE q = 0), max(ts) FILTER (WHERE q = 1), max(ts) FILTER (WHERE q = 2)
FROM (SELECT device_id, ts, value, hour_start,
             floor(extract(epoch FROM ts - hour_start) / 900)::int AS q
      FROM (SELECT device_id, ts, value,
                   date_bin('1 hour', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS hour_start
            FROM monitoring_reading_kwh) AS r) AS r
GROUP BY 1, 2 ORDER BY 2, 1
"""
LOAD_DAILY_SQL = """
INSERT INTO monitoring_daily_consumption (device_id, day_start, kwh, readings)
SELECT device_id, date_bin('1 day', hour_start, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
       sum(kwh), sum(readings)
FROM monitoring_hourly_consumption GROUP BY 1, 2 ORDER BY 2, 1
"""


# A time-of-use default tariff, so the period and fleet figures include pricing: night 23:00–07:00,
# day 07:00–23:00, every day, in the bench's zone (a segment per night and day: a year is ~730).
TARIFF_SQL = """
INSERT INTO monitoring_tariff (id, name, currency, device_id, valid_from, tz)
VALUES (%(id)s, 'Night and day', 'RON', NULL, %(valid_from)s, %(tz)s)
"""
TARIFF_RATE_SQL = """
INSERT INTO monitoring_tariff_rate (tariff_id, position, days, start_minute, end_minute,
                                    price_per_kwh)
VALUES (%(id)s, 0, '{0,1,2,3,4,5,6}', 0, 420, 0.4512),
       (%(id)s, 1, '{0,1,2,3,4,5,6}', 420, 1380, 1.0537),
       (%(id)s, 2, '{0,1,2,3,4,5,6}', 1380, 1440, 0.4512)
"""


def seed_tariff(conn: psycopg.Connection) -> None:
    """The default time-of-use tariff (TARIFF_SQL), from before the first loaded day."""
    tariff = {"id": uuid.uuid4(), "valid_from": FIRST_DAY - timedelta(days=400), "tz": ZONE}
    conn.execute(TARIFF_SQL, tariff)
    conn.execute(TARIFF_RATE_SQL, tariff)


def load_year(
    bench: BenchEnv,
    device_count: int,
    days: int,
    owner: uuid.UUID,
    more_devices: int = 0,
    more_days: float = 2,
    *,
    ids: list[uuid.UUID] | None = None,
    end: datetime | None = None,
) -> list[uuid.UUID]:
    """Devices with ``days`` of 10-minute readings each, bulk-loaded in SQL (not via the queue).

    ``more_devices``: as many others again with only the last ``more_days`` of those readings
    (a fleet of many meters, without loading years for each); not returned. ``ids``: the
    devices' ids, those with ``days`` first (else random ones); ``end``: the instant the
    readings end (a 10-minute boundary; else ``days`` after FIRST_DAY).
    """
    ids = ids if ids is not None else [uuid.uuid4() for _ in range(device_count + more_devices)]
    devices, others = ids[:device_count], ids[device_count : device_count + more_devices]
    if end is None:
        end = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=UTC) + timedelta(
            days=days
        )
    start = end - timedelta(days=days)
    # Partitions for the loaded history, kept (no retention here: the history is years old).
    partitions = bench.manage(
        "readings_lifecycle", "--since", start.date().isoformat(), "--retention-days", "0"
    )
    if partitions.wait() != 0:
        raise RuntimeError("readings_lifecycle failed")
    with bench.sql() as conn:
        conn.execute(
            "TRUNCATE monitoring_reading, monitoring_hourly_consumption,"
            " monitoring_daily_consumption"
        )
        conn.execute("DELETE FROM monitoring_tariff_rate")
        conn.execute("DELETE FROM monitoring_tariff")
        conn.execute("DELETE FROM monitoring_device")
        seed_tariff(conn)
        with conn.cursor().copy(
            "COPY monitoring_device (id, version, synced_at, name, description, address,"
            " owner_id, max_hourly_consumption_kwh) FROM STDIN"
        ) as copy:
            for i, device in enumerate(devices + others):
                copy.write_row((device, 1, datetime.now(UTC), f"api {i}", "", "", owner, 3))
        conn.execute(LOAD_READINGS_SQL, {"devices": devices, "start": start, "end": end})
        if others:
            since = end - timedelta(days=more_days)
            conn.execute(LOAD_READINGS_SQL, {"devices": others, "start": since, "end": end})
        conn.execute(LOAD_HOURLY_SQL)
        conn.execute(LOAD_DAILY_SQL)
        for table in ("reading", "hourly_consumption", "daily_consumption", "device"):
            conn.execute(f"VACUUM ANALYZE monitoring_{table}")
    return devices


@contextmanager
def jwks_server(public_key: rsa.RSAPublicKey) -> Iterator[str]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public_key))
    body = json.dumps({"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    finally:
        server.shutdown()


def access_token(private_key: rsa.RSAPrivateKey, user_id: uuid.UUID, role: str = "client") -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "username": "bench",
        "role": role,
        "type": "access",
        "ver": 1,  # the account's version (ems_common.sessions); not in the copy: any counts
        "iss": "ems-auth",
        "iat": now,
        "exp": now + timedelta(hours=1),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": KID})


@contextmanager
def web_and_gateway(bench: BenchEnv, jwks_url: str, pids: list[int] | None = None) -> Iterator[int]:
    """Monitoring under gunicorn and the nginx gateway in front; yields the gateway port.

    ``pids``: gets the gunicorn master's and nginx's process ids, in that order.
    """
    env = {
        **bench.env,
        MONITORING.port_env: str(stack_services.free_port()),
        "GATEWAY_PORT": str(stack_services.free_port()),
        "GATEWAY_HOST": "127.0.0.1",
        "EMS_VAR_DIR": str(ROOT / "var" / "bench" / bench.run_id),
        "EMS_JWKS_URL": jwks_url,
    }
    gateway_config.render(env)
    log = tempfile.TemporaryFile()  # noqa: SIM115 - shown if they do not come up; closed below
    commands = [
        stack_services.web_command(MONITORING, env),
        stack_services.process_commands(env, quiet=True)["gateway"].removeprefix("exec "),
    ]
    processes = [
        subprocess.Popen(
            shlex.split(command),
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for command in commands
    ]
    if pids is not None:
        pids.extend(process.pid for process in processes)
    port = int(env["GATEWAY_PORT"])
    try:
        try:
            wait_for(lambda: http_status(port, "/api/monitoring/health/") == 200, 60, "gateway")
        except SystemExit:
            log.seek(0)
            print(log.read().decode(errors="replace")[:6000], flush=True)
            raise
        yield port
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(env["EMS_VAR_DIR"], ignore_errors=True)
        log.close()


def http_status(port: int, path: str) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


async def client(
    port: int,
    token: str,
    paths: list[str],
    until: float,
    latencies: list[float],
    by_path: dict[str, list[float]] | None = None,
) -> int:
    """One keep-alive connection sending requests until ``until``; returns the non-200 count.

    A connection the server closes (``Connection: close``: nginx after ``keepalive_requests``,
    1,000 by default) is opened again, outside the timed request.
    ``by_path``: also each latency under its path (views measured together, in one window)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    failures = 0
    rng = random.Random()
    while time.monotonic() < until:
        path = rng.choice(paths)
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\nConnection: keep-alive\r\n\r\n"
        )
        started = time.perf_counter()
        writer.write(request.encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await reader.readexactly(length)
        latencies.append((time.perf_counter() - started) * 1000)
        if by_path is not None:
            by_path.setdefault(path, []).append(latencies[-1])
        if not head.startswith(b"HTTP/1.1 200"):
            failures += 1
        if b"\r\nconnection: close" in head.lower():
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.close()
    return failures


async def load(
    port: int,
    token: str,
    paths: list[str],
    clients: int,
    seconds: float,
    by_path: dict[str, list[float]] | None = None,
) -> tuple[list[float], int]:
    latencies: list[float] = []
    until = time.monotonic() + seconds
    failures = await asyncio.gather(
        *(client(port, token, paths, until, latencies, by_path) for _ in range(clients))
    )
    return latencies, sum(failures)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_api(bench: BenchEnv, device_count: int, days: int, clients: int, seconds: float) -> None:
    if stack_services.nginx_binary() is None:
        print("api: skipped, nginx is not installed (make setup installs it)")
        return
    owner = uuid.uuid4()
    print(
        f"api: loading {device_count} devices x {days} days of 10-minute readings ...", flush=True
    )
    began = time.monotonic()
    devices = load_year(bench, device_count, days, owner)
    readings = device_count * days * 144
    print(f"  bulk-loaded {readings:,} readings in {time.monotonic() - began:.0f} s", flush=True)
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = access_token(private_key, owner)
    paths = [
        f"/api/monitoring/hourly/daily/?device_id={device}&date={FIRST_DAY + timedelta(days=d)}"
        f"&tz={ZONE}"
        for device in devices
        for d in range(0, days, 7)
    ]
    with (
        jwks_server(private_key.public_key()) as jwks_url,
        web_and_gateway(bench, jwks_url) as port,
    ):
        asyncio.run(load(port, token, paths, clients, 2.0))  # warm-up: workers, JWKS cache
        latencies, failures = asyncio.run(load(port, token, paths, clients, seconds))
    print(
        f"  GET /api/monitoring/hourly/daily/ via gateway ({bench.env['WEB_CONCURRENCY']} gunicorn"
        f" workers), {clients} clients, {seconds:.0f} s:"
        f" {len(latencies) / seconds:,.0f} req/s, p50 {statistics.median(latencies):.1f} ms,"
        f" p99 {percentile(latencies, 0.99):.1f} ms (target < 50 ms), non-200: {failures}",
        flush=True,
    )


PERIOD_VIEWS = ("day", "month", "year")


def consumption_path(device: uuid.UUID, period: str, day: date) -> str:
    return f"/api/monitoring/consumption/?device_id={device}&period={period}&date={day}&tz={ZONE}"


def fleet_path(day: date) -> str:
    return f"/api/monitoring/fleet/?date={day}&tz={ZONE}"


def get_once(port: int, token: str, path: str) -> tuple[float, int]:
    """One request on a new connection: (milliseconds, status); SystemExit unless it is 200."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    if response.status != 200:
        raise SystemExit(f"bench: GET {path} gave {response.status}: {body[:300]!r}")
    return elapsed, response.status


def figures(latencies: list[float]) -> str:
    return f"p50 {statistics.median(latencies):6.1f} ms, p99 {percentile(latencies, 0.99):6.1f} ms"


@dataclass(frozen=True)
class PeriodsPlan:
    """What the periods benchmark loads and how hard it asks."""

    device_count: int  # each with ``days`` of 10-minute readings
    days: int
    fleet_devices: int  # the fleet overview's devices (with 2 days of readings beyond those)
    clients: int
    seconds: float  # the fleet's warm window; the period views' is 3 times it
    cold_samples: int


def run_periods(plan: PeriodsPlan, web_workers: str) -> None:
    """The period views (/consumption/ day, month, year) and the fleet overview, warm and cold.

    On a private PostgreSQL cluster (bench_env.PrivateCluster) restarted before each cold sample,
    with its files evicted from the OS page cache; without initdb, on the environment's server,
    a cold sample only gets fresh connections after ``DISCARD ALL`` (and says so).
    """
    from bench_env import bench_database, bench_vhost, private_cluster

    if stack_services.nginx_binary() is None:
        print("periods: skipped, nginx is not installed (make setup installs it)")
        return
    with private_cluster() as cluster:
        bench = BenchEnv(f"periods{os.getpid()}", cluster.env() if cluster else None)
        bench.env["WEB_CONCURRENCY"] = web_workers
        method = (
            f"private PostgreSQL cluster (port {cluster.port}) restarted before each cold sample,"
            " its files evicted from the OS page cache (posix_fadvise DONTNEED)"
            if cluster
            else "no private cluster (initdb missing): a fresh connection after DISCARD ALL"
        )
        with bench_database(bench), bench_vhost(bench):
            measure_periods(bench, cluster, method, plan)


def measure_periods(
    bench: BenchEnv, cluster: PrivateCluster | None, method: str, plan: PeriodsPlan
) -> None:
    owner = uuid.uuid4()
    more = max(0, plan.fleet_devices - plan.device_count)
    print(
        f"periods: loading {plan.device_count} devices x {plan.days} days of 10-minute readings"
        f" (+ {more} devices x 2 days for the fleet) ...",
        flush=True,
    )
    began = time.monotonic()
    devices = load_year(bench, plan.device_count, plan.days, owner, more_devices=more)
    print(f"  bulk-loaded in {time.monotonic() - began:.0f} s", flush=True)
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client_token = access_token(private_key, owner)
    admin_token = access_token(private_key, uuid.uuid4(), role="admin")
    rng = random.Random(14)
    all_days = [FIRST_DAY + timedelta(days=d) for d in range(plan.days)]
    last_days = all_days[-2:]  # every device of the fleet has readings on these
    paths = {
        view: [consumption_path(d, view, rng.choice(all_days)) for d in devices for _ in range(5)]
        for view in PERIOD_VIEWS
    }
    warm: dict[str, list[float]] = {}
    cold: dict[str, list[float]] = {view: [] for view in (*PERIOD_VIEWS, "fleet")}
    failures = 0
    with (
        jwks_server(private_key.public_key()) as jwks_url,
        web_and_gateway(bench, jwks_url) as port,
    ):
        for view in PERIOD_VIEWS:  # each answers (else SystemExit, saying why)
            get_once(port, client_token, paths[view][0])
        get_once(port, admin_token, fleet_path(last_days[0]))
        asyncio.run(
            load(port, client_token, paths["day"], plan.clients, 2.0)
        )  # workers, JWKS cache
        # The three views mixed in one window, so a change in the machine's load hits them alike.
        by_path: dict[str, list[float]] = {}
        mixed = [path for view in PERIOD_VIEWS for path in paths[view]]
        _, failed = asyncio.run(
            load(port, client_token, mixed, plan.clients, 3 * plan.seconds, by_path)
        )
        failures += failed
        for view in PERIOD_VIEWS:
            warm[view] = [ms for path in set(paths[view]) for ms in by_path.get(path, [])]
        fleet = [fleet_path(day) for day in last_days]
        warm["fleet"], failed = asyncio.run(
            load(port, admin_token, fleet, plan.clients, plan.seconds)
        )
        failures += failed
        for _ in range(plan.cold_samples):
            make_cold(bench, cluster)
            # One of each per cold start, on other devices and dates: none warms the next.
            for view in PERIOD_VIEWS:
                path = consumption_path(rng.choice(devices), view, rng.choice(all_days))
                elapsed, status = get_once(port, client_token, path)
                cold[view].append(elapsed)
                failures += status != 200
            elapsed, status = get_once(port, admin_token, fleet_path(rng.choice(last_days)))
            cold["fleet"].append(elapsed)
            failures += status != 200
    print(
        f"  via gateway ({bench.env['WEB_CONCURRENCY']} gunicorn workers), tz {ZONE};"
        f" warm: {plan.clients} clients, the views mixed for {3 * plan.seconds:.0f} s, then the"
        f" fleet for {plan.seconds:.0f} s; cold: {plan.cold_samples} samples each,"
        f" one request per cold start on a new connection; cold method: {method}",
        flush=True,
    )
    for view in (*PERIOD_VIEWS, "fleet"):
        what = f"fleet ({plan.fleet_devices} devices)" if view == "fleet" else f"{view} view"
        print(
            f"  {what:<22} warm {figures(warm[view])} ({len(warm[view])} requests) |"
            f" cold {figures(cold[view])}",
            flush=True,
        )
    warm_ratio = percentile(warm["year"], 0.99) / percentile(warm["day"], 0.99)
    cold_ratio = percentile(cold["year"], 0.99) / percentile(cold["day"], 0.99)
    verdict = "met" if max(warm_ratio, cold_ratio) <= 2 else "NOT met"
    print(
        f"  year p99 / day p99: warm {warm_ratio:.2f}x, cold {cold_ratio:.2f}x"
        f" (target <= 2x: {verdict}); non-200: {failures}",
        flush=True,
    )


def make_cold(bench: BenchEnv, cluster: PrivateCluster | None) -> None:
    if cluster is not None:
        cluster.restart_cold()
        return
    with bench.sql() as conn:
        conn.execute("DISCARD ALL")
