"""`bench/run.py --export`: an admin's CSV export of every device, a year of hours, through the
gateway; rows, seconds, rows/s and the exporting gunicorn worker's memory (flat: streamed).

100 devices with a year of 10-minute readings (api_load.load_year) = 876,000 hour rows. The
monitoring web runs with one worker (its gthread threads), so the worker serving the export is
known; its VmRSS is read from /proc before, every 50 ms during (the peak) and after.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

from api_load import FIRST_DAY, access_token, jwks_server, load_year, web_and_gateway
from bench_env import BenchEnv, bench_database, bench_vhost
from cryptography.hazmat.primitives.asymmetric import rsa

# isort: split
# From scripts/, which bench_env puts on the path.
import services as stack_services

READ_BYTES = 256 * 1024


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker_of(master: int) -> int:
    """The one gunicorn worker of ``master`` (WEB_CONCURRENCY=1), once it is up."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise SystemExit(f"export: expected one gunicorn worker, found {children}")
    return int(children[0])


def run_export(device_count: int, days: int) -> None:
    if stack_services.nginx_binary() is None:
        print("export: skipped, nginx is not installed (make setup installs it)")
        return
    bench = BenchEnv(f"export{os.getpid()}")
    bench.env["WEB_CONCURRENCY"] = "1"
    with bench_database(bench), bench_vhost(bench):
        print(f"export: loading {device_count} devices x {days} days of 10-minute readings ...")
        began = time.monotonic()
        load_year(bench, device_count, days, uuid.uuid4())
        print(f"  bulk-loaded in {time.monotonic() - began:.0f} s", flush=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        token = access_token(key, uuid.uuid4(), role="admin")
        last = FIRST_DAY + timedelta(days=days - 1)
        path = (
            f"/api/monitoring/export/?start={FIRST_DAY.isoformat()}&end={last.isoformat()}"
            "&bucket=hour&tz=UTC&format=csv"
        )
        pids: list[int] = []
        with (
            jwks_server(key.public_key()) as jwks_url,
            web_and_gateway(bench, jwks_url, pids) as port,
        ):
            worker = worker_of(pids[0])
            measure(port, token, path, worker)


def measure(port: int, token: str, path: str, worker: int) -> None:
    before = rss_mb(worker)
    peak = [before]
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(worker))
            time.sleep(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    lines = size = 0
    began = time.monotonic()
    poller.start()
    with urllib.request.urlopen(request, timeout=600) as response:
        first_byte = time.monotonic() - began
        while chunk := response.read(READ_BYTES):
            lines += chunk.count(b"\n")
            size += len(chunk)
    elapsed = time.monotonic() - began
    done.set()
    poller.join()
    after = rss_mb(worker)
    rows = lines - 1  # the header
    print(
        f"export: {rows} rows ({size / 1e6:.0f} MB) in {elapsed:.1f} s,"
        f" {rows / elapsed:,.0f} rows/s, first byte after {first_byte * 1000:.0f} ms"
    )
    print(
        f"  worker {worker} RSS: before {before:.0f} MB, peak {peak[0]:.0f} MB"
        f" (VmHWM {rss_mb(worker, 'VmHWM'):.0f} MB), after {after:.0f} MB"
    )
