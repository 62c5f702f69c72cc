"""API: latency and throughput of /api/monitoring/hourly/daily/ through the nginx gateway.

Starts its own monitoring web (gunicorn, as `make up` runs it) and gateway (rendered by
scripts/gateway.py) on free ports, against the bench database; tokens are verified against a
JWKS the bench serves itself, so no auth service is needed.
"""

from __future__ import annotations

import asyncio
import json
import random
import shlex
import shutil
import statistics
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from bench_env import MONITORING, ROOT, BenchEnv, stop, wait_for
from cryptography.hazmat.primitives.asymmetric import rsa

# isort: split
# From scripts/, which bench_env puts on the path.
import gateway as gateway_config
import services as stack_services

KID = "bench-key"
FIRST_DAY = date(2025, 1, 1)
ZONE = "Europe/Bucharest"

LOAD_READINGS_SQL = """
INSERT INTO monitoring_reading (device_id, ts, value)
SELECT d.id, ts, ((extract(epoch FROM ts)::bigint / 600 + d.n) %% 997) / 1000.0
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM monitoring_device) AS d,
     generate_series(%(start)s::timestamptz, %(end)s::timestamptz - interval '10 minutes',
                     interval '10 minutes') AS ts
"""
LOAD_HOURLY_SQL = """
INSERT INTO monitoring_hourly_consumption (device_id, hour_start, kwh)
SELECT device_id, date_bin('1 hour', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), sum(value)
FROM monitoring_reading GROUP BY 1, 2
"""


def load_year(bench: BenchEnv, device_count: int, days: int, owner: uuid.UUID) -> list[uuid.UUID]:
    """Devices with ``days`` of 10-minute readings each, bulk-loaded in SQL (not via the queue)."""
    devices = [uuid.uuid4() for _ in range(device_count)]
    start = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=UTC)
    with bench.sql() as conn:
        conn.execute("TRUNCATE monitoring_reading, monitoring_hourly_consumption")
        conn.execute("DELETE FROM monitoring_device")
        with conn.cursor().copy(
            "COPY monitoring_device (id, version, synced_at, name, description, address,"
            " owner_id, max_hourly_consumption_kwh) FROM STDIN"
        ) as copy:
            for i, device in enumerate(devices):
                copy.write_row((device, 1, datetime.now(UTC), f"api {i}", "", "", owner, 100))
        conn.execute(LOAD_READINGS_SQL, {"start": start, "end": start + timedelta(days=days)})
        conn.execute(LOAD_HOURLY_SQL)
        conn.execute("VACUUM ANALYZE monitoring_reading")
        conn.execute("VACUUM ANALYZE monitoring_hourly_consumption")
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


def access_token(private_key: rsa.RSAPrivateKey, user_id: uuid.UUID) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "username": "bench",
        "role": "client",
        "type": "access",
        "iss": "ems-auth",
        "iat": now,
        "exp": now + timedelta(hours=1),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": KID})


@contextmanager
def web_and_gateway(bench: BenchEnv, jwks_url: str) -> Iterator[int]:
    """Monitoring under gunicorn and the nginx gateway in front; yields the gateway port."""
    env = {
        **bench.env,
        MONITORING.port_env: str(stack_services.free_port()),
        "GATEWAY_PORT": str(stack_services.free_port()),
        "GATEWAY_HOST": "127.0.0.1",
        "EMS_VAR_DIR": str(ROOT / "var" / "bench" / bench.run_id),
        "EMS_JWKS_URL": jwks_url,
    }
    gateway_config.render(env)
    commands = [
        stack_services.web_command(MONITORING, env),
        stack_services.process_commands(env, quiet=True)["gateway"].removeprefix("exec "),
    ]
    processes = [
        subprocess.Popen(
            shlex.split(command),
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for command in commands
    ]
    port = int(env["GATEWAY_PORT"])
    try:
        wait_for(lambda: http_status(port, "/api/monitoring/health/") == 200, 60, "gateway", 0.2)
        yield port
    finally:
        for process in processes:
            stop(process)
        shutil.rmtree(env["EMS_VAR_DIR"], ignore_errors=True)


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
    port: int, token: str, paths: list[str], until: float, latencies: list[float]
) -> int:
    """One keep-alive connection sending requests until ``until``; returns the non-200 count."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    failures = 0
    rng = random.Random()
    while time.monotonic() < until:
        request = (
            f"GET {rng.choice(paths)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
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
        if not head.startswith(b"HTTP/1.1 200"):
            failures += 1
    writer.close()
    return failures


async def load(
    port: int, token: str, paths: list[str], clients: int, seconds: float
) -> tuple[list[float], int]:
    latencies: list[float] = []
    until = time.monotonic() + seconds
    failures = await asyncio.gather(
        *(client(port, token, paths, until, latencies) for _ in range(clients))
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
