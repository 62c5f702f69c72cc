"""API fuzzing: schemathesis against the four services' OpenAPI schemas, as each kind of caller.

Every operation of every service gets generated requests (valid and invalid) as anonymous, as a
client and as an admin; each response must not be a 5xx, must have a status code its operation
documents, must match the documented schema, and an operation that declares authentication
must refuse a request without it.

The fuzzer runs on a stack of its own (a second private stack, for this module only): its
failed logins hit the login throttle and its admin creates, changes and deletes things, which
must not reach the session's stack the other tests use. That stack runs the first-run demo
(scripts/demo.py --once), so the client ``demo`` owns a device with a week of readings and
alerts: monitoring's endpoints have data to answer with.

The schemas are generated from the code (``manage.py spectacular``) when the module is
collected, so that each operation and caller is one pytest test (counted in the summary);
schemathesis' lazy ``from_fixture`` loading would report them as subtests, and it fails on
pytest 9.2. A test checks that the stack serves exactly the schemas fuzzed.

``EMS_FUZZ_MAX_EXAMPLES`` (default 10) bounds the generated requests per operation and caller.
Generation is derandomized, so a run repeats the last one's requests; ``EMS_FUZZ_RANDOM=1``
explores new ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from harness import Stack
from harness.demo import run_demo_once
from harness.stack import PYTHON, ROOT, base_environment, present_services, session_run_id
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

CALLERS = ("anonymous", "client", "admin")
MAX_EXAMPLES = int(os.environ.get("EMS_FUZZ_MAX_EXAMPLES") or 10)
RANDOM = os.environ.get("EMS_FUZZ_RANDOM") == "1"
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, ignored_auth]
DEMO_CLIENT = ("demo", "demo")  # scripts/demo.py's account


def generated_schemas() -> dict[str, dict[str, Any]]:
    """Each service's OpenAPI schema as its code generates it (in parallel: ~2 s each)."""
    env = base_environment()
    running = {}
    for service in present_services(quiet=True):
        command = [str(PYTHON), str(service.manage_py), "spectacular"]
        command += ["--format", "openapi-json"]
        running[service.name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    schemas = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=120)
        if process.returncode != 0:
            raise RuntimeError(f"{name}: manage.py spectacular failed\n{err[-4000:]}")
        schemas[name] = json.loads(out)
    return schemas


SCHEMAS = generated_schemas()


@dataclass
class Tally:
    """What the fuzzer did, printed at the end of the module so it can be quoted."""

    started: float = field(default_factory=time.monotonic)
    operations: set[str] = field(default_factory=set)
    examples: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


TALLY = Tally()


@pytest.fixture(scope="module")
def fuzz_stack() -> Iterator[Stack]:
    """A private stack of its own, with the demo client and its week of readings."""
    system = Stack(run_id=f"{session_run_id()}fz")
    TALLY.started = time.monotonic()  # the figures include this stack's start
    try:
        system.start()
        run_demo_once(system, timeout=180)
        yield system
    finally:
        system.close()


def access_token(stack: Stack, username: str, password: str) -> str:
    body = {"username": username, "password": password}
    response = requests.post(stack.url("/api/auth/login/"), json=body, timeout=10)
    assert response.status_code == 200, response.text
    token: str = response.json()["access"]
    return token


@pytest.fixture(scope="module")
def tokens(fuzz_stack: Stack) -> dict[str, str]:
    """An access token per signed-in caller, taken before any failed login throttles the IP."""
    return {
        "client": access_token(fuzz_stack, *DEMO_CLIENT),
        "admin": access_token(fuzz_stack, *fuzz_stack.admin_credentials),
    }


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if not TALLY.examples:
        return
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(TALLY.statuses.items()))
    line = (
        f"API fuzzing: {len(TALLY.operations)} operations x {len(CALLERS)} callers, "
        f"{TALLY.examples} requests in {time.monotonic() - TALLY.started:.0f} s "
        f"(at most {MAX_EXAMPLES} generated per operation and caller); statuses {statuses}"
    )
    # Past pytest's output capture, so the figures appear in make test's log.
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        print(f"\n{line}", flush=True)


@pytest.fixture(scope="module", params=CALLERS)
def caller_headers(request: pytest.FixtureRequest, tokens: dict[str, str]) -> dict[str, str]:
    caller: str = request.param
    return {"Authorization": f"Bearer {tokens[caller]}"} if caller in tokens else {}


def fuzz_test(service: str) -> Any:
    """One pytest test per operation of ``service`` and caller."""
    schema = schemathesis.openapi.from_dict(SCHEMAS[service])

    @schema.parametrize()
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=not RANDOM,
    )
    def test(case: schemathesis.Case, fuzz_stack: Stack, caller_headers: dict[str, str]) -> None:
        TALLY.operations.add(case.operation.label)
        TALLY.examples += 1
        response = case.call_and_validate(
            base_url=fuzz_stack.gateway_url, headers=caller_headers, checks=CHECKS, timeout=30
        )
        TALLY.statuses[response.status_code] = TALLY.statuses.get(response.status_code, 0) + 1

    return test


test_auth_api = fuzz_test("auth")
test_users_api = fuzz_test("users")
test_devices_api = fuzz_test("devices")
test_monitoring_api = fuzz_test("monitoring")


def test_the_stack_serves_the_schemas_fuzzed(fuzz_stack: Stack) -> None:
    """The schemas above come from the code (manage.py spectacular) at collection time, before
    any stack runs; the stack must serve exactly those."""
    for service, expected in SCHEMAS.items():
        response = requests.get(fuzz_stack.url(f"/api/{service}/schema/?format=json"), timeout=30)
        assert response.status_code == 200, response.text
        assert response.json() == expected, service
