"""The app's shell in a real browser: phone and desktop layout, dark mode, keyboard, axe-core.

Runs ``frontend/e2e/scenarios/layout.mjs`` against the private stack's gateway. The world is
made through the API (what is looked at here is layout, not the admin pages' flows, which
test_browser.py plays): a client owning a device whose name is 120 characters long, with
readings today and one hour over its maximum (so the dashboard has bars, the fleet page rows
and the alerts page an alert carrying that name). Screenshots of the fleet and the admin
devices page, at both sizes in light and dark, land in ``var/test-results/<run>/screenshots/``
as ``fleet-desktop-light.png`` and so on.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from harness import Stack
from harness.api import create_client, login, poll, publish
from harness.browser import TZ, browser

LONG_NAME = ("Basement heat pump, north wing, building C — " * 4)[:120]
MAX_KWH = 0.5
PHONES = {"phone": {"width": 390, "height": 844}, "small": {"width": 360, "height": 740}}
DESKTOP = {"desktop": {"width": 1280, "height": 800}}
ADMIN_PAGES = [
    "/admin/users",
    "/admin/devices",
    "/admin/tariffs",
    "/admin/fleet",
    "/energy?device={device}",
    "/alerts",
    "/no/such/page",
]
CLIENT_PAGES = ["/devices", "/energy?device={device}", "/alerts", "/no/such/page"]
SIGNED_OUT_PAGES = ["/login", "/register"]
SCREENSHOTS = [
    f"{page}-{size}-{theme}.png"
    for page in ("fleet", "admin-devices")
    for size in ("desktop", "phone")
    for theme in ("light", "dark")
]


def readings_over_the_last_hours(device_id: str, hours: int = 3) -> list[dict[str, Any]]:
    """A reading every 10 minutes over the last complete ``hours``: 1.2 kWh an hour, over max."""
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours)
    return [
        {
            "timestamp": int((start + timedelta(minutes=10 * slot)).timestamp() * 1000),
            "device_id": device_id,
            "measurement_value": 0.2,
        }
        for slot in range(6 * hours)
    ]


def make_world(stack: Stack) -> dict[str, Any]:
    """A client with the long-named device, its readings stored and its alert raised."""
    admin = login(stack, *stack.admin_credentials)
    client, password = create_client(stack, admin)
    body = {
        "name": LONG_NAME,
        "description": "Long names must not stretch any page",
        "address": f"{uuid.uuid4().hex[:6]} Very Long Street Name Avenue, Apartment 1234",
        "max_hourly_consumption_kwh": MAX_KWH,
    }
    response = admin.post(stack.url("/api/devices/"), json=body, timeout=10)
    assert response.status_code == 201, response.text
    device_id = response.json()["id"]

    def assigned() -> bool:
        answer = admin.post(
            stack.url(f"/api/devices/{device_id}/assign/"),
            json={"user_id": client["id"]},
            timeout=10,
        )
        return answer.status_code == 200  # the new account reaches device_service by an event

    assert poll(assigned), stack.log_tail("device_sync")
    session = login(stack, client["username"], password)

    def monitoring_knows_owner() -> bool:
        answer = session.get(stack.url(f"/api/monitoring/devices/{device_id}/"), timeout=10)
        return answer.status_code == 200

    assert poll(monitoring_knows_owner), stack.log_tail("monitoring_sync")
    readings = readings_over_the_last_hours(device_id)
    publish(stack, readings)

    def alert_raised() -> bool:
        answer = session.get(stack.url("/api/monitoring/alerts/"), timeout=10)
        return answer.status_code == 200 and answer.json()["count"] > 0

    assert poll(alert_raised, seconds=30), stack.log_tail("monitoring_measurements")
    return {
        "device_id": device_id,
        # The browser's local day of the last reading: "today" may have turned past it (after
        # local midnight) by the time a page opens.
        "day": datetime.fromtimestamp(readings[-1]["timestamp"] / 1000, ZoneInfo(TZ))
        .date()
        .isoformat(),
        "admin": dict(stack.admin_credentials._asdict()),
        "client": {"username": client["username"], "password": password},
    }


@pytest.fixture(scope="module")
def world(stack: Stack) -> Iterator[dict[str, Any]]:
    yield make_world(stack)


def pages(paths: list[str], world: dict[str, Any]) -> list[str]:
    return [path.format(device=world["device_id"]) for path in paths]


def run(stack: Stack, scenario: str, account: dict[str, str] | None, **args: Any) -> dict[str, Any]:
    credentials = (
        {"username": account["username"], "password": account["password"]} if account else {}
    )
    return browser(scenario, baseUrl=stack.gateway_url, **credentials, **args)


def run_pages(
    stack: Stack, world: dict[str, Any], who: str, **args: Any
) -> tuple[list[str], dict[str, Any]]:
    """The layout-pages scenario over the pages ``who`` (admin or client) opens: (paths, report)."""
    paths = pages(ADMIN_PAGES if who == "admin" else CLIENT_PAGES, world)
    return paths, run(stack, "layout-pages", world[who], paths=paths, **args)


def overflowing(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [seen for seen in report["pages"] if seen["scrollWidth"] > seen["innerWidth"]]


def serious(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"page": seen["path"], "theme": seen["theme"], **violation}
        for seen in report["pages"]
        for violation in seen.get("axe", [])
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("who", ["admin", "client"])
def test_no_page_is_wider_than_a_phone_or_the_desktop(
    stack: Stack, world: dict[str, Any], who: str
) -> None:
    paths, report = run_pages(stack, world, who, viewports={**DESKTOP, **PHONES}, themes=["light"])
    assert len(report["pages"]) == len(paths) * 3
    assert overflowing(report) == [], json.dumps(overflowing(report), indent=2)
    # The dashboard's heading shows the long name cut, with all of it in the tooltip.
    energy = pages(["/energy?device={device}"], world)[0]
    assert all(seen["longNameTitled"] for seen in report["pages"] if seen["path"] == energy)


def test_signed_out_pages_fit_a_phone(stack: Stack) -> None:
    report = run(
        stack, "layout-pages", None, paths=SIGNED_OUT_PAGES, viewports=PHONES, themes=["light"]
    )
    assert overflowing(report) == [], json.dumps(overflowing(report), indent=2)


@pytest.mark.parametrize("who", ["admin", "client"])
def test_axe_finds_nothing_serious_on_any_page_in_either_theme(
    stack: Stack, world: dict[str, Any], who: str
) -> None:
    _, report = run_pages(stack, world, who, viewports=DESKTOP, themes=["light", "dark"], axe=True)
    assert all("axe" in seen for seen in report["pages"])
    assert serious(report) == [], json.dumps(serious(report), indent=2)


def test_axe_finds_nothing_serious_on_the_sign_in_pages(stack: Stack) -> None:
    report = run(
        stack,
        "layout-pages",
        None,
        paths=SIGNED_OUT_PAGES,
        viewports=DESKTOP,
        themes=["light", "dark"],
        axe=True,
    )
    assert serious(report) == [], json.dumps(serious(report), indent=2)


def test_each_page_has_its_own_title(stack: Stack, world: dict[str, Any]) -> None:
    report = run(
        stack,
        "layout-pages",
        world["admin"],
        paths=pages(ADMIN_PAGES, world),
        viewports=DESKTOP,
        themes=["light"],
    )
    titles = [seen["title"] for seen in report["pages"]]
    assert titles == [
        "Users · EMS",
        "Devices · EMS",
        "Tariffs · EMS",
        "Fleet · EMS",
        "Energy · EMS",
        "Alerts · EMS",
        "Page not found · EMS",
    ]
    assert report["pages"][-1]["homeLink"] == "/"


@pytest.mark.parametrize("viewport", ["phone", "small"])
def test_a_dialog_fits_a_phone_and_keeps_the_keyboard_inside(
    stack: Stack, world: dict[str, Any], viewport: str
) -> None:
    report = run(stack, "layout-dialog", world["admin"], viewport=PHONES[viewport])
    dialog = report["dialog"]
    width, height = PHONES[viewport]["width"], PHONES[viewport]["height"]
    assert dialog["left"] >= 0 and dialog["right"] <= width, dialog
    assert dialog["top"] >= 0 and dialog["bottom"] <= height, dialog
    for button in report["buttons"]:
        assert button["left"] >= 0 and button["right"] <= width, button
        assert button["top"] >= 0 and button["bottom"] <= height, button
    assert {button["name"] for button in report["buttons"]} >= {"Cancel", "Create device"}
    # Tab went round the dialog's controls, never to the page behind it: between the last
    # control and the first, the browser's own toolbar has the focus (the document's body).
    focused = report["focused"]
    assert all(where in ("dialog", "browser") for where in focused), focused
    assert focused.count("dialog") >= 6 and report["cycled"], focused
    assert report["pageFieldsTyped"] == [], "typing reached the page behind the dialog"
    assert report["focusBackOn"] == "New device"
    assert report["scrollWidth"] <= width


def test_dark_mode_renders_the_dashboard_and_follows_the_switch(
    stack: Stack, world: dict[str, Any]
) -> None:
    report = run(
        stack,
        "layout-dark",
        world["client"],
        path=pages(["/energy?device={device}"], world)[0] + f"&date={world['day']}",
    )
    # The system's dark scheme, with no choice made: the dark page, the bars (every hour of the
    # world is over the maximum) in the dark theme's red.
    system = report["system"]
    assert system["theme"] is None and system["switch"] == "system"
    assert system["background"] == "rgb(15, 22, 28)"
    assert system["bar"] == "rgb(248, 113, 113)"
    assert system["bars"] > 0
    # "Light" from the switch wins over the system, and stays after a reload.
    assert report["light"]["background"] == "rgb(245, 247, 248)"
    assert report["light"]["bar"] == "rgb(220, 38, 38)"
    assert report["reloaded"]["theme"] == "light" and report["reloaded"]["switch"] == "light"
    # "Dark" from the switch under a light system.
    assert report["dark"]["background"] == "rgb(15, 22, 28)"
    assert report["dark"]["bar"] == "rgb(248, 113, 113)"


def test_screenshots_of_the_fleet_and_admin_devices_pages(
    stack: Stack, world: dict[str, Any]
) -> None:
    report = run(stack, "layout-screenshots", world["admin"])
    names = sorted(Path(path).name for path in report["screenshots"])
    assert names == sorted(SCREENSHOTS)
    for path in report["screenshots"]:
        assert Path(path).stat().st_size > 10_000, path
