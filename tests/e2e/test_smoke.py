"""The gateway serves the frontend and routes each API prefix to its running service."""

from __future__ import annotations

import time

import pytest
import requests
from harness import Stack
from harness.stack import ROOT

ROUTED_SERVICES = {"auth": "auth_service", "users": "user_service"}


def test_gateway_serves_the_frontend_at_root(stack: Stack) -> None:
    response = requests.get(stack.url("/"), timeout=5)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")


def test_gateway_falls_back_to_index_for_frontend_routes(stack: Stack) -> None:
    root = requests.get(stack.url("/"), timeout=5)
    deep = requests.get(stack.url("/devices/some-id"), timeout=5)

    assert deep.status_code == 200
    assert deep.text == root.text


@pytest.mark.parametrize("service", sorted(ROUTED_SERVICES))
def test_gateway_routes_health_to_the_service(stack: Stack, service: str) -> None:
    if not (ROOT / ROUTED_SERVICES[service] / "manage.py").is_file():
        pytest.skip(f"{ROUTED_SERVICES[service]} is not in this checkout yet")

    response = requests.get(stack.url(f"/api/{service}/health/"), timeout=5)

    assert response.status_code == 200, stack.log_tail(service)
    assert response.json()["service"] == service


def test_unknown_api_path_gets_a_json_404(stack: Stack) -> None:
    response = requests.get(stack.url("/api/nothing-here/"), timeout=5)

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_health_reports_the_broker_outage_and_recovers(stack: Stack) -> None:
    if not stack.services:
        pytest.skip("no service in this checkout yet")
    health = stack.services[0].health_path

    stack.broker.down()
    status = _status_within(stack.url(health), 503, seconds=15)
    stack.broker.up()
    stack.wait_healthy(timeout=30)

    assert status == 503, stack.log_tail()


def test_a_restarted_web_process_serves_again(stack: Stack) -> None:
    if not stack.services:
        pytest.skip("no service in this checkout yet")
    name = stack.services[0].name

    stack.restart(name)
    stack.wait_healthy(timeout=30)

    assert requests.get(stack.url(stack.services[0].health_path), timeout=5).status_code == 200


def _status_within(url: str, expected: int, seconds: float) -> int:
    """Poll ``url`` until it answers ``expected`` (health caches the broker's state briefly)."""
    deadline = time.monotonic() + seconds
    status = 0
    while time.monotonic() < deadline:
        status = requests.get(url, timeout=5).status_code
        if status == expected:
            break
        time.sleep(0.5)
    return status
