"""--register: the second form, a running total in exact decimals, with its start and a reset."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import DEVICE, broker_flags, drain, run_cli
from options import ConfigError, settings_from
from readings import Reading, exact_kwh, plan
from test_readings import OTHER, TEN_MINUTES_MS, ms

JUNE_FIRST = "2025-06-01T00:00:00+00:00"
DAY = ["--backfill-from", "2025-06-01", "--backfill-to", "2025-06-01"]


def planned(config: Path, *args: str) -> list[Reading]:
    settings = settings_from(["--config", str(config), "--seed", "7", *args])
    return [reading for _, reading in plan(settings, now=2e9).items]


def total(reading: Reading) -> Decimal:
    """The register as the message says it, read exactly (not as a float)."""
    value = json.loads(reading.body, parse_float=Decimal, parse_int=Decimal)
    assert list(value) == ["timestamp", "device_id", "energy_total_kwh"]
    register: Decimal = value["energy_total_kwh"]
    assert register == reading.register
    return register


def test_the_register_is_the_running_total_of_the_same_readings_exact_to_6_places(
    config: Path,
) -> None:
    plain = planned(config, "--device-id", DEVICE, *DAY)
    registers = planned(config, "--device-id", DEVICE, *DAY, "--register")
    # One more: the start value, one interval before the first reading.
    assert len(registers) == len(plain) + 1 == 145
    first, rest = registers[0], registers[1:]
    assert first.timestamp_ms == ms(JUNE_FIRST) - TEN_MINUTES_MS
    assert total(first) == 0
    assert [r.timestamp_ms for r in rest] == [r.timestamp_ms for r in plain]
    assert [r.kwh for r in rest] == [r.kwh for r in plain]
    totals = [total(r) for r in registers]
    differences = [b - a for a, b in zip(totals, totals[1:], strict=False)]
    # Exactly each interval's kWh, as the first form writes it: no float drift over the day.
    assert differences == [Decimal(repr(r.kwh)) for r in plain]
    assert totals[-1] == sum(Decimal(repr(r.kwh)) for r in plain)
    assert all(value.as_tuple().exponent >= -6 for value in totals)  # type: ignore[operator]


def test_the_register_starts_at_register_start(config: Path) -> None:
    registers = planned(config, "--device-id", DEVICE, *DAY, "--register",
                        "--register-start", "99999.999999")  # fmt: skip
    assert total(registers[0]) == Decimal("99999.999999")
    assert total(registers[1]) == Decimal("99999.999999") + exact_kwh(registers[1].kwh)
    assert b'"energy_total_kwh": 99999.999999}' in registers[0].body  # written as it is


def test_a_reset_drops_the_register_to_0_once_and_it_grows_again(config: Path) -> None:
    registers = planned(config, "--device-id", DEVICE, *DAY, "--register",
                        "--register-start", "500", "--register-reset-after", "50")  # fmt: skip
    totals = [total(r) for r in registers]
    drops = [n for n, (a, b) in enumerate(zip(totals, totals[1:], strict=False)) if b < a]
    assert drops == [50]  # after the start value and 50 readings
    assert totals[51] == 0
    assert totals[50] == 500 + sum(exact_kwh(r.kwh) for r in registers[1:51])
    assert totals[-1] == sum(exact_kwh(r.kwh) for r in registers[52:])


def test_each_device_has_its_own_register(config: Path) -> None:
    registers = planned(config, "--device-id", DEVICE, "--device-id", OTHER, *DAY, "--register",
                        "--register-reset-after", "3")  # fmt: skip
    assert len(registers) == 2 * 145
    for device in (DEVICE, OTHER):
        own = [r for r in registers if r.device_id == device]
        totals = [total(r) for r in own]
        assert totals[0] == 0 and totals[4] == 0 and totals[3] > 0
        assert [b.timestamp_ms - a.timestamp_ms for a, b in zip(own, own[1:], strict=False)] == [
            TEN_MINUTES_MS
        ] * 144


def test_csv_values_with_more_decimals_add_up_as_monitoring_rounds_them(
    config: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "sensor.csv"
    csv.write_text("0.1234565\n0.1234575\n0.3\n")
    registers = planned(config, "--device-id", DEVICE, "--csv", str(csv), "--register",
                        "--start", JUNE_FIRST, "--speed", "1000")  # fmt: skip
    # Half-even to 6 places, as monitoring rounds a measurement_value.
    assert [total(r) for r in registers] == [
        Decimal(0),
        Decimal("0.123456"),
        Decimal("0.246914"),
        Decimal("0.546914"),
    ]


def test_spread_live_and_iso_timestamps_work_with_a_register(config: Path) -> None:
    settings = settings_from(["--config", str(config), "--device-id", DEVICE, "--device-id",
                              OTHER, "--register", "--spread", "--count", "2",
                              "--timestamp-format", "iso"])  # fmt: skip
    now = ms("2025-06-01T10:07:30+00:00") / 1000
    readings = plan(settings, now)
    items = list(readings.items)
    assert readings.total == len(items) == 2 * 3
    # OTHER reads at 5 minutes into each interval: its start value 10 minutes before its first.
    other = [r for _, r in items if r.device_id == OTHER]
    first = json.loads(other[0].body)
    assert first["timestamp"] == "2025-06-01T10:05:00+00:00" and first["energy_total_kwh"] == 0
    assert json.loads(other[1].body)["timestamp"] == "2025-06-01T10:15:00+00:00"
    dues = [due for due, _ in items if due is not None]
    assert len(dues) == len(items) and dues == sorted(dues) and dues[0] > now


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--register-start", "5"], "--register-start needs --register"),
        (["--register-reset-after", "5"], "--register-reset-after needs --register"),
        (["--register", "--register-start", "-1"], "--register-start"),
        (["--register", "--register-start", "abc"], "'abc'"),
        (["--register", "--register-start", "1e8"], "'1e8'"),
        (["--register", "--register-start", "0.0000001"], "more than 6 decimals"),
        (["--register", "--register-reset-after", "0"], "--register-reset-after"),
    ],
)
def test_register_options_that_make_no_sense_are_refused_naming_them(
    config: Path, args: list[str], named: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from(["--config", str(config), "--device-id", DEVICE, *args])
    assert named in str(refused.value)


def assert_exit_2_naming(result: Any, named: str) -> None:
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("simulator.py: error: ") and named in line, line


def test_a_reset_that_would_never_happen_is_a_cli_error(config: Path) -> None:
    result = run_cli("--config", str(config), "--device-id", DEVICE, *DAY, "--register",
                     "--register-reset-after", "144")  # fmt: skip
    assert_exit_2_naming(result, "--register-reset-after 144")
    assert "144 reading(s)" in result.stderr


def test_a_backfilled_register_day_reaches_the_queue_as_sent(queue: str, config: Path) -> None:
    result = run_cli(
        "--config", str(config), *broker_flags(), "--queue", queue, "--device-id", DEVICE,
        *DAY, "--register", "--register-start", "1234.5", "--register-reset-after", "100",
        "--seed", "3", "--print-json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "done: 145 reading(s) confirmed" in result.stderr
    assert "as a register from 1234.5 kWh, reset after 100 readings" in result.stderr
    bodies = [body for _, body in drain(queue)]
    assert bodies == [json.loads(line) for line in result.stdout.splitlines()]
    assert [b["timestamp"] for b in bodies] == [
        ms(JUNE_FIRST) + (n - 1) * TEN_MINUTES_MS for n in range(145)
    ]
    totals = [b["energy_total_kwh"] for b in bodies]
    assert totals[0] == 1234.5 and totals[101] == 0
    assert all(b >= a for a, b in zip(totals[:101], totals[1:101], strict=False))
    assert all(b >= a for a, b in zip(totals[101:], totals[102:], strict=False))
