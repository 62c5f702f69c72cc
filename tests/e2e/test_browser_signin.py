"""Signing in, in a real browser (Chromium): one session for every tab, ended by signing out.

The refresh token is the HttpOnly cookie ``ems_refresh`` (docs/SECURITY.md): a new tab of the
same browser, opened on a deep link, restores the session from it; after signing out (which
clears it) a new tab is signed out. The login form starts with the cursor in Username, and a
locked-out username sees the wait count down. The admin lands on the fleet page, whose rows
link to the device's dashboard; its screenshots (light theme, desktop and phone) are saved.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from harness import Stack
from harness.api import poll, publish
from harness.browser import browser

DIST_INDEX = Path(__file__).resolve().parents[2] / "frontend" / "dist" / "index.html"
# The fleet page's day is the browser's: UTC here, so readings of the last minutes are today's.
TZ = "UTC"
# A name long enough to be cut on a phone: the table keeps to the screen, the tooltip has it all.
LONG_NAME = "Fleet meter {tag} in the basement boiler room of the east wing, behind the blue door"
MIN_LOCKOUT_SECONDS = 16  # long enough to watch it go down after the browser has started


@pytest.fixture
def fleet_device(stack: Stack, admin: requests.Session) -> Iterator[dict[str, Any]]:
    """A device with a big reading a few minutes ago: today's top consumer."""
    assert DIST_INDEX.is_file(), "no frontend build: run `cd frontend && npm run build`"
    name = LONG_NAME.format(tag=uuid.uuid4().hex[:6])
    body = {"name": name, "max_hourly_consumption_kwh": 100000}
    created = admin.post(stack.url("/api/devices/"), json=body, timeout=10)
    assert created.status_code == 201, created.text
    device: dict[str, Any] = created.json()
    url = stack.url(f"/api/monitoring/devices/{device['id']}/")
    assert poll(lambda: admin.get(url, timeout=10).ok), stack.log_tail("monitoring_sync")
    now_ms = int(time.time() * 1000)
    readings = [
        {
            "timestamp": now_ms - minutes * 60_000,
            "device_id": device["id"],
            "measurement_value": 900,
        }
        for minutes in (3, 2)
    ]
    publish(stack, readings)

    def in_the_top() -> bool:
        params = {"date": datetime.now(UTC).date().isoformat(), "tz": TZ}
        fleet = admin.get(stack.url("/api/monitoring/fleet/"), params=params, timeout=10)
        return fleet.ok and device["id"] in {row["device_id"] for row in fleet.json()["top"]}

    assert poll(in_the_top), stack.log_tail("monitoring_measurements")
    yield device
    admin.delete(stack.url(f"/api/devices/{device['id']}/"), timeout=10)


def test_an_admin_lands_on_the_fleet_page_and_every_tab_shares_the_session(
    stack: Stack, fleet_device: dict[str, Any]
) -> None:
    username, password = stack.admin_credentials
    report = browser(
        "sessions-across-tabs",
        baseUrl=stack.gateway_url,
        username=username,
        password=password,
        deviceId=fleet_device["id"],
        tz=TZ,
    )
    assert report["landing"] == "/admin/fleet"
    assert report["linkTitle"] == fleet_device["name"]
    assert report["narrow"]["scrollWidth"] <= report["narrow"]["innerWidth"], report["narrow"]
    # The row's link opens that device's dashboard, which asks for that device's readings.
    assert f"device={fleet_device['id']}" in report["dashboard"]["url"]
    assert f"device_id={fleet_device['id']}" in report["dashboard"]["asked"]
    # A new tab on a deep link: signed in, on that page; no token in storage or script cookies.
    assert report["secondTab"] == {"path": "/alerts", "user": f"{username} (admin)"}
    assert report["storage"] == {"session": 0, "cookie": ""}
    # Signing out clears the cookie: a new tab, and a reload of the other one, are signed out.
    assert report["logout"] == 204
    assert report["afterSignOut"] == {"path": "/login", "user": None}
    assert report["secondReloaded"] == {"path": "/login", "user": None}
    names = {Path(path).name for path in report["screenshots"]}
    assert names == {"fleet-desktop-light.png", "fleet-phone-light.png"}
    for path in report["screenshots"]:
        print(f"screenshot: {path}")


def test_the_login_form_starts_in_username_and_counts_a_lockout_down(stack: Stack) -> None:
    locked = f"locked_{uuid.uuid4().hex[:8]}"  # nobody's account: no one else is locked out
    report = browser(
        "lockout-countdown",
        baseUrl=stack.gateway_url,
        lockedUsername=locked,
        minWait=MIN_LOCKOUT_SECONDS,
        # The browser logs the refused sign-ins it is there to see.
        expectedConsoleErrors=["status of 401", "status of 429"],
    )
    assert report["focused"] == "username"
    assert report["retryAfter"] >= MIN_LOCKOUT_SECONDS
    first, later = report["first"], report["later"]
    assert 0 < first["seconds"] <= report["retryAfter"]
    assert first["text"] == f"You can try again in {first['seconds']} seconds."
    assert later["seconds"] < first["seconds"]
    assert later["text"].startswith("You can try again in ")
    assert "Too many failed sign-ins" in report["alert"]
