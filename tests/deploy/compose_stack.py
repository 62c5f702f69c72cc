"""The compose deployment under test: its settings, the compose CLI, and what a user does
through Traefik (sign-in, a client and device, the simulator as a meter, the days it shows).

Shared by tests/deploy/compose_run.py (the single-broker stack) and tests/deploy/compose_ha.py
(the HA profile).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# scripts/ holds the stack's helpers (infra, services, the frontend build); tests/e2e the harness.
sys.path[:0] = [
    str(Path(__file__).resolve().parents[2] / folder) for folder in ("scripts", "tests/e2e")
]

import requests  # noqa: E402
from harness.api import poll as harness_poll  # noqa: E402
from services import ROOT, free_port, var_dir  # noqa: E402

COMPOSE_FILE = ROOT / "deploy" / "docker-compose.yml"
AIRGAP_FILE = ROOT / "deploy" / "docker-compose.airgap.yml"
SIMULATOR = ROOT / "device_simulator" / "simulator.py"
PROJECT = "ems-deploy-test"
UP_TIMEOUT = 600
SYNC_SECONDS = 60.0
AMQP_PORTS = ("EMS_AMQP_PORT", "EMS_AMQP_PORT_2", "EMS_AMQP_PORT_3")  # one per broker node
HA_NODES = ("rabbitmq", "rabbitmq-2", "rabbitmq-3")  # the HA profile's services (host names)
SECRETS = (
    "DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "EMS_ADMIN_PASSWORD",
    "RABBITMQ_PASS", "RABBITMQ_ADMIN_PASS", "RABBITMQ_METER_PASS",
)  # fmt: skip


class Failed(Exception):
    """A part or a check did not do what it should; the message says what happened."""


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


@dataclass
class Deployment:
    env_file: Path
    settings: dict[str, str]
    official: bool
    ha: bool = False  # the HA profile: three RabbitMQ nodes

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.settings['EMS_HTTP_PORT']}"

    @property
    def amqp_nodes(self) -> str:
        """The broker's published AMQP ports as the simulator's --rabbitmq-host (each node's)."""
        ports = [self.settings[name] for name in AMQP_PORTS if name in self.settings]
        return ",".join(f"127.0.0.1:{port}" for port in ports)

    def compose(self, *args: str) -> list[str]:
        files = ["-f", str(COMPOSE_FILE)]
        if not self.official:
            files += ["-f", str(AIRGAP_FILE)]
        profiles = ["--profile", "ha"] if self.ha else []
        return ["docker", "compose", "-p", PROJECT, "--env-file", str(self.env_file), *files,
                *profiles, *args]  # fmt: skip

    def url(self, path: str) -> str:
        return self.http + path


def write_settings(official: bool, ha: bool = False) -> Deployment:
    """A settings file as docs/DEPLOYMENT.md makes one (.env.example, secrets set), free ports;
    ``ha``: with the HA profile's settings too (three nodes, their cookie, their ports)."""
    folder = var_dir(os.environ) / "deploy"
    folder.mkdir(parents=True, exist_ok=True)
    env_file = folder / "deploy-test.env"
    names = [
        "EMS_HTTP_PORT",
        "EMS_RABBITMQ_UI_PORT",
        "EMS_MQTT_PORT",
        *AMQP_PORTS[: 3 if ha else 1],
    ]
    ports = {name: str(free_port()) for name in names}
    settings = {
        **{name: secrets.token_urlsafe(24) for name in SECRETS},
        **ports,
        "EMS_PUBLISH_ADDRESS": "127.0.0.1",
        "EMS_COMPOSE_ENV_FILE": str(env_file),
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{ports['EMS_HTTP_PORT']}",
        # The readings it sends are of fixed days (2025): none is past the raw retention.
        "EMS_RAW_RETENTION_DAYS": "0",
    }
    if ha:
        settings["EMS_RABBITMQ_NODES"] = ",".join(HA_NODES)
        settings["RABBITMQ_ERLANG_COOKIE"] = secrets.token_hex(32)
    lines = [
        line
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line.split("=", 1)[0].strip() not in settings
    ]
    env_file.write_text("\n".join([*lines, *(f"{k}={v}" for k, v in settings.items())]) + "\n")
    env_file.chmod(0o600)
    return Deployment(env_file, settings, official, ha)


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
    lost_node: str = ""  # the HA check's stopped RabbitMQ node


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
    issue_meter_key(deployment, admin, device["id"])
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


def meter_key_file(deployment: Deployment, device_id: str) -> Path:
    return deployment.env_file.with_name(f"meter-key-{device_id}.json")


def issue_meter_key(deployment: Deployment, admin: requests.Session, device_id: str) -> None:
    """The device's own meter key (compose counts no reading of the shared meter identity),
    kept where simulator_command finds it."""
    url = deployment.url(f"/api/devices/{device_id}/credentials/")
    key = expect(admin.post(url, timeout=30), 201)
    meter_key_file(deployment, device_id).write_text(json.dumps(key))
    print(f"meter key {key['username']} issued (MQTT port {key['mqtt']['port']})", flush=True)


def simulator_command(deployment: Deployment, device_id: str, *args: str) -> list[str]:
    """The simulator on the host with the device's meter key, to the published broker port (each
    node's), printing each reading RabbitMQ confirmed."""
    return [
        sys.executable, str(SIMULATOR),
        "--device-id", device_id,
        "--meter-key", str(meter_key_file(deployment, device_id)),
        "--rabbitmq-host", deployment.amqp_nodes,
        "--seed", "17", "--print-json", *args,
    ]  # fmt: skip


def stream(
    command: list[str], count: int, during: Callable[[], None]
) -> tuple[list[Any], list[str]]:
    """The simulator ``command`` sending ``count`` readings, ``during`` run meanwhile (the fault):
    the readings the broker confirmed, each exactly once, and the simulator's log lines of lost
    connections and reconnects (its proof that the fault hit the stream)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        simulator = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        try:
            during()
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
        readings = [json.loads(line) for line in out.read().splitlines() if line.strip()]
    events = [line for line in log.splitlines() if " lost " in line or " again" in line]
    print("the simulator's log of it:\n" + "\n".join(events[-8:]), flush=True)
    if len(readings) != count or len({r["timestamp"] for r in readings}) != count:
        raise Failed(f"the simulator confirmed {len(readings)} readings of {count}")
    return readings, events


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


def parse_env(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values
