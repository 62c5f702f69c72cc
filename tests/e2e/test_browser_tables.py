"""The list pages at scale in a real browser (Chromium, playwright-core): a thousand devices.

The fixture makes the fleet through the API, in parallel (the browser tests are about the
pages, not about making devices one form at a time): 1,000 devices with one of them named with
120 characters, a client owning 55 of them, and another client whose small device went over its
maximum, which raised an alert. Each test runs one scenario of ``frontend/e2e/scenarios/
tables.mjs`` and checks what the page showed against the API; screenshots land in
``var/test-results/<run>/screenshots/tables-*.png``.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from harness import Stack
from harness.api import create_client, login, poll
from harness.browser import browser
from test_alerts import alerts_of, publish_readings

FLEET = 1_000
OWNED = 55  # past the first page of 50
LONG_NAME_LENGTH = 120
THREADS = 8


def post(
    stack: Stack, admin: requests.Session, path: str, body: dict[str, Any]
) -> requests.Response:
    """One POST with the admin's token (a requests.Session is not shared between threads)."""
    return requests.post(stack.url(path), json=body, headers=dict(admin.headers), timeout=30)


def create_device(stack: Stack, admin: requests.Session, name: str, max_kwh: float = 5.0) -> str:
    body = {"name": name, "max_hourly_consumption_kwh": max_kwh}
    response = post(stack, admin, "/api/devices/", body)
    assert response.status_code == 201, response.text
    device_id: str = response.json()["id"]
    return device_id


def assign(stack: Stack, admin: requests.Session, device_id: str, user_id: str) -> bool:
    return post(stack, admin, f"/api/devices/{device_id}/assign/", {"user_id": user_id}).ok


def monitoring_knows(stack: Stack, session: requests.Session, device_id: str) -> bool:
    url = stack.url(f"/api/monitoring/devices/{device_id}/")
    return session.get(url, timeout=10).status_code == 200


@pytest.fixture(scope="module")
def fleet(stack: Stack) -> dict[str, Any]:
    admin = login(stack, *stack.admin_credentials)
    tag = uuid.uuid4().hex[:6]
    names = [f"Bulk {tag} {index:04d}" for index in range(FLEET - 1)]
    long_name = f"Long {tag} " + "x" * (LONG_NAME_LENGTH - len(f"Long {tag} "))
    names.append(long_name)
    with ThreadPoolExecutor(THREADS) as pool:
        ids = dict(
            zip(names, pool.map(lambda name: create_device(stack, admin, name), names), strict=True)
        )

    client, password = create_client(stack, admin)
    owned = [ids[name] for name in names[:OWNED]]
    # device_service accepts the owner once the user.created event reached it.
    assert poll(lambda: assign(stack, admin, owned[0], client["id"])), stack.log_tail("device_sync")
    with ThreadPoolExecutor(THREADS) as pool:
        assert all(
            pool.map(lambda device_id: assign(stack, admin, device_id, client["id"]), owned[1:])
        )

    # Another client's small device over its maximum: an alert, unread for its owner.
    alerted, alerted_password = create_client(stack, admin)
    kettle_name = f"Kettle {tag}"
    kettle = create_device(stack, admin, kettle_name, max_kwh=0.5)
    assert poll(lambda: assign(stack, admin, kettle, alerted["id"]))
    owner = login(stack, alerted["username"], alerted_password)
    assert poll(lambda: monitoring_knows(stack, owner, kettle)), stack.log_tail("monitoring_sync")
    publish_readings(stack, kettle, [0, 10, 20, 30, 40, 50])
    assert poll(lambda: alerts_of(owner, stack, kettle)), stack.log_tail("monitoring_measurements")
    # The picker searches monitoring's copy: the long-named device and the target synced too.
    assert poll(lambda: monitoring_knows(stack, admin, ids[long_name]), 30)
    assert poll(lambda: monitoring_knows(stack, admin, ids[names[613]]), 30)
    return {
        "admin": admin,
        "ids": ids,
        "target": names[613],
        "long_name": long_name,
        "client": {"username": client["username"], "password": password},
        "owner": {"username": alerted["username"], "password": alerted_password},
        "owner_session": owner,
        "kettle": kettle,
        "kettle_name": kettle_name,
    }


def as_admin(stack: Stack, scenario: str, **arguments: Any) -> dict[str, Any]:
    """A scenario given the gateway and the stack's admin (it signs in as others itself)."""
    username, password = stack.admin_credentials
    admin = {"username": username, "password": password}
    return browser(scenario, baseUrl=stack.gateway_url, admin=admin, **arguments)


