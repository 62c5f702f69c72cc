"""Fixtures of the whole-system tests.

``stack`` (session): a complete private EMS, started like `make up` (scripts/stack.py setup and
the Procfile's processes) with its own databases, RabbitMQ vhost and ports:

- ``stack.url("/api/auth/login/")``: a URL through the gateway; ``stack.direct_url(svc, path)``
  bypasses it.
- ``stack.env``: the environment every process got (ports, database names, vhost, ...).
- ``stack.admin_credentials``: ``(username, password)`` of the first admin
  (``stack.admin_credentials._asdict()`` is a login body).
- ``stack.broker.down()`` / ``stack.broker.up()``: the services lose / regain RabbitMQ.
- ``stack.restart(name)``, ``stack.stop_process(name)``, ``stack.start_process(name)``: one
  process of the Procfile (``stack.processes.names`` lists them).
- ``stack.wait_healthy()``: until every ``/api/<service>/health/`` answers 200 again.
- ``stack.manage(service, *args)``: a management command with the stack's environment.
- ``stack.log_tail(name=None)``: the end of the process logs, for assertion messages.

After each test that used it, the broker is brought back and stopped processes are started.

``admin``: a requests session signed in as the stack's first admin. ``harness.api`` has
``login(stack, username, password)`` and ``poll(check, seconds)`` for the tests.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from types import FrameType

import pytest
import requests
from harness import Stack
from harness.api import login


def pytest_configure(config: pytest.Config) -> None:
    # A runner that times out sends SIGTERM: stop the stack's processes and drop its databases
    # as after Ctrl+C, instead of leaving them running.
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    system = Stack()
    try:
        system.start()
        yield system
    finally:
        system.close()


@pytest.fixture(autouse=True)
def _restore_stack(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "stack" in request.fixturenames:
        system: Stack = request.getfixturevalue("stack")
        system.restore()


@pytest.fixture
def admin(stack: Stack) -> requests.Session:
    return login(stack, *stack.admin_credentials)
