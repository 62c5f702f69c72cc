"""The first-run demo (scripts/demo.py): demo/demo sees "Demo meter" with a week of data.

The session stack runs without the `demo` process (EMS_DEMO=0, so the other tests see no demo
data); this test runs the script once (`--once`: set up and backfill, no live simulator) against
it, twice. The fake-API tests pin the idempotent steps without a stack.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests
from harness import Stack
from harness.api import login
from harness.demo import run_demo_once
from harness.stack import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import demo  # noqa: E402


def yesterday_when_complete(client: requests.Session, stack: Stack, device_id: str) -> Any:
    """Yesterday's daily chart (UTC) once all of its 24 hours have readings, or the last try."""
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    url = stack.url("/api/monitoring/hourly/daily/")
    deadline = time.monotonic() + 20
    while True:
        response = client.get(url, params={"device_id": device_id, "date": yesterday}, timeout=10)
        assert response.status_code == 200, response.text
        day = response.json()
        if all(hour["kwh"] > 0 for hour in day["hours"]) or time.monotonic() > deadline:
            return day
        time.sleep(0.25)


def settled_day(client: requests.Session, stack: Stack, device_id: str, day: str) -> Any:
    """A day's hours once two reads a second apart agree (the consumer has caught up)."""
    url = stack.url("/api/monitoring/hourly/daily/")
    params = {"device_id": device_id, "date": day}
    previous = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        hours = client.get(url, params=params, timeout=10).json()["hours"]
        if hours == previous:
            return hours
        previous = hours
        time.sleep(1.0)
    raise AssertionError(f"{day}'s hours kept changing for 30 s")


def test_demo_client_sees_demo_meter_with_a_week_of_readings(stack: Stack) -> None:
    first = run_demo_once(stack)
    assert "sending the last 7 days" in first.stderr, first.stderr

    client = login(stack, "demo", "demo")
    devices = client.get(stack.url("/api/devices/"), timeout=10).json()["results"]
    assert [d["name"] for d in devices] == ["Demo meter"]
    device_id = devices[0]["id"]
    synced = client.get(stack.url("/api/monitoring/devices/"), timeout=10).json()["results"]
    assert [d["id"] for d in synced] == [device_id]

    day = yesterday_when_complete(client, stack, device_id)
    assert len(day["hours"]) == 24
    assert day["total_kwh"] > 0, stack.log_tail("monitoring_measurements")
    assert all(hour["kwh"] > 0 for hour in day["hours"]), day

    # A second start sends the week again: same account, same device, and not one kWh more.
    before = settled_day(client, stack, device_id, day["date"])
    run_demo_once(stack)
    again = client.get(stack.url("/api/devices/"), timeout=10).json()["results"]
    assert [d["id"] for d in again] == [device_id]
    assert settled_day(client, stack, device_id, day["date"]) == before


# --- the steps against a fake API ---------------------------------------------------------


def reply(status: int, body: Any) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    return response


class FakeApi:
    """Answers from a list per (method, path), the last one repeating; records every call."""

    def __init__(self, answers: dict[tuple[str, str], list[requests.Response]]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def call(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> requests.Response:
        self.calls.append((method, path, kwargs))
        queue = self.answers[(method, path)]
        return queue.pop(0) if len(queue) > 1 else queue[0]


def page(*devices: dict[str, Any]) -> requests.Response:
    return reply(200, {"count": len(devices), "next": None, "results": list(devices)})


def test_an_existing_demo_meter_is_reused_not_created_again() -> None:
    api = FakeApi({("GET", "/api/devices/"): [page({"id": "d1", "name": "Demo meter"})]})
    assert demo.ensure_device(api, "token", "u1", sync_seconds=1) == "d1"
    assert [call[0] for call in api.calls] == ["GET"]


def test_the_device_is_created_once_the_owner_has_synced() -> None:
    unknown_owner = reply(400, {"errors": [{"attr": "owner_id", "code": "invalid"}]})
    api = FakeApi(
        {
            ("GET", "/api/devices/"): [page({"id": "x", "name": "Other"})],
            ("POST", "/api/devices/"): [unknown_owner, unknown_owner, reply(201, {"id": "d2"})],
        }
    )
    assert demo.ensure_device(api, "token", "u1", sync_seconds=10) == "d2"
    posts = [kwargs["json"] for method, _, kwargs in api.calls if method == "POST"]
    assert len(posts) == 3
    assert posts[0]["owner_id"] == "u1"
    assert posts[0]["max_hourly_consumption_kwh"] == 2.3


def test_another_error_while_creating_is_retried_later_not_looped() -> None:
    api = FakeApi(
        {
            ("GET", "/api/devices/"): [page()],
            ("POST", "/api/devices/"): [reply(503, {"errors": []})],
        }
    )
    with pytest.raises(demo.NotYet, match="503"):
        demo.ensure_device(api, "token", "u1", sync_seconds=10)


def test_the_backfill_covers_the_last_seven_days_and_today_then_live_sends_from_now(
    tmp_path: Any,
) -> None:
    config = tmp_path / "simulator.json"
    backfill = demo.backfill_command(config, "d1", date(2025, 6, 8))
    assert backfill[-6:] == [
        "--device-id", "d1", "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-08"
    ]  # fmt: skip
    live = demo.live_command(config, "d1")
    assert live[-2:] == ["--device-id", "d1"]
    assert not [arg for arg in live if arg.startswith("--backfill")]


def test_the_demo_simulator_logs_in_as_the_meter_identity_not_as_the_services(
    tmp_path: Any,
) -> None:
    env = {
        "EMS_VAR_DIR": str(tmp_path),
        "RABBITMQ_VHOST": "v",
        "RABBITMQ_USER": "svc",
        "RABBITMQ_PASS": "services-secret",
        "RABBITMQ_METER_USER": "meter",
        "RABBITMQ_METER_PASS": "meter-secret",
    }
    text = demo.simulator_config(env).read_text()
    rabbitmq = json.loads(text)["rabbitmq"]
    assert (rabbitmq["user"], rabbitmq["password"], rabbitmq["vhost"]) == (
        "meter",
        "meter-secret",
        "v",
    )
    assert rabbitmq["exchange"] == "ems.readings"
    assert "services-secret" not in text