def count_of(stack: Stack, session: requests.Session, path: str, **params: str) -> int:
    response = session.get(stack.url(path), params=params, timeout=10)
    assert response.status_code == 200, response.text
    count: int = response.json()["count"]
    return count


def test_search_on_admin_devices_finds_one_of_a_thousand(
    stack: Stack, fleet: dict[str, Any]
) -> None:
    report = as_admin(
        stack,
        "tables-admin-device-search",
        target=fleet["target"],
        longName=fleet["long_name"],
    )
    total = count_of(stack, fleet["admin"], "/api/devices/")
    assert total >= FLEET
    assert report["before"] == f"1–50 of {total}"
    assert report["found"]["names"] == [fleet["target"]]
    assert report["found"]["range"] == "1–1 of 1"
    assert "search=" in report["found"]["url"]
    assert report["afterReload"] == {"names": [fleet["target"]], "box": fleet["target"]}
    assert (report["sorted"]["before"], report["sorted"]["after"]) == ("ascending", "descending")
    assert "ordering=-name" in report["sorted"]["url"]
    last = fleet["admin"].get(stack.url("/api/devices/"), params={"ordering": "-name"}, timeout=10)
    assert report["sorted"]["first"] == last.json()["results"][0]["name"]
    assert report["sorted"]["hasLongName"]  # "Long …" sorts among the last
    # At 1280 px the table fits its box, long name and row buttons included: no sideways scroll.
    assert report["sorted"]["tableOverflow"] <= 0, report["sorted"]
    phone = report["phone"]
    assert phone["overflow"]["by"] <= 0, phone
    assert phone["overflowAfterDialog"]["by"] <= 0, phone
    assert phone["editInside"] and phone["deleteInside"], phone
    assert phone["dialogButtonsInside"] == [True, True], phone
    assert phone["dialogOverflow"] <= 0, phone
    assert phone["nameTitle"] == fleet["long_name"]


def test_my_devices_pages_past_50(stack: Stack, fleet: dict[str, Any]) -> None:
    client = fleet["client"]
    report = browser("tables-my-devices-paging", baseUrl=stack.gateway_url, **client)
    assert report["first"] == {"range": f"1–50 of {OWNED}", "cards": 50}
    assert report["second"]["range"] == f"51–{OWNED} of {OWNED}"
    assert report["second"]["cards"] == OWNED - 50
    assert "page=2" in report["second"]["url"]
    assert report["phoneOverflow"]["by"] <= 0, report["phoneOverflow"]


def test_an_admin_marking_an_alert_read_leaves_the_owners_unread_count(
    stack: Stack, fleet: dict[str, Any]
) -> None:
    owner = fleet["owner_session"]
    unread_before = count_of(stack, owner, "/api/monitoring/alerts/", unread="true")
    assert unread_before >= 1
    report = as_admin(
        stack,
        "tables-admin-marks-alert-read",
        owner=fleet["owner"],
        deviceId=fleet["kettle"],
    )
    assert report["ownerBefore"] == unread_before
    assert report["adminRow"]["unread"] is True
    assert report["adminRow"]["owner"] == fleet["owner"]["username"]
    assert report["adminRow"]["picker"] == fleet["kettle_name"]
    assert report["adminRow"]["after"] == "read"
    assert report["ownerAfter"] == unread_before
    assert report["ownerRowUnread"] is True
    assert count_of(stack, owner, "/api/monitoring/alerts/", unread="true") == unread_before
    admin_unread = count_of(
        stack, fleet["admin"], "/api/monitoring/alerts/", unread="true", device_id=fleet["kettle"]
    )
    assert admin_unread == 0


def test_the_picker_on_energy_finds_a_device_by_typing(stack: Stack, fleet: dict[str, Any]) -> None:
    target = fleet["target"]
    report = as_admin(
        stack,
        "tables-energy-picker",
        typed=target.split()[-1],  # "0613": part of the name
        target=target,
        targetId=fleet["ids"][target],
        longName=fleet["long_name"],
        longId=fleet["ids"][fleet["long_name"]],
    )
    assert report["options"] == 0  # no <select> of a thousand options
    assert any(target in text for text in report["listed"]), report["listed"]
    assert f"device={fleet['ids'][target]}" in report["url"]
    assert target in report["title"]
    assert report["value"] == fleet["long_name"]
    assert f"device={fleet['ids'][fleet['long_name']]}" in report["longUrl"]
    assert report["phoneOverflowOpen"]["by"] <= 0, report["phoneOverflowOpen"]
    assert report["phoneOverflow"]["by"] <= 0, report["phoneOverflow"]
