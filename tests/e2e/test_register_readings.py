"""Cumulative register readings, shuffled and duplicated, through two measurement consumers at
once, give the consumption in timestamp order; a gap's hours say estimated; the admin sees the
reset (DESIGN §7, "Readings, second form")."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests
from harness import Stack
from harness.api import broker, connect_as, poll
from test_readings_flow import DAY as SIMULATED_DAY
from test_readings_flow import (
    daily,
    hourly_sums,
    owned_device_known_to_monitoring,
    simulate,
    wait_for_chart,
)

from ems_common.messaging.identities import METER
from ems_common.messaging.topology import DEVICE_DATA_QUEUE, READINGS_EXCHANGE

DAY = datetime(2025, 6, 1, tzinfo=UTC)
STEP = timedelta(minutes=10)
CONSUMERS = ("monitoring_measurements_a", "monitoring_measurements_b")


def register_series() -> list[tuple[datetime, int]]:
    """(instant, register in micro-kWh): every 10 minutes 00:00-06:00 and 09:00-12:00 (a 3-hour
    gap of 1.2 kWh), down to 2 kWh at 10:00 (a reset)."""
    rng = random.Random(8)
    series, total = [], 10_000_000
    ts = DAY
    while ts <= DAY.replace(hour=12):
        if DAY.replace(hour=6) < ts < DAY.replace(hour=9):
            ts += STEP
            continue
        if ts == DAY.replace(hour=9):
            total += 1_200_000
        elif ts == DAY.replace(hour=10):
            total = 2_000_000
        elif ts != DAY:
            total += rng.randrange(0, 300_000)
        series.append((ts, total))
        ts += STEP
    return series


def expected_hours(series: list[tuple[datetime, int]]) -> dict[int, int]:
    """micro-kWh per UTC hour: each difference at its later reading, none for the reset, the
    gap's evenly over its three hours."""
    hours: dict[int, int] = {}
    for (a_ts, a), (b_ts, b) in zip(series, series[1:], strict=False):
        if b_ts - a_ts == timedelta(hours=3):
            for h in range(3):
                hours[a_ts.hour + h] = hours.get(a_ts.hour + h, 0) + (b - a) // 3
        else:
            hours[b_ts.hour] = hours.get(b_ts.hour, 0) + max(b - a, 0)
    return hours


@contextmanager
def two_consumers(stack: Stack) -> Iterator[None]:
    """The stack's measurements consumer replaced by two, each taking batches of at most 5."""
    supervisor = stack.processes
    assert supervisor is not None
    command = supervisor.commands["monitoring_measurements"]
    stack.stop_process("monitoring_measurements")  # started again after the test
    for name in CONSUMERS:
        supervisor.commands[name] = f"EMS_MEASUREMENTS_BATCH_SIZE=5 {command}"
        supervisor.start(name)
    try:
        assert poll(lambda: consumer_count(stack) == 2, 30), stack.log_tail(CONSUMERS[0])
        yield
    finally:
        for name in CONSUMERS:
            supervisor.stop(name)
            del supervisor.commands[name]


def consumer_count(stack: Stack) -> int:
    connection = broker(stack)
    try:
        declared = connection.channel().queue_declare(DEVICE_DATA_QUEUE, passive=True)
        return int(declared.method.consumer_count)
    finally:
        connection.close()


def publish_as_meter(stack: Stack, bodies: list[bytes]) -> None:
    connection = connect_as(stack, METER)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        for body in bodies:
            channel.basic_publish(READINGS_EXCHANGE, DEVICE_DATA_QUEUE, body, mandatory=True)
    finally:
        connection.close()


