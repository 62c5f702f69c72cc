"""The frontend as a user meets it, in a real browser: Debian's Chromium + playwright-core.

Each test runs one scenario of ``frontend/e2e/browser.mjs`` (a fresh browser, signed in through
the login form) against the private stack's gateway, which serves ``frontend/dist``, and checks
what the page showed against the API. The admin's setup is itself done in the browser: a client
and a device are created on the admin pages and the device assigned to the client by name.
Screenshots land in ``var/test-results/<run>/screenshots/``; the time from opening /energy to
the bars being drawn is printed (median of a few page loads), not asserted. Every scenario runs
under the gateway's Content-Security-Policy and fails on anything it blocks.
"""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import statistics
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from harness import Stack
from harness.api import login, poll, publish
from harness.browser import SCENARIOS, TZ, browser, results_dir
from harness.headers import csp_directives
from harness.stack import ROOT

DIST_INDEX = ROOT / "frontend" / "dist" / "index.html"
CHROMIUM = Path("/usr/bin/chromium")
DAY = "2025-06-01"  # 24 local hours
DST_DAY = "2025-03-30"  # clocks go forward in Bucharest: 23 local hours
EMPTY_DAY = "2025-06-02"
MAX_KWH = 2.0
OVER_MAX_HOUR = 19  # its readings add up past MAX_KWH
TIMING_RUNS = 5
# Days of DAY's week with readings too, each a little less than DAY (the comparisons differ).
WEEK_DAYS = {"2025-05-28": 0.7, "2025-05-29": 0.8, "2025-05-30": 0.9, "2025-05-31": 0.85}
GAP_DAY = "2025-05-29"
GAP_HOURS = (3, 4)  # local hours of GAP_DAY without a reading
HALF_HOUR = 5  # local hour of GAP_DAY with 3 of its 6 readings
EXPECTED_COUNTS = {"day": 24, "week": 7, "month": 30, "year": 12}  # DAY is in June 2025


def kwh_number(value: float) -> str:
    """The dashboard's kWh figure (en-US): two decimals, two significant digits below 1."""
    if value == 0:
        return "0"
    if abs(value) < 1:
        return f"{value:.2g}"
    return f"{value:,.2f}"


def kwh_text(value: float) -> str:
    return f"{kwh_number(value)} kWh"


def change_text(current: float, before: float) -> str:
    """The change the cards show: signed kWh and (JavaScript-rounded) percent."""
    delta = current - before
    if delta == 0:
        return "±0 kWh (0%)"
    sign = "+" if delta > 0 else "−"
    amount = f"{sign}{kwh_number(abs(delta))} kWh"
    if before <= 0:
        return amount
    percent = math.floor(delta / before * 100 + 0.5)
    return f"{amount} ({sign}<1%)" if percent == 0 else f"{amount} ({sign}{abs(percent)}%)"


def drawn(bucket: dict[str, Any]) -> float | None:
    """A bucket's kWh as the chart and table give it: None (a gap) when no reading came."""
    return None if bucket["readings"] == 0 else bucket["kwh"]


def as_client(
    stack: Stack, world: dict[str, Any], scenario: str, **arguments: Any
) -> dict[str, Any]:
    """A scenario signed in as the world's client, on its device (``deviceId=None``: none)."""
    arguments.setdefault("deviceId", world["device_id"])
    if arguments["deviceId"] is None:
        del arguments["deviceId"]
    client = world["client"]
    return browser(
        scenario,
        baseUrl=stack.gateway_url,
        username=client["username"],
        password=client["password"],
        **arguments,
    )


