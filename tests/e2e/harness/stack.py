"""A complete private copy of EMS for one test session, started the way `make up` starts it.

Its own databases (``e2e_<run>_<service>``), its own RabbitMQ vhost (``ems-e2e-<run>``), free
ports for every service and the gateway, and a TCP proxy between the services and RabbitMQ.
Setup is ``scripts/stack.py setup`` with that environment; the processes are the lines of the
Procfile it writes. Nothing is shared with a running `make up` or another test run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from typing import NamedTuple

import requests
from services import (
    PYTHON,
    ROOT,
    Service,
    all_services,
    child_environment,
    free_port,
    present_services,
    run_captured,
)

from harness.processes import Supervisor, read_procfile
from harness.tcp_proxy import TcpProxy

STACK_SCRIPT = ROOT / "scripts" / "stack.py"
E2E_VAR = ROOT / "var" / "e2e"
START_TIMEOUT_SECONDS = float(os.environ.get("E2E_START_TIMEOUT", "180"))
OLD_RUN_SECONDS = 24 * 3600


class StackError(RuntimeError):
    """The stack could not be set up or did not become healthy."""


class Credentials(NamedTuple):
    username: str
    password: str


def base_environment() -> dict[str, str]:
    """The caller's environment with .env applied (as `make up` would), minus test leftovers."""
    return child_environment(os.environ)


