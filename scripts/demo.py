"""The first-run demo, so a new install has something to show: client demo/demo owning
"Demo meter", a week of readings, live.

`make up` runs it as the Procfile's `demo` process (``EMS_DEMO=0`` leaves it out):

    .venv/bin/python scripts/demo.py          # set up, send the last 7 days, then go live
    .venv/bin/python scripts/demo.py --once   # set up and send the last 7 days, then exit

Every step is idempotent and goes through the services as a user would: auth's
``manage.py ensure_user`` (the password ``demo`` skips the password rules, as the first admin's
does; ``user.created`` goes out through the outbox), then the APIs on the services' own ports,
as the first admin. Under honcho one exiting process stops them all, so while the stack starts
or when a step fails it logs why and tries again with capped backoff instead of exiting; SIGTERM
exits 0 at once. Once set up it becomes the device simulator (exec), sending a reading every 10
minutes until Ctrl+C.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

import requests
from services import PYTHON, ROOT, Service, manage_command, present_services, run_captured, var_dir
from stack import load_env_file

from ems_common.messaging import identities
from ems_common.messaging.connection import Backoff
from ems_common.messaging.topology import READINGS_EXCHANGE

USERNAME = "demo"
PASSWORD = "demo"
DEVICE_NAME = "Demo meter"
DEVICE = {
    "name": DEVICE_NAME,
    "description": "First-run demo: a simulated smart meter",
    "address": "1 Demo Street",
    # Its busiest evening hours (about 2.25 kWh) pass this now and then: the first run has alerts.
    "max_hourly_consumption_kwh": 2.3,
}
BACKFILL_DAYS = 7
SIMULATOR = ROOT / "device_simulator" / "simulator.py"
SYNC_SECONDS = 30.0  # how long one attempt waits for an event to reach another service
MAX_BACKOFF_SECONDS = 60.0

log = logging.getLogger("demo")


class NotYet(Exception):
    """A step that cannot succeed yet (service starting, event not synced, wrong password)."""


class Api(Protocol):
    def call(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> requests.Response: ...


class ServiceApi:
    """The services' APIs on their own ports (so the demo does not depend on the gateway)."""

    def __init__(self, env: Mapping[str, str], services: list[Service]) -> None:
        self.bases = [(s.prefix, f"http://127.0.0.1:{s.port(env)}") for s in services]
        self.session = requests.Session()

    def call(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> requests.Response:
        base = next(base for prefix, base in self.bases if path.startswith(prefix))
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            return self.session.request(method, base + path, headers=headers, timeout=10, **kwargs)
        except requests.RequestException as exc:
            raise NotYet(f"{method} {path}: {exc.__class__.__name__}") from exc


# --- steps (each idempotent) ----------------------------------------------------------------


def check_health(api: Api, services: list[Service]) -> None:
    waiting = []
    for service in services:
        try:
            status = str(api.call("GET", service.health_path).status_code)
        except NotYet as exc:
            status = str(exc).rsplit(": ", 1)[-1]
        if status != "200":
            waiting.append(f"{service.name} {status}")
    if waiting:
        raise NotYet(f"services not healthy yet ({', '.join(waiting)})")


def login(api: Api, username: str, password: str) -> dict[str, Any] | None:
    """The login answer (tokens and user), or None for wrong credentials."""
    body = {"username": username, "password": password}
    response = api.call("POST", "/api/auth/login/", json=body)
    if response.status_code == 401:
        return None
    if response.status_code != 200:
        raise NotYet(f"login as {username}: {response.status_code} {response.text[:200]}")
    return response.json()


def ensure_account(env: Mapping[str, str], auth: Service) -> None:
    args = f"ensure_user --username {USERNAME} --password {PASSWORD} --role client"
    result = run_captured(manage_command(auth, args), env)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        raise NotYet(f"manage.py ensure_user failed: {output[-500:]}")
    log.info("%s", output)


def demo_user(api: Api, env: Mapping[str, str], auth: Service) -> dict[str, Any]:
    """The demo account ({"id", "username", "role"}), created if missing."""
    answer = login(api, USERNAME, PASSWORD)
    if answer is None:
        ensure_account(env, auth)
        answer = login(api, USERNAME, PASSWORD)
    if answer is None:
        raise NotYet(f"user {USERNAME!r} exists but {USERNAME}/{PASSWORD} does not log in")
    return answer["user"]


def find_device(api: Api, token: str, owner_id: str) -> dict[str, Any] | None:
    page = 1
    while True:
        params = {"owner_id": owner_id, "page": page}
        response = api.call("GET", "/api/devices/", token, params=params)
        if response.status_code != 200:
            raise NotYet(f"listing devices: {response.status_code} {response.text[:200]}")
        body = response.json()
        for device in body["results"]:
            if device["name"] == DEVICE_NAME:
                return device
        if not body.get("next"):
            return None
        page += 1


def owner_unknown(response: requests.Response) -> bool:
    """device_service's 400 for an owner whose user.created has not reached it yet."""
    if response.status_code != 400:
        return False
    errors = response.json().get("errors", [])
    return any(error.get("attr") == "owner_id" for error in errors)


def ensure_device(api: Api, token: str, owner_id: str, sync_seconds: float) -> str:
    existing = find_device(api, token, owner_id)
    if existing is not None:
        return str(existing["id"])
    deadline = time.monotonic() + sync_seconds
    while True:
        response = api.call("POST", "/api/devices/", token, json={**DEVICE, "owner_id": owner_id})
        if response.status_code == 201:
            log.info("created device %r (%s)", DEVICE_NAME, response.json()["id"])
            return str(response.json()["id"])
        if not owner_unknown(response):
            raise NotYet(f"creating the device: {response.status_code} {response.text[:200]}")
        if time.monotonic() > deadline:
            raise NotYet(f"device_service does not know user {owner_id} yet (user sync)")
        time.sleep(0.25)


def wait_monitoring_knows(api: Api, token: str, device_id: str, sync_seconds: float) -> None:
    deadline = time.monotonic() + sync_seconds
    while api.call("GET", f"/api/monitoring/devices/{device_id}/", token).status_code != 200:
        if time.monotonic() > deadline:
            raise NotYet(f"monitoring does not know device {device_id} yet (device sync)")
        time.sleep(0.25)


def prepare(api: Api, env: Mapping[str, str], services: list[Service]) -> str:
    """Everything up to the readings: account, device, both synced; the device's id."""
    check_health(api, services)
    admin_name = env.get("EMS_ADMIN_USERNAME") or "admin"
    admin = login(api, admin_name, env.get("EMS_ADMIN_PASSWORD") or "admin")
    if admin is None:
        raise NotYet(f"the first admin {admin_name!r} does not log in (EMS_ADMIN_PASSWORD?)")
    token = admin["access"]
    auth = next(s for s in services if s.name == "auth")
    user = demo_user(api, env, auth)
    device_id = ensure_device(api, token, user["id"], SYNC_SECONDS)
    wait_monitoring_knows(api, token, device_id, SYNC_SECONDS)
    return device_id


# --- the simulator --------------------------------------------------------------------------


def simulator_config(env: Mapping[str, str]) -> Path:
    """The simulator's broker settings, in a file (not on the command line: a password): the
    services' broker and vhost, as a meter reaches it (the meter identity, ems.readings)."""
    meter = asdict(identities.METER.broker_config(env))  # host, port, user, password, vhost
    config = {"rabbitmq": {**meter, "exchange": READINGS_EXCHANGE}, "interval_seconds": 600}
    path = var_dir(env) / "demo" / "simulator.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(config, indent=2) + "\n")
    return path


def live_command(config: Path, device_id: str) -> list[str]:
    """A reading every 10 minutes from now on, until Ctrl+C / SIGTERM."""
    return [str(PYTHON), str(SIMULATOR), "--config", str(config), "--device-id", device_id]


def backfill_command(config: Path, device_id: str, today: date) -> list[str]:
    """The readings of the last 7 whole UTC days and of today up to now; then it exits."""
    first = today - timedelta(days=BACKFILL_DAYS)
    backfill = ["--backfill-from", first.isoformat(), "--backfill-to", today.isoformat()]
    return [*live_command(config, device_id), *backfill]


# --- main -----------------------------------------------------------------------------------


def prepare_with_retries(
    api: Api, env: Mapping[str, str], services: list[Service], give_up_after: float | None
) -> str:
    started = time.monotonic()
    backoff = Backoff(initial=1.0, maximum=MAX_BACKOFF_SECONDS)
    while True:
        try:
            return prepare(api, env, services)
        except Exception as exc:  # anything unexpected too: exiting would stop the whole stack
            if not isinstance(exc, NotYet):
                exc = NotYet(f"unexpected {exc.__class__.__name__}: {exc}")
            waited = time.monotonic() - started
            if give_up_after is not None and waited > give_up_after:
                raise SystemExit(f"demo: giving up after {waited:.0f} s: {exc}") from None
            delay = backoff.next_delay()
            log.info("%s; trying again in %.0f s", exc, delay)
            time.sleep(delay)


def _exit_now(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="set up and backfill, then exit")
    parser.add_argument(
        "--timeout", type=float, default=180, help="with --once: give up after S seconds"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="demo: %(message)s", stream=sys.stderr)
    signal.signal(signal.SIGTERM, _exit_now)
    load_env_file()
    env = dict(os.environ)
    services = present_services(quiet=True)
    try:
        device_id = prepare_with_retries(
            ServiceApi(env, services), env, services, args.timeout if args.once else None
        )
        config = simulator_config(env)
        # Every start sends the whole week again: monitoring stores a (device, instant) once, so
        # readings already there change nothing and the hours missed while the system was down
        # (last night, this morning) are filled; it takes about a second.
        log.info(
            "ready: %s/%s owns %r (%s); sending the last 7 days (stored readings count once)",
            USERNAME,
            PASSWORD,
            DEVICE_NAME,
            device_id,
        )
        backfill = backfill_command(config, device_id, datetime.now(UTC).date())
        code = subprocess.run(backfill, cwd=ROOT, env=env, check=False).returncode
        if args.once:
            return code
        if code != 0:
            log.info("the backfill exited with code %d; going live anyway", code)
    except KeyboardInterrupt:
        return 0
    command = live_command(config, device_id)
    logging.shutdown()
    os.execve(command[0], command, env)  # the simulator, live, until Ctrl+C / SIGTERM


if __name__ == "__main__":
    sys.exit(main())