def local_hours(day: str) -> list[datetime]:
    """The UTC start of each hour of ``day`` in TZ (23, 24 or 25 of them)."""
    zone = ZoneInfo(TZ)
    first = datetime.fromisoformat(day).replace(tzinfo=zone).astimezone(UTC)
    last = (datetime.fromisoformat(day) + timedelta(days=1)).replace(tzinfo=zone).astimezone(UTC)
    return [first + timedelta(hours=h) for h in range(int((last - first).total_seconds()) // 3600)]


def day_readings(
    device_id: str,
    day: str,
    scale: float = 1.0,
    skip: tuple[int, ...] = (),
    half: int | None = None,
) -> list[dict[str, Any]]:
    """Six readings an hour over the local day, with one hour above the device's maximum.

    ``scale`` multiplies every value; local hours in ``skip`` get no reading, ``half`` three.
    """
    readings = []
    for index, hour in enumerate(local_hours(day)):
        local_hour = hour.astimezone(ZoneInfo(TZ)).hour
        if local_hour in skip:
            continue
        for slot in range(3 if local_hour == half else 6):
            moment = hour + timedelta(minutes=10 * slot)
            value = round(
                scale
                * (
                    0.5
                    if local_hour == OVER_MAX_HOUR
                    else round(0.02 + ((index * 6 + slot) % 13) * 0.011, 3)
                ),
                4,
            )
            readings.append(
                {
                    "timestamp": int(moment.timestamp() * 1000),
                    "device_id": device_id,
                    "measurement_value": value,
                }
            )
    return readings


def consumption(
    stack: Stack, session: requests.Session, device_id: str, period: str, day: str
) -> dict[str, Any]:
    response = session.get(
        stack.url("/api/monitoring/consumption/"),
        params={"device_id": device_id, "period": period, "date": day, "tz": TZ},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def daily(stack: Stack, session: requests.Session, device_id: str, day: str) -> dict[str, Any]:
    response = session.get(
        stack.url("/api/monitoring/hourly/daily/"),
        params={"device_id": device_id, "date": day, "tz": TZ},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def world(stack: Stack) -> Iterator[dict[str, Any]]:
    """A client and an assigned device made in the browser, with two days of readings."""
    assert DIST_INDEX.is_file(), (
        "no frontend build: run `.venv/bin/python scripts/frontend_build.py build`"
    )
    assert CHROMIUM.is_file(), f"{CHROMIUM} is missing (make test installs Debian's chromium)"
    tag = uuid.uuid4().hex[:8]
    client = {
        "username": f"web_{tag}",
        "password": f"meter-{uuid.uuid4().hex[:12]}",
        "full_name": "Browser Client",
        "email": f"web_{tag}@example.com",
    }
    device = {
        "name": f"Meter {tag}",
        "description": "Kitchen",
        "address": "1 Main St",
        "max": MAX_KWH,
    }
    admin_username, admin_password = stack.admin_credentials
    assigned = browser(
        "admin-assigns",
        baseUrl=stack.gateway_url,
        admin={"username": admin_username, "password": admin_password},
        client=client,
        device=device,
    )
    admin = login(stack, admin_username, admin_password)
    # Searched by its name: other tests' fleets may fill the first pages.
    found = admin.get(
        stack.url("/api/devices/"), params={"search": str(device["name"])}, timeout=10
    )
    device_id = next(d["id"] for d in found.json()["results"] if d["name"] == device["name"])
    session = login(stack, client["username"], client["password"])

    def monitoring_knows_owner() -> bool:
        response = session.get(stack.url(f"/api/monitoring/devices/{device_id}/"), timeout=10)
        return response.status_code == 200

    assert poll(monitoring_knows_owner), stack.log_tail("monitoring_sync")
    expected = {}
    batches = {day: day_readings(device_id, day) for day in (DAY, DST_DAY)}
    for day, scale in WEEK_DAYS.items():
        gap = day == GAP_DAY
        batches[day] = day_readings(
            device_id, day, scale, skip=GAP_HOURS if gap else (), half=HALF_HOUR if gap else None
        )
    for day, readings in batches.items():
        publish(stack, readings)
        expected[day] = sum(r["measurement_value"] for r in readings)
    for day, total in expected.items():

        def stored(day: str = day, total: float = total) -> bool:
            return abs(daily(stack, session, device_id, day)["total_kwh"] - total) < 1e-6

        assert poll(stored), stack.log_tail("monitoring_measurements")
    yield {
        "assigned": assigned,
        "client": client,
        "device_id": device_id,
        "device_name": device["name"],
        "session": session,
    }


def test_admin_creates_a_client_and_a_device_and_assigns_it_in_the_browser(
    stack: Stack, world: dict[str, Any]
) -> None:
    report = world["assigned"]
    assert report["landing"] == "/admin/fleet"
    assert world["client"]["username"] in report["owner"]
    response = world["session"].get(stack.url(f"/api/devices/{world['device_id']}/"), timeout=10)
    assert response.status_code == 200, response.text


def test_client_sees_the_days_bars_values_and_total_as_the_api_gives_them(
    stack: Stack, world: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    report = as_client(
        stack, world, "client-dashboard", date=DAY, reload=True, timingRuns=TIMING_RUNS
    )
    api = consumption(stack, world["session"], world["device_id"], "day", DAY)
    kwh = [bucket["kwh"] for bucket in api["buckets"]]
    peak_hour = max(range(len(kwh)), key=lambda h: kwh[h])

    assert report["landing"] == "/energy"
    assert (report["deviceSelected"], report["dateShown"]) == (world["device_id"], DAY)
    assert report["bars"] == len(kwh) == 24
    assert [row["kwh"] for row in report["table"]] == kwh
    assert report["total"] == kwh_text(api["total_kwh"])
    assert report["peak"] == (
        f"{peak_hour:02d}:00–{peak_hour + 1:02d}:00 · {kwh_text(kwh[peak_hour])}"
    )
    assert report["average"] == kwh_text(api["total_kwh"] / 24)
    assert peak_hour == OVER_MAX_HOUR
    # Each bar's height is its kWh on the same scale (within a pixel and a half).
    scale = max(report["barHeights"]) / max(kwh)
    assert all(abs(h - k * scale) <= 1.5 for h, k in zip(report["barHeights"], kwh, strict=True))
    assert f"{OVER_MAX_HOUR}:00–{OVER_MAX_HOUR + 1}:00" in report["tooltip"]
    assert kwh_text(kwh[peak_hour]) in report["tooltip"]
    assert not report["lineChart"]  # the previous day's bars replace the line repeating them
    assert report["afterReload"]["bars"] == 24  # the URL keeps device and day over a reload
    assert f"device={world['device_id']}" in report["afterReload"]["url"]

    timings = report["timings"]
    assert len(timings) == TIMING_RUNS
    with capsys.disabled():
        print(
            f"\n/energy -> bars drawn: median {statistics.median(timings):.0f} ms "
            f"over {len(timings)} page loads {timings}; screenshots in {results_dir()}"
        )
        for request in report["waterfall"]:
            print(f"  {request['start']:>5} -> {request['end']:>5} ms  {request['name']}")


def test_a_dst_day_in_the_browsers_time_zone_has_23_bars(
    stack: Stack, world: dict[str, Any]
) -> None:
    report = as_client(stack, world, "client-dashboard", date=DST_DAY)
    api = consumption(stack, world["session"], world["device_id"], "day", DST_DAY)
    assert report["bars"] == len(api["buckets"]) == 23
    assert [row["kwh"] for row in report["table"]] == [b["kwh"] for b in api["buckets"]]
    assert [row["label"] for row in report["table"]][2:4] == ["02:00–04:00", "04:00–05:00"]
    assert report["total"] == kwh_text(api["total_kwh"])


def test_a_day_without_readings_shows_the_no_data_message(
    stack: Stack, world: dict[str, Any]
) -> None:
    report = as_client(stack, world, "no-data", date=EMPTY_DAY, previousDayHasData=True)
    assert "No readings" in report["message"]
    assert report["bars"] == 0
    assert report["navigated"]["bars"] == 24
    assert f"date={DAY}" in report["navigated"]["url"]


def test_a_client_cannot_open_the_admin_pages(stack: Stack, world: dict[str, Any]) -> None:
    report = as_client(stack, world, "admin-refused", deviceId=None)
    assert report["signedOutUrl"] == "/login"
    assert report["afterSignIn"] == "/admin/users"
    assert "Not allowed" in report["notAllowed"]
    assert report["tables"] == 0
    assert report["adminCalls"] == []


ALERT_DAY = "2025-06-05"
ALERT_HOUR = 12  # local hour the crossing reading lands in


def test_an_alert_arriving_while_the_client_watches_shows_a_toast_and_the_hour_turns_red(
    stack: Stack, world: dict[str, Any]
) -> None:
    client, device_id = world["client"], world["device_id"]
    # A quiet day (0.3 kWh an hour) is on the screen; one late reading then takes noon past 2 kWh.
    quiet = [
        {**reading, "measurement_value": 0.05} for reading in day_readings(device_id, ALERT_DAY)
    ]
    publish(stack, quiet)
    assert poll(
        lambda: abs(daily(stack, world["session"], device_id, ALERT_DAY)["total_kwh"] - 7.2) < 1e-6
    ), stack.log_tail("monitoring_measurements")
    noon = datetime.fromisoformat(f"{ALERT_DAY}T{ALERT_HOUR:02d}:05:00").replace(
        tzinfo=ZoneInfo(TZ)
    )
    crossing = {
        "timestamp": int(noon.timestamp() * 1000),
        "device_id": device_id,
        "measurement_value": 2.5,
    }

    arguments = {
        "baseUrl": stack.gateway_url,
        "username": client["username"],
        "password": client["password"],
        "deviceId": device_id,
        "deviceName": world["device_name"],
        "date": ALERT_DAY,
        "screenshotDir": str(results_dir()),
        "tz": TZ,
    }
    node = shutil.which("node")
    assert node, "Node.js is needed for the browser tests (frontend/README.md)"
    process = subprocess.Popen(
        [node, str(SCENARIOS), "live-alert", json.dumps(arguments)],
        cwd=ROOT / "frontend",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        if json.loads(first or "{}").get("ready"):
            publish(stack, [crossing])
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    lines = [first, *stdout.splitlines()]
    report: dict[str, Any] = json.loads(lines[-1]) if lines[-1].strip() else {}
    assert report.get("ok"), f"live-alert failed: {lines}\n{stderr[-4000:]}"
    assert report["consoleErrors"] == [], report["consoleErrors"]
    assert report["cspViolations"] == [], report["cspViolations"]

    assert report["before"]["overMax"] == []
    assert world["device_name"] in report["toast"]
    assert "2.80 kWh" in report["toast"], report["toast"]
    assert report["overMax"] == [f"{ALERT_HOUR:02d}:00–{ALERT_HOUR + 1:02d}:00"]
    assert report["redBars"] == 1
    assert report["referenceLines"] == 1
    assert report["badge"] == report["before"]["badge"] + 1
    assert report["listed"] >= 1
    assert report["unreadAfter"] == 0


def test_the_pages_work_under_the_content_security_policy(
    stack: Stack, world: dict[str, Any]
) -> None:
    # browser() fails on any CSP violation or console error; here: the policy was the strict one,
    # the chart, its tooltip and the alerts WebSocket (connect-src 'self') worked under it, and
    # Swagger UI drew every service's operations under its own policy.
    services = ["auth", "users", "devices", "monitoring"]
    report = as_client(stack, world, "pages-under-csp", date=DAY, services=services)
    for page, policy in report["policies"].items():
        directives = csp_directives(policy or "")
        assert directives.get("script-src") == ["'self'"], (page, policy)
        assert directives.get("style-src") == ["'self'"], (page, policy)
        assert directives.get("connect-src") == ["'self'"], (page, policy)
    assert report["bars"] == 24
    assert report["hello"], "the alerts WebSocket did not open under connect-src 'self'"
    for service in services:
        docs = report["docs"][service]
        assert docs["operations"] > 0, service
        assert csp_directives(docs["policy"] or "").get("script-src") == ["'self'"], service
    assert len(report["screenshots"]) == 5


def test_the_period_switch_keeps_the_period_in_the_url_and_draws_a_bar_per_bucket(
    stack: Stack, world: dict[str, Any]
) -> None:
    today = datetime.now(ZoneInfo(TZ)).date().isoformat()
    report = as_client(stack, world, "period-switch", date=DAY, today=today)
    for period, count in EXPECTED_COUNTS.items():
        seen = report["periods"][period]
        api = consumption(stack, world["session"], world["device_id"], period, DAY)
        assert len(api["buckets"]) == count, period
        if period != "day":
            assert f"period={period}" in seen["url"], seen["url"]
        assert f"date={DAY}" in seen["url"]
        assert len(seen["table"]) == count, period
        assert [row["kwh"] for row in seen["table"]] == [drawn(b) for b in api["buckets"]], period
        assert seen["bars"] == sum(1 for b in api["buckets"] if b["readings"] > 0), period
        assert seen["total"] == kwh_text(api["total_kwh"]), period
        before = consumption(
            stack, world["session"], world["device_id"], period, api["previous"]["start"][:10]
        )
        assert before["total_kwh"] == api["previous"]["total_kwh"], period
        if any(b["readings"] for b in before["buckets"]):
            assert seen["previousTotal"] == f"then {kwh_text(before['total_kwh'])}", period
        else:
            assert seen["previousTotal"] == "no readings then", period
            assert seen["changePrevious"] == "—", period
        assert seen["lastYearTotal"] == f"then {kwh_text(api['last_year']['total_kwh'])}", period
    # A week: the 7 days Monday 26 May to Sunday 1 June, 5 of them with readings; the week
    # before has none.
    assert report["periods"]["week"]["bars"] == 1 + len(WEEK_DAYS)
    assert report["periods"]["week"]["previousTotal"] == "no readings then"
    assert report["periods"]["year"]["bars"] == 3  # March (the DST day), May and June
    assert "2025" in report["periods"]["year"]["title"]
    assert "period=year" in report["previousYearUrl"]
    assert "date=2024-01-01" in report["previousYearUrl"]
    assert f"date={today}" in report["todayUrl"]
    assert report["nextDisabledOnToday"] and report["nextDayDisabled"]


def test_the_comparison_shows_the_previous_period_beside_this_one(
    stack: Stack, world: dict[str, Any]
) -> None:
    report = as_client(stack, world, "client-dashboard", date=DAY)
    api = consumption(stack, world["session"], world["device_id"], "day", DAY)
    before = consumption(stack, world["session"], world["device_id"], "day", "2025-05-31")
    assert api["previous"]["total_kwh"] == before["total_kwh"] > 0
    assert report["previousTotal"] == f"then {kwh_text(before['total_kwh'])}"
    assert report["changePrevious"] == change_text(api["total_kwh"], before["total_kwh"])
    assert report["changePrevious"].startswith("+")  # 31 May used 85% of 1 June's
    assert report["changeLastYear"] == change_text(api["total_kwh"], api["last_year"]["total_kwh"])
    assert report["previousBars"] == 24  # the day before, hour by hour, beside this day's


def test_missing_readings_are_drawn_as_gaps_with_how_many_came(
    stack: Stack, world: dict[str, Any]
) -> None:
    report = as_client(stack, world, "gaps", date=GAP_DAY)
    api = consumption(stack, world["session"], world["device_id"], "day", GAP_DAY)
    buckets = api["buckets"]
    for hour in GAP_HOURS:
        assert (buckets[hour]["readings"], buckets[hour]["expected_readings"]) == (0, 6)
    assert (buckets[HALF_HOUR]["readings"], buckets[HALF_HOUR]["expected_readings"]) == (3, 6)
    table = report["table"]
    assert [row["kwh"] for row in table] == [drawn(b) for b in buckets]
    for hour in GAP_HOURS:
        assert table[hour]["status"] == "missing"
        assert table[hour]["kwh"] is None  # no data, not 0 kWh
        assert table[hour]["readingsText"] == "no data (0 of 6 readings)"
    assert table[HALF_HOUR]["status"] == "partial"
    assert table[HALF_HOUR]["readingsText"] == "3 of 6 readings"
    assert report["bars"] == 24 - len(GAP_HOURS)
    assert report["gapAreas"] == len(GAP_HOURS)
    assert report["partialBars"] == 1
    assert len(report["missingTooltips"]) == len(GAP_HOURS)
    for hour, tooltip in zip(GAP_HOURS, report["missingTooltips"], strict=True):
        assert f"{hour:02d}:00–{hour + 1:02d}:00" in tooltip
        assert "no data" in tooltip and "0 of 6 readings" in tooltip
    assert "3 of 6 readings" in report["partialTooltips"][0]
    assert kwh_text(buckets[HALF_HOUR]["kwh"]) in report["partialTooltips"][0]
    assert report["gapNote"] == "3 hours have missing readings"


def test_a_typed_date_is_committed_on_enter_or_when_the_field_is_left(
    stack: Stack, world: dict[str, Any]
) -> None:
    report = as_client(
        stack,
        world,
        "type-date",
        date=EMPTY_DAY,
        typeThenEnter=list("06012025"),  # mm/dd/yyyy (the browser's en-US): DAY
        typeThenLeave=list("03302025"),  # DST_DAY
    )
    # Not one keystroke moved the page (the year passes through 0002, 0020, 0202 on the way).
    assert report["whileTyping"] == [EMPTY_DAY] * 8
    assert report["fieldBeforeEnter"] == DAY
    assert f"date={DAY}" in report["afterEnter"]["url"]
    assert report["afterEnter"]["field"] == DAY
    assert report["afterEnter"]["bars"] == 24
    assert report["whileTypingAgain"] == [DAY] * 8
    assert f"date={DST_DAY}" in report["afterLeave"]["url"]
    assert report["afterLeave"]["field"] == DST_DAY


def test_a_monitoring_service_that_does_not_answer_keeps_the_controls_and_offers_retry(
    stack: Stack, world: dict[str, Any]
) -> None:
    report = as_client(
        stack,
        world,
        "service-down",
        period="week",
        date=DAY,
        expectedConsoleErrors=["Failed to load resource"],
    )
    down = report["down"]
    assert "The monitoring service is not answering" in down["message"], down["message"]
    assert "Failed to fetch" not in down["message"]
    assert down["retryButtons"] >= 1
    assert down["periodPressed"] == "true"
    assert down["dateShown"] == DAY
    assert down["badge"] == "alerts unavailable"
    assert down["bars"] == 0
    assert report["expectedErrors"], "the blocked requests did fail"
    api = consumption(stack, world["session"], world["device_id"], "week", DAY)
    back = report["back"]
    assert back["messages"] == 0
    assert [row["kwh"] for row in back["table"]] == [drawn(b) for b in api["buckets"]]
    assert back["total"] == kwh_text(api["total_kwh"])


def test_a_code_chunk_that_cannot_load_shows_the_apps_error_page_with_reload(
    stack: Stack, world: dict[str, Any]
) -> None:
    report = as_client(
        stack,
        world,
        "chunk-error",
        date=DAY,
        expectedConsoleErrors=["Failed to load resource", "dynamically imported module"],
    )
    assert report["shown"]["heading"] == "A new version is available"
    assert not report["shown"]["developerPage"]
    assert report["shown"]["nav"] == 1  # the app's header and navigation stay
    assert report["afterReload"]["errorPages"] == 0
    assert report["afterReload"]["bars"] == 24


PRICE = "0.2512"  # EUR per kWh, the world device's flat tariff from 2025 on


def money_text(value: str) -> str:
    """The dashboard's EUR amount (en-US): the exact decimal rounded half-even to cents."""
    cents = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return f"€{cents:,.2f}"


def test_the_month_shows_its_cost_and_projection_and_exports_the_period_on_screen(
    stack: Stack, world: dict[str, Any], admin: requests.Session
) -> None:
    device_id = world["device_id"]
    tariff = {
        "name": f"Flat {uuid.uuid4().hex[:6]}",
        "currency": "EUR",
        "device_id": device_id,
        "valid_from": "2025-01-01",
        "tz": TZ,
        "rates": [
            {"days": list(range(7)), "start": "00:00", "end": "24:00", "price_per_kwh": PRICE}
        ],
    }
    created = admin.post(stack.url("/api/monitoring/tariffs/"), json=tariff, timeout=10)
    assert created.status_code == 201, created.text
    # This month runs, with readings up to now: a partial month with a last reading (projection).
    today = datetime.now(ZoneInfo(TZ)).date().isoformat()
    now_ms = datetime.now(UTC).timestamp() * 1000 - 60_000
    readings = [r for r in day_readings(device_id, today, 0.5) if r["timestamp"] < now_ms]
    if not readings:  # just past local midnight: one reading a minute ago
        readings = [{"timestamp": int(now_ms), "device_id": device_id, "measurement_value": 0.1}]
    publish(stack, readings)
    total = sum(r["measurement_value"] for r in readings)
    assert poll(
        lambda: abs(daily(stack, world["session"], device_id, today)["total_kwh"] - total) < 1e-6
    ), stack.log_tail("monitoring_measurements")

    report = as_client(stack, world, "cost-and-export", date=today)
    api = consumption(stack, world["session"], device_id, "month", today)
    assert api["currency"] == "EUR" and api["total_cost"] is not None
    assert report["cost"] == money_text(api["total_cost"])
    costs = ["—" if b["readings"] == 0 else money_text(b["cost"]) for b in api["buckets"]]
    assert report["tableCosts"] == costs
    projection = api["projection"]
    assert projection is not None
    assert report["projection"].startswith(
        f"At this pace, about {kwh_text(projection['total_kwh'])} and "
        f"{money_text(projection['total_cost'])} by the end of the month."
    ), report["projection"]
    assert "÷ the time from its start to the last reading" in report["projectionTitle"]

    # The CSV the browser downloaded: the month on screen, a row per day, the API's figures.
    assert report["filename"].endswith("-day.csv"), report["filename"]
    rows = list(csv.DictReader(io.StringIO(report["csv"], newline="")))
    assert len(rows) == len(api["buckets"])
    assert {row["device_id"] for row in rows} == {device_id}
    for row, bucket in zip(rows, api["buckets"], strict=True):
        assert row["start"][:10] == bucket["start"][:10]
        assert abs(float(Decimal(row["kwh"])) - bucket["kwh"]) < 1e-6, (row, bucket)
        assert int(row["readings"]) == bucket["readings"]
    priced = [Decimal(row["cost"]) for row in rows if row["cost"]]
    assert sum(priced, Decimal(0)) == Decimal(api["total_cost"])


def test_an_admin_creates_a_tariff_seeing_the_gap_error_at_the_rates(
    stack: Stack, world: dict[str, Any], admin: requests.Session
) -> None:
    admin_username, admin_password = stack.admin_credentials
    name = f"Later {uuid.uuid4().hex[:6]}"
    report = browser(
        "admin-tariff",
        baseUrl=stack.gateway_url,
        admin={"username": admin_username, "password": admin_password},
        deviceName=world["device_name"],
        deviceId=world["device_id"],
        tariff={"name": name, "validFrom": "2030-01-01", "price": "0.3"},
        expectedConsoleErrors=["status of 400"],  # the gap, refused on purpose
    )
    assert report["gapError"] == "Monday 12:00–24:00 has no rate", report["gapError"]
    assert world["device_name"] in report["listedText"] and "2030-01-01" in report["listedText"]
    listed = admin.get(
        stack.url("/api/monitoring/tariffs/"), params={"device_id": world["device_id"]}, timeout=10
    ).json()["results"]
    mine = next(t for t in listed if t["name"] == name)
    assert mine["rates"] == [
        {"days": list(range(7)), "start": "00:00", "end": "24:00", "price_per_kwh": "0.3"}
    ]
    assert mine["tz"] == TZ and mine["currency"] == "EUR"
    assert report["fleet"]["total"].endswith("kWh")