def stack_script(command: list[str], env: Mapping[str, str], *, capture: bool = False) -> str:
    result = subprocess.run(
        [str(PYTHON), str(STACK_SCRIPT), *command],
        cwd=ROOT,
        env=dict(env),
        capture_output=capture,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        output = (result.stdout or "") + (result.stderr or "")
        raise StackError(f"scripts/stack.py {' '.join(command)} failed\n{output[-4000:]}")
    return result.stdout or ""


def prune_old_runs() -> None:
    if not E2E_VAR.is_dir():
        return
    for run_dir in E2E_VAR.iterdir():
        if time.time() - run_dir.stat().st_mtime > OLD_RUN_SECONDS:
            shutil.rmtree(run_dir, ignore_errors=True)


def session_run_id() -> str:
    """The test run's id (EMS_TEST_RUN_ID, else a new one): the session stack's; a stack of a
    test's own takes it with a suffix (its databases and vhost are named after it and dropped
    with it)."""
    return os.environ.get("EMS_TEST_RUN_ID") or f"{int(time.time())}{os.getpid()}"


class Stack:
    """The running system. Tests use url(), env, admin_credentials, broker, restart()."""

    def __init__(
        self, run_id: str | None = None, overrides: Mapping[str, str] | None = None
    ) -> None:
        """``overrides``: settings that win over the environment (another broker, say)."""
        self.run_id = run_id or session_run_id()
        base = {**base_environment(), **(overrides or {})}
        self.services: list[Service] = present_services(quiet=True)
        self.var_dir = E2E_VAR / self.run_id
        self.broker = TcpProxy(
            base.get("RABBITMQ_HOST", "127.0.0.1"), int(base.get("RABBITMQ_PORT") or 5672)
        )
        self._broker_env = base  # the real broker, for checks the proxy must not hide
        self.env = self._environment(base)
        self.gateway_url = f"http://127.0.0.1:{self.env['GATEWAY_PORT']}"
        self.admin_credentials = Credentials(
            self.env["EMS_ADMIN_USERNAME"], self.env["EMS_ADMIN_PASSWORD"]
        )
        self.processes: Supervisor | None = None
        self._stopped_by_test: set[str] = set()

    def _environment(self, base: dict[str, str]) -> dict[str, str]:
        env = dict(base)
        for service in all_services():
            env[service.db_env] = f"e2e_{self.run_id}_{service.name}"
            env[service.port_env] = str(free_port())
            if service.websocket_port_env:  # a WebSocket process on a port of its own
                env[service.websocket_port_env] = str(free_port())
        env.update(
            GATEWAY_HOST="127.0.0.1",
            GATEWAY_PORT=str(free_port()),
            RABBITMQ_VHOST=f"ems-e2e-{self.run_id}",
            EMS_VAR_DIR=str(self.var_dir),
            EMS_JWKS_URL=f"http://127.0.0.1:{env['AUTH_PORT']}/api/auth/jwks.json",
            EMS_ADMIN_USERNAME=base.get("EMS_ADMIN_USERNAME") or "admin",
            EMS_ADMIN_PASSWORD=f"e2e-{self.run_id}-admin",
            EMS_DEMO="0",
            # The tests publish readings of fixed days (2025): none is past the raw retention.
            EMS_RAW_RETENTION_DAYS="0",
        )
        env["DJANGO_CSRF_TRUSTED_ORIGINS"] = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
        return env

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        prune_old_runs()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        # RabbitMQ itself (started if stopped) and the vhost, on the real port ...
        real = {**self._broker_env, "RABBITMQ_VHOST": self.env["RABBITMQ_VHOST"]}
        stack_script(["ensure-services"], real)
        # ... then the services' view of it: through the proxy.
        self.broker.up()
        self.env["RABBITMQ_HOST"] = "127.0.0.1"
        self.env["RABBITMQ_PORT"] = str(self.broker.port)
        self._log_step(stack_script(["setup"], self.env, capture=True))
        commands = read_procfile(self.var_dir / "Procfile")
        self.processes = Supervisor(commands, self.env, ROOT, self.var_dir / "logs")
        self.processes.start_all()
        self.wait_healthy()

    def close(self) -> None:
        """Stop every process, the proxy, and drop the databases and the vhost."""
        if self.processes is not None:
            self.processes.stop_all()
        self.broker.close()
        for command in (["drop-databases", "--yes"], ["delete-vhost"]):
            try:
                stack_script(command, self.env, capture=True)
            except StackError as exc:
                print(f"e2e teardown: {exc}", file=sys.stderr)

    def restore(self) -> None:
        """Undo what a test took away: the broker, and processes it stopped."""
        if not self.broker.is_up:
            self.broker.up()
        for name in sorted(self._stopped_by_test):
            self.start_process(name)

    # --- for tests ------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """The gateway URL of ``path`` (``/api/auth/login/``)."""
        if not path.startswith("/"):
            raise ValueError(f"path must start with /: {path!r}")
        return self.gateway_url + path

    def service(self, name: str) -> Service:
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(f"no service {name!r} in this stack")

    def direct_url(self, service: str, path: str) -> str:
        """A service's own URL, bypassing the gateway."""
        port = self.env[self.service(service).port_env]
        return f"http://127.0.0.1:{port}{path}"

    def restart(self, process: str) -> None:
        """Stop a process (SIGTERM, then SIGKILL) and start it again."""
        self._supervisor().restart(process)
        self._stopped_by_test.discard(process)

    def stop_process(self, process: str) -> int | None:
        self._stopped_by_test.add(process)
        return self._supervisor().stop(process)

    def start_process(self, process: str) -> None:
        self._supervisor().start(process)
        self._stopped_by_test.discard(process)

    def manage(
        self, service: str, *args: str, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """``manage.py <args>`` of a service, with the stack's environment."""
        command = [str(PYTHON), str(self.service(service).manage_py), *args]
        return run_captured(command, self.env, timeout=timeout)

    def log_tail(self, process: str | None = None, lines: int = 40) -> str:
        if self.processes is None:
            return "(no process started)"
        return self.processes.log_tail(process, lines)

    def wait_healthy(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Until the gateway and every service's health endpoint answer 200 through it."""
        paths = ["/", *(service.health_path for service in self.services)]
        last: dict[str, str] = {}
        deadline = time.monotonic() + timeout
        while True:
            for path in [p for p in paths if last.get(p) != "200"]:
                last[path] = self._probe(path)
            if all(status == "200" for status in last.values()):
                return
            crashed = self._supervisor().exited()
            if crashed or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        pending = ", ".join(
            f"{path} -> {status}" for path, status in last.items() if status != "200"
        )
        reason = f"processes exited: {crashed}" if crashed else f"not healthy after {timeout:.0f} s"
        logs = self.var_dir / "logs"
        raise StackError(
            f"e2e stack {reason}; {pending}\nlogs in {logs}\n{self.log_tail(lines=25)}"
        )

    # --- internals ------------------------------------------------------------------------

    def _probe(self, path: str) -> str:
        try:
            response = requests.get(self.url(path), timeout=5)
        except requests.RequestException as exc:
            return exc.__class__.__name__
        if response.status_code == 200:
            return "200"
        return f"{response.status_code} {response.text[:200]}"

    def _supervisor(self) -> Supervisor:
        if self.processes is None:
            raise StackError("the stack has not been started")
        return self.processes

    def _log_step(self, output: str) -> None:
        (self.var_dir / "setup.log").write_text(output)
