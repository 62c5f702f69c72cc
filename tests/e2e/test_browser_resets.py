"""A meter reset on the energy page, in a real browser: register readings with two resets are
sent for a client's device; the admin sees the one of the shown local day listed with its
values and a line through its hour's bar, the client owner sees neither (resets are an admin's:
docs/ARCHITECTURE.md "Register readings decisions").

Runs ``frontend/e2e/scenarios/resets.mjs``. The browser is in Europe/Bucharest (UTC+3 in June):
the second reset falls on the shown UTC day but on the next local one, so it must not show.
Screenshots: ``var/test-results/<run>/screenshots/resets-admin-{desktop,phone}-{light,dark}.png``
(the client's: ``resets-client-…``) and ``resets-admin-tooltip.png``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from harness import Stack
from harness.api import login, poll, publish
from harness.browser import TZ, browser
from test_readings_flow import owned_device_and_owner

DAY = "2025-06-10"  # the local day shown
STEP = timedelta(minutes=10)
START = datetime(2025, 6, 9, 22, tzinfo=ZoneInfo(TZ))  # local, the evening before
END = datetime(2025, 6, 11, 2, tzinfo=ZoneInfo(TZ))  # local, the night after
# (instant, the register after it): 14:00 local on the day, and 01:00 local the day after
# (22:00 UTC: still the shown day in UTC).
RESETS = {
    datetime(2025, 6, 10, 11, tzinfo=UTC): 3_000_000,
    datetime(2025, 6, 10, 22, tzinfo=UTC): 500_000,
}


def register_series() -> list[tuple[datetime, int]]:
    """(instant, register in micro-kWh) every 10 minutes, 0.05 kWh each, and the RESETS."""
    series: list[tuple[datetime, int]] = []
    total, ts = 1_234_500_000, START.astimezone(UTC)
    while ts <= END:
        total = RESETS.get(ts, total + 50_000) if series else total
        series.append((ts, total))
        ts += STEP
    return series


@pytest.fixture(scope="module")
def world(stack: Stack) -> dict[str, Any]:
    admin = login(stack, *stack.admin_credentials)
    # A maximum a little over the 0.3 kWh an hour: the bars fill the chart, none is over it.
    device_id, client, password = owned_device_and_owner(stack, admin, max_kwh=0.5)
    series = register_series()
    publish(
        stack,
        [
            {"timestamp": ts.isoformat(), "device_id": device_id, "energy_total_kwh": total / 1e6}
            for ts, total in series
        ],
    )
    resets_url = stack.url(f"/api/monitoring/devices/{device_id}/resets/")

    def all_stored() -> bool:
        response = admin.get(resets_url, timeout=10)
        return response.status_code == 200 and len(response.json()["resets"]) == len(RESETS)

    assert poll(all_stored, seconds=30), stack.log_tail("monitoring_measurements")
    before = {b_ts: a for (_, a), (b_ts, _) in zip(series, series[1:], strict=False)}
    return {
        "device_id": device_id,
        "path": f"/energy?device={device_id}&period=day&date={DAY}",
        "client": {"username": client["username"], "password": password},
        "admin": dict(stack.admin_credentials._asdict()),
        "shown": {
            "timestamp": "2025-06-10T11:00:00+00:00",
            "before": before[datetime(2025, 6, 10, 11, tzinfo=UTC)] / 1e6,
            "after": 3.0,
        },
    }


def dashboard(stack: Stack, world: dict[str, Any], who: str, **args: Any) -> dict[str, Any]:
    return browser(
        "energy-resets",
        baseUrl=stack.gateway_url,
        path=world["path"],
        name=f"resets-{who}",
        **world[who],
        **args,
    )


@pytest.fixture(scope="module")
def admin_report(stack: Stack, world: dict[str, Any]) -> dict[str, Any]:
    return dashboard(stack, world, "admin", expectResets=True, hoverHours=[13, 14])


def test_the_admin_sees_the_days_reset_listed_and_on_its_bar(
    world: dict[str, Any], admin_report: dict[str, Any]
) -> None:
    report = admin_report
    shown = world["shown"]

    for theme in ("light", "dark"):
        seen = report["seen"][theme]
        [item] = seen["items"]  # not the one at 01:00 local the next day
        assert (item["timestamp"], item["before"], item["after"]) == (
            shown["timestamp"],
            shown["before"],
            shown["after"],
        )
        assert "14:00" in item["time"]  # the browser's zone (UTC+3), not 11:00 UTC
        assert f"register {shown['before']:,.2f} kWh" in item["text"]
        assert "3.00 kWh" in item["text"]
        assert seen["heading"].startswith("Meter resets")
        assert "new baseline" in seen["why"]
        assert "meter reset" in seen["note"]
        # One line, at the 14:00 bar (the day's 15th: the nearest to it), in the theme's colour.
        [line] = seen["lines"]
        assert len(seen["bars"]) == 24
        centres = [(bar["left"] + bar["right"]) / 2 for bar in seen["bars"]]
        nearest = min(range(24), key=lambda hour: abs(centres[hour] - line["x"]))
        assert nearest == 14, (line, seen["bars"])
    assert report["seen"]["light"]["lines"][0]["stroke"] == "rgb(124, 58, 237)"
    assert report["seen"]["dark"]["lines"][0]["stroke"] == "rgb(196, 181, 253)"
    assert report["asked"], "the admin's page asked for no resets"
    # The reset's bar says so in its tooltip, the hour before does not.
    assert "a meter reset" in report["tooltips"]["14"], report["tooltips"]
    assert "meter reset" not in report["tooltips"]["13"], report["tooltips"]


def test_the_page_with_resets_fits_every_screen_and_axe_finds_nothing_serious(
    admin_report: dict[str, Any],
) -> None:
    layout = admin_report["layout"]
    wide = {size: seen for size, seen in layout.items() if "axe" not in size and seen["by"] > 0}
    assert wide == {}, json.dumps(wide, indent=2)
    bad = {
        theme: [v for v in layout[f"axe-{theme}"] if v["impact"] in ("serious", "critical")]
        for theme in ("light", "dark")
    }
    assert bad == {"light": [], "dark": []}, json.dumps(bad, indent=2)
    assert len(admin_report["screenshots"]) == 5  # and the chart with the reset's tooltip


def test_the_client_owner_sees_no_reset_and_never_asks(stack: Stack, world: dict[str, Any]) -> None:
    report = dashboard(stack, world, "client", hoverHours=[14])
    # Nor may it ask: the resets API refuses a client, its own device or not.
    client = login(stack, world["client"]["username"], world["client"]["password"])
    response = client.get(
        stack.url(f"/api/monitoring/devices/{world['device_id']}/resets/"), timeout=10
    )
    assert response.status_code == 403

    for theme in ("light", "dark"):
        seen = report["seen"][theme]
        assert seen["items"] == [] and seen["lines"] == [] and seen["heading"] is None
        assert len(seen["bars"]) == 24  # the same day, drawn
    assert report["asked"] == []
    assert "meter reset" not in report["tooltips"]["14"], report["tooltips"]
