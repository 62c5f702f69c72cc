"""docs/API_DOCUMENTATION.md against the running stack, so the documentation cannot drift.

Its ```sh examples run in document order with bash and curl through the gateway (the address
and the admin's password swapped for the test stack's), each checked for its status and JSON
shape (harness/doc_examples.py). Every endpoint of every service's OpenAPI schema must have
a row in the document's tables.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pika
import pytest
import requests
from harness import Stack
from harness.api import broker, poll
from harness.doc_examples import Step, base_env, parse, problems, run_block
from harness.stack import ROOT

DOCUMENT = ROOT / "docs" / "API_DOCUMENTATION.md"
DOC_BASE = "http://127.0.0.1:8080"
DOC_ADMIN_PASSWORD = '"password": "admin"'
SERVICES = ["auth", "users", "devices", "monitoring"]
# The readings the document's monitoring examples describe (its section "monitoring service").
READINGS_FROM = datetime(2025, 10, 25, 0, 10, tzinfo=UTC)
READINGS_TO = datetime(2025, 10, 28, tzinfo=UTC)
PEAK_FROM = datetime(2025, 10, 26, 18, tzinfo=UTC)
PEAK_TO = datetime(2025, 10, 26, 19, tzinfo=UTC)
TABLE_ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)`", re.MULTILINE)
PLACEHOLDER = re.compile(r"\{[^}]+\}")

STEPS = parse(DOCUMENT.read_text())


@dataclass
class Session:
    """The reader's terminal: variables carried from block to block, and what went wrong."""

    env: dict[str, str]
    failed: str | None = None
    skipped_groups: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def session(stack: Stack) -> Iterator[Session]:
    if shutil.which("jq") is None:
        pytest.fail("the examples need jq (Debian: apt-get install jq)")
    yield Session(env=base_env(), skipped_groups=unavailable_groups(stack))


def unavailable_groups(stack: Stack) -> dict[str, str]:
    """Groups of examples whose endpoints this checkout does not serve yet (404), and why."""
    answer = requests.get(stack.url("/api/monitoring/alerts/"), timeout=10)
    if answer.status_code == 404:
        return {"alerts": "GET /api/monitoring/alerts/ answers 404: no alerts API in this build"}
    return {}


def for_the_stack(code: str, stack: Stack) -> str:
    password = stack.admin_credentials.password
    code = code.replace(DOC_BASE, stack.gateway_url)
    return code.replace(DOC_ADMIN_PASSWORD, f'"password": {json.dumps(password)}')


def publish_readings(stack: Stack, device_id: str) -> None:
    """Every ten minutes 0.1 kWh, 0.4 from 18:00 to 19:00 UTC on 26 October (an alert)."""
    connection = broker(stack)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        moment = READINGS_FROM
        while moment <= READINGS_TO:
            value = 0.4 if PEAK_FROM <= moment <= PEAK_TO else 0.1
            body = {
                "timestamp": int(moment.timestamp() * 1000),
                "device_id": device_id,
                "measurement_value": value,
            }
            channel.basic_publish(
                "",
                "device_data_queue",
                json.dumps(body),
                pika.BasicProperties(delivery_mode=2, content_type="application/json"),
            )
            moment += timedelta(minutes=10)
    finally:
        connection.close()


def readings_stored(stack: Stack, token: str, device_id: str) -> bool:
    answer = requests.get(
        stack.url("/api/monitoring/hourly/range/"),
        params={
            "device_id": device_id,
            "start": "2025-10-25",
            "end": "2025-10-27",
            "tz": "Europe/Bucharest",
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return answer.status_code == 200 and abs(answer.json()["total_kwh"] - 44.0) < 1e-6


def run_setup(step: Step, stack: Stack, session: Session) -> None:
    if step.name != "readings":
        raise AssertionError(f"line {step.line}: unknown setup step {step.name!r}")
    device_id, token = session.env.get("DEVICE_ID"), session.env.get("TOKEN")
    assert device_id and token, "the readings setup needs DEVICE_ID and TOKEN from the examples"
    publish_readings(stack, device_id)
    assert poll(lambda: readings_stored(stack, token, device_id), seconds=30), stack.log_tail(
        "monitoring_measurements"
    )


def run_example(step: Step, stack: Stack, session: Session) -> None:
    expectation = step.expectation
    assert expectation is not None
    code = for_the_stack(step.code, stack)
    found: list[str] = []

    def attempt() -> bool:
        nonlocal found
        outcome = run_block(code, session.env)
        found = problems(expectation, outcome)
        if not found:
            session.env = outcome.env
        return not found

    poll(attempt, seconds=expectation.retry_seconds, every=0.5)
    assert not found, f"{step.title}\n" + "\n".join(found)


@pytest.mark.parametrize(
    "step", [s for s in STEPS if s.kind != "no-run"], ids=lambda s: f"line{s.line}"
)
def test_documented_example(step: Step, stack: Stack, session: Session) -> None:
    if session.failed:
        pytest.skip(f"an earlier example failed ({session.failed})")
    group = step.expectation.group if step.expectation else None
    if group in session.skipped_groups:
        pytest.skip(session.skipped_groups[group])
    try:
        if step.kind == "setup":
            run_setup(step, stack, session)
        else:
            run_example(step, stack, session)
    except BaseException:
        session.failed = step.title
        raise


def test_document_keeps_its_runnable_examples() -> None:
    # parse() (at import) already refused an sh block without a run or no-run marker.
    runnable = [step for step in STEPS if step.kind == "run"]
    assert len(runnable) >= 30, "the document lost its runnable examples"


def schema_endpoints(stack: Stack, service: str) -> set[tuple[str, str]]:
    answer = requests.get(
        stack.url(f"/api/{service}/schema/"), params={"format": "json"}, timeout=10
    )
    assert answer.status_code == 200, answer.text[:300]
    common = {f"/api/{service}/{name}/" for name in ("health", "schema", "docs")}
    return {
        (method.upper(), PLACEHOLDER.sub("{id}", path))
        for path, operations in answer.json()["paths"].items()
        if path not in common
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


@pytest.mark.parametrize("service", SERVICES)
def test_every_endpoint_is_documented(stack: Stack, service: str) -> None:
    documented = {
        (method, PLACEHOLDER.sub("{id}", path))
        for method, path in TABLE_ROW.findall(DOCUMENT.read_text())
    }
    missing = schema_endpoints(stack, service) - documented
    assert not missing, f"endpoints of {service} without a row in {DOCUMENT.name}: {missing}"
