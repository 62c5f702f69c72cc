"""How long a change takes to reach the services that sync it, through the real system.

    python bench/sync_latency.py                      # a private stack (tests/e2e harness)
    python bench/sync_latency.py --url http://127.0.0.1:8080   # a running `make up`
    python bench/sync_latency.py --scenario user_sync -n 50

Each scenario makes N changes one after another and, for each, polls (as admin, through the
gateway) until the consuming service shows it; it prints the median and p95 latencies in
milliseconds. Add a scenario by writing a function ``(target, n) -> {measure: [ms, ...]}`` and
listing it in SCENARIOS (e.g. device change -> monitoring). ``revocation`` times how long a
demoted admin's token keeps working on each service.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
POLL_INTERVAL = 0.005
VISIBLE_TIMEOUT = 30.0


@dataclass
class Target:
    """A running EMS behind its gateway, and an admin session on it."""

    base_url: str
    admin_username: str
    admin_password: str
    session: requests.Session = field(default_factory=requests.Session)

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def login_admin(self) -> None:
        response = self.session.post(
            self.url("/api/auth/login/"),
            json={"username": self.admin_username, "password": self.admin_password},
            timeout=10,
        )
        response.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {response.json()['access']}"


def wait_visible(target: Target, path: str, timeout: float = VISIBLE_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if target.session.get(target.url(path), timeout=10).status_code == 200:
            return
        time.sleep(POLL_INTERVAL)
    raise TimeoutError(f"{path} not visible after {timeout} s")


def user_sync(target: Target, n: int) -> dict[str, list[float]]:
    """Registration (auth_service) -> the profile readable in user_service.

    ``sync`` starts when register answered 201 (the user and its event are committed);
    ``total`` starts when the request was sent, so it also holds the argon2 hashing.
    """
    sync: list[float] = []
    total: list[float] = []
    run = uuid.uuid4().hex[:8]
    for i in range(n):
        body = {
            "username": f"bench_{run}_{i}",
            "password": f"kite-{uuid.uuid4().hex[:12]}",
            "full_name": "Bench User",
            "email": f"bench_{run}_{i}@example.com",
        }
        started = time.perf_counter()
        response = requests.post(target.url("/api/auth/register/"), json=body, timeout=10)
        if response.status_code != 201:
            raise RuntimeError(f"register: {response.status_code} {response.text[:300]}")
        committed = time.perf_counter()
        wait_visible(target, f"/api/users/{response.json()['id']}/")
        visible = time.perf_counter()
        sync.append((visible - committed) * 1000)
        total.append((visible - started) * 1000)
    return {"sync": sync, "total": total}


def wait_shown(target: Target, path: str, key: str, value: object) -> None:
    """Poll ``path`` until it answers 200 with ``key`` equal to ``value``."""
    deadline = time.monotonic() + VISIBLE_TIMEOUT
    while time.monotonic() < deadline:
        response = target.session.get(target.url(path), timeout=10)
        if response.status_code == 200 and response.json().get(key) == value:
            return
        time.sleep(POLL_INTERVAL)
    raise TimeoutError(f"{path} did not show {key}={value!r} after {VISIBLE_TIMEOUT} s")


def device_sync(target: Target, n: int) -> dict[str, list[float]]:
    """A device change (device_service) -> monitoring's copy shows it.

    ``create``: POST answered 201 -> the device readable in monitoring; ``update``: PATCH of
    the name answered 200 -> monitoring shows the new name. Both start at the commit.
    """
    created: list[float] = []
    updated: list[float] = []
    run = uuid.uuid4().hex[:8]
    for i in range(n):
        body = {"name": f"bench {run} {i}", "max_hourly_consumption_kwh": 1.5}
        response = target.session.post(target.url("/api/devices/"), json=body, timeout=10)
        if response.status_code != 201:
            raise RuntimeError(f"create device: {response.status_code} {response.text[:300]}")
        committed = time.perf_counter()
        device_id = response.json()["id"]
        path = f"/api/monitoring/devices/{device_id}/"
        wait_visible(target, path)
        created.append((time.perf_counter() - committed) * 1000)

        name = f"bench {run} {i} renamed"
        response = target.session.patch(
            target.url(f"/api/devices/{device_id}/"), json={"name": name}, timeout=10
        )
        if response.status_code != 200:
            raise RuntimeError(f"update device: {response.status_code} {response.text[:300]}")
        committed = time.perf_counter()
        wait_shown(target, path, "name", name)
        updated.append((time.perf_counter() - committed) * 1000)
        target.session.delete(target.url(f"/api/devices/{device_id}/"), timeout=10)
    return {"create": created, "update": updated}


# An admin-only or caller-scoped read per service: 200 while a token counts, 401 once it ends.
ADMIN_READS = {
    "auth": "/api/auth/users/",
    "users": "/api/users/",
    "devices": "/api/devices/",
    "monitoring": "/api/monitoring/devices/",
}


def revocation(target: Target, n: int) -> dict[str, list[float]]:
    """An admin demoted (PATCH role=client answered 200) -> each service refuses its token (401).

    ``all`` is the slowest service of each demotion: when the rights were gone everywhere.
    """
    latencies: dict[str, list[float]] = {name: [] for name in [*ADMIN_READS, "all"]}
    run = uuid.uuid4().hex[:8]
    for i in range(n):
        body = {"username": f"bench_admin_{run}_{i}", "password": f"kite-{uuid.uuid4().hex}"}
        created = target.session.post(
            target.url("/api/auth/users/"), json={**body, "role": "admin"}, timeout=10
        )
        if created.status_code != 201:
            raise RuntimeError(f"create admin: {created.status_code} {created.text[:300]}")
        user_id = created.json()["id"]
        token = requests.post(target.url("/api/auth/login/"), json=body, timeout=10).json()
        demoted = requests.Session()
        demoted.headers["Authorization"] = f"Bearer {token['access']}"
        wait_visible(target, f"/api/users/{user_id}/")
        response = target.session.patch(
            target.url(f"/api/auth/users/{user_id}/"), json={"role": "client"}, timeout=10
        )
        if response.status_code != 200:
            raise RuntimeError(f"demote: {response.status_code} {response.text[:300]}")
        committed = time.perf_counter()
        pending = dict(ADMIN_READS)
        deadline = time.monotonic() + VISIBLE_TIMEOUT
        while pending and time.monotonic() < deadline:
            for name, path in list(pending.items()):
                if demoted.get(target.url(path), timeout=10).status_code == 401:
                    latencies[name].append((time.perf_counter() - committed) * 1000)
                    del pending[name]
            time.sleep(POLL_INTERVAL)
        if pending:
            raise TimeoutError(f"still admin after {VISIBLE_TIMEOUT} s on {', '.join(pending)}")
        latencies["all"].append((time.perf_counter() - committed) * 1000)
        target.session.delete(target.url(f"/api/auth/users/{user_id}/"), timeout=10)
    return latencies


# name -> (target, n) -> {measure: latencies in ms}
SCENARIOS: dict[str, Callable[[Target, int], dict[str, list[float]]]] = {
    "user_sync": user_sync,
    "device_sync": device_sync,
    "revocation": revocation,
}


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 30 values is the 29th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def report(name: str, latencies: list[float]) -> None:
    print(
        f"{name}: n={len(latencies)} median={statistics.median(latencies):.1f} ms "
        f"p95={percentile(latencies, 0.95):.1f} ms max={max(latencies):.1f} ms"
    )


@contextmanager
def private_stack() -> Iterator[Target]:
    """A whole private EMS (own databases, vhost, ports), as the e2e tests start it."""
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    from harness.stack import Stack  # imported here: only this mode needs the harness

    stack = Stack(run_id=f"bench{os.getpid()}")
    try:
        stack.start()
        username, password = stack.admin_credentials
        yield Target(stack.gateway_url, username, password)
    finally:
        stack.close()


@contextmanager
def running_system(url: str) -> Iterator[Target]:
    yield Target(
        url,
        os.environ.get("EMS_ADMIN_USERNAME", "admin"),
        os.environ.get("EMS_ADMIN_PASSWORD", "admin"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="gateway of a running system (default: a private stack)")
    parser.add_argument("-n", type=int, default=30, help="changes per scenario (default 30)")
    parser.add_argument(
        "--scenario", choices=sorted(SCENARIOS), action="append", help="default: all"
    )
    args = parser.parse_args(argv)
    context = running_system(args.url) if args.url else private_stack()
    with context as target:
        target.login_admin()
        for name in args.scenario or list(SCENARIOS):
            for measure, latencies in SCENARIOS[name](target, args.n).items():
                report(f"{name} {measure}", latencies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