def test_shuffled_duplicated_registers_through_two_consumers_give_exact_hours(
    stack: Stack, admin: requests.Session
) -> None:
    device_id, client = owned_device_known_to_monitoring(stack, admin)
    series = register_series()
    bodies = [
        json.dumps(
            {
                "timestamp": ts.isoformat(),
                "device_id": device_id,
                "energy_total_kwh": total / 1_000_000,  # a JSON number, 6 decimals
            }
        ).encode()
        for ts, total in series
    ]
    rng = random.Random(4)
    bodies += rng.sample(bodies, 15)  # redelivered duplicates
    rng.shuffle(bodies)
    expected = {h: v / 1e6 for h, v in expected_hours(series).items()}
    last: dict[str, Any] = {}

    def day_view() -> dict[str, Any]:
        response = client.get(
            stack.url("/api/monitoring/consumption/"),
            params={"device_id": device_id, "period": "day", "date": "2025-06-01", "tz": "UTC"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def exact() -> bool:
        last.update(day_view())
        kwh = [b["kwh"] for b in last["buckets"]]
        readings = sum(b["readings"] for b in last["buckets"])
        return readings == len(series) and all(
            abs(kwh[h] - expected.get(h, 0.0)) < 1e-9 for h in range(24)
        )

    with two_consumers(stack):
        publish_as_meter(stack, bodies)
        assert poll(exact, 30), f"expected {expected}, the day shows {last}"

    estimated = [h for h, b in enumerate(last["buckets"]) if b["estimated"]]
    assert estimated == [6, 7, 8]
    resets = admin.get(stack.url(f"/api/monitoring/devices/{device_id}/resets/"), timeout=10)
    assert resets.status_code == 200, resets.text
    [reset] = resets.json()["resets"]
    assert (reset["timestamp"], reset["after_kwh"]) == ("2025-06-01T10:00:00+00:00", 2.0)
    assert (
        client.get(
            stack.url(f"/api/monitoring/devices/{device_id}/resets/"), timeout=10
        ).status_code
        == 403
    )


def test_the_simulators_register_with_a_reset_gives_the_hours_of_the_same_readings(
    stack: Stack, admin: requests.Session, tmp_path: Path
) -> None:
    """A day from the simulator as interval kWh on one device, and the same kWh (its CSV
    replay) as a register with a reset on another: every hour the same, except the reset's,
    which lacks exactly the interval the replaced meter took with it; none negative."""
    plain_id, plain_client = owned_device_known_to_monitoring(stack, admin)
    register_id, register_client = owned_device_known_to_monitoring(stack, admin)
    start = ["--start", f"{SIMULATED_DAY}T00:00:00Z"]
    plain = simulate(stack, plain_id, "--count", "144", *start)
    assert len(plain) == 144
    csv = tmp_path / "day.csv"
    csv.write_text("".join(f"{reading['measurement_value']}\n" for reading in plain))
    register = ["--register", "--register-start", "1234.5678", "--register-reset-after", "100"]
    registers = simulate(stack, register_id, "--csv", str(csv), *start, *register)

    # The start value one interval before, then the running total: exact at 6 places.
    assert len(registers) == 145
    assert list(registers[0]) == ["timestamp", "device_id", "energy_total_kwh"]
    totals = [Decimal(str(reading["energy_total_kwh"])) for reading in registers]
    kwh = [Decimal(str(reading["measurement_value"])) for reading in plain]
    assert totals[0] == Decimal("1234.5678") and totals[101] == 0
    steps = [b - a for a, b in zip(totals, totals[1:], strict=False)]
    assert steps[:100] == kwh[:100] and steps[101:] == kwh[101:]
    lost = kwh[100]  # the 101st interval's, on the replaced meter: 16:40
    reset_at = datetime.fromtimestamp(plain[100]["timestamp"] / 1000, UTC)
    assert reset_at.isoformat() == f"{SIMULATED_DAY}T16:40:00+00:00"

    known = hourly_sums(plain)
    wait_for_chart(stack, plain_client, plain_id, known)
    expected = {**known, 16: known[16] - float(lost)}
    wait_for_chart(stack, register_client, register_id, expected)
    plain_hours = {h["hour"]: h["kwh"] for h in daily(plain_client, stack, plain_id)["hours"]}
    body = daily(register_client, stack, register_id)
    register_hours = {h["hour"]: h["kwh"] for h in body["hours"]}
    assert all(value >= 0 for value in register_hours.values())
    for hour in range(24):
        difference = plain_hours[hour] - register_hours[hour]
        assert abs(difference - (float(lost) if hour == 16 else 0.0)) < 1e-9, hour

    resets = admin.get(stack.url(f"/api/monitoring/devices/{register_id}/resets/"), timeout=10)
    assert resets.status_code == 200, resets.text
    [reset] = resets.json()["resets"]
    assert reset["timestamp"] == reset_at.isoformat()
    assert (reset["before_kwh"], reset["after_kwh"]) == (float(totals[100]), 0.0)
