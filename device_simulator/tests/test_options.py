"""config.json and flags: file values, overrides, one clear line and exit code 2 for bad ones."""

from __future__ import annotations

import json
from dataclasses import astuple
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import DEVICE, run_cli
from options import DEFAULT_CONFIG, ConfigError, settings_from

OTHER = "9d1c4e8a-4b51-4f1e-9c53-0d3a1f6b2c77"
PATTERNS = {
    "night": {"hours": [0, 6], "multiplier": 0.5},
    "rest": {"hours": [6, 24], "multiplier": 1},
}


def write_config(tmp_path: Path, **values: Any) -> str:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(values))
    return str(path)


def test_the_shipped_config_holds_the_issues_defaults() -> None:
    settings = settings_from(["--config", str(DEFAULT_CONFIG)])
    assert settings.device_ids == [DEVICE]
    assert (settings.interval_seconds, settings.base_load_kwh) == (600, 0.25)
    assert settings.broker.queue == "device_data_queue"
    # EMS's meter identity and the exchange it may write to (.env.example's local defaults).
    assert (settings.broker.exchange, settings.broker.user, settings.broker.password) == (
        "ems.readings",
        "ems-meter",
        "ems-meter",
    )
    assert (settings.broker.host, settings.broker.port, settings.broker.vhost) == (
        "127.0.0.1",
        5672,
        "/",
    )
    multipliers = {p.name: (p.start_hour, p.end_hour, p.multiplier) for p in settings.periods}
    assert multipliers == {
        "night": (0, 6, 0.5),
        "morning": (6, 9, 1.2),
        "day": (9, 17, 0.8),
        "evening": (17, 22, 1.5),
        "late": (22, 24, 0.7),
    }
    assert settings.timestamp_format == "epoch-ms" and not settings.backfill


def test_values_come_from_the_file(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        device_ids=[DEVICE, OTHER],
        interval_seconds=60,
        base_load_kwh=1.5,
        rabbitmq={"host": "broker", "port": 5673, "user": "u", "password": "p", "vhost": "v",
                  "queue": "q", "exchange": "x"},
        patterns=PATTERNS,
        timestamp_format="iso",
        seed=4,
    )  # fmt: skip
    settings = settings_from(["--config", config])
    assert settings.device_ids == [DEVICE, OTHER]
    assert (settings.interval_seconds, settings.base_load_kwh, settings.seed) == (60, 1.5, 4)
    assert astuple(settings.broker) == ("broker", 5673, "u", "p", "v", "x", "q")
    assert [p.name for p in settings.periods] == ["night", "rest"]
    assert settings.timestamp_format == "iso"


def test_every_flag_overrides_the_file(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        device_id=DEVICE,
        interval_seconds=60,
        base_load_kwh=1.5,
        rabbitmq={"host": "broker", "port": 5673, "user": "u", "password": "p", "vhost": "v",
                  "exchange": "x"},
        seed=4,
    )  # fmt: skip
    settings = settings_from(
        ["--config", config, "--device-id", OTHER, "--device-id", DEVICE, "--interval", "30",
         "--base-load", "0.5", "--rabbitmq-host", "h2", "--rabbitmq-port", "5674",
         "--rabbitmq-user", "u2", "--rabbitmq-password", "p2", "--rabbitmq-vhost", "v2",
         "--queue", "q2", "--seed", "9", "--timestamp-format", "iso", "--exchange", ""]
    )  # fmt: skip
    assert settings.device_ids == [OTHER, DEVICE]
    assert (settings.interval_seconds, settings.base_load_kwh, settings.seed) == (30, 0.5, 9)
    # "" is the default exchange: straight to the queue.
    assert astuple(settings.broker) == ("h2", 5674, "u2", "p2", "v2", "", "q2")
    assert settings.timestamp_format == "iso"


def test_a_clusters_nodes_each_with_or_without_its_own_port(tmp_path: Path) -> None:
    config = write_config(tmp_path, device_id=DEVICE)
    settings = settings_from(
        ["--config", config, "--rabbitmq-host", "n1, n2:5673,n3", "--rabbitmq-port", "5674"]
    )
    assert settings.broker.nodes == [("n1", 5674), ("n2", 5673), ("n3", 5674)]


@pytest.mark.parametrize("hosts", ["n1,,n2", "n1:x", "n1:0", ":5672"])
def test_a_bad_node_entry_is_named(tmp_path: Path, hosts: str) -> None:
    config = write_config(tmp_path, device_id=DEVICE)
    with pytest.raises(ConfigError, match="rabbitmq"):
        settings_from(["--config", config, "--rabbitmq-host", hosts])


def test_backfill_dates_are_read(tmp_path: Path) -> None:
    config = write_config(tmp_path, device_id=DEVICE)
    settings = settings_from(
        ["--config", config, "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-02"]
    )
    assert settings.backfill
    assert (settings.backfill_from, settings.backfill_to) == (date(2025, 6, 1), date(2025, 6, 2))


def test_devices_n_makes_n_ids_reproducible_with_a_seed(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    first = settings_from(["--config", config, "--devices", "3", "--seed", "5"])
    again = settings_from(["--config", config, "--devices", "3", "--seed", "5"])
    assert len(set(first.device_ids)) == 3 and first.generated_devices
    assert first.device_ids == again.device_ids


def test_csv_values_are_read_one_per_line(tmp_path: Path) -> None:
    csv = tmp_path / "sensor.csv"
    csv.write_text("0.1\n0.25\n\n1\n")
    settings = settings_from(
        ["--config", write_config(tmp_path, device_id=DEVICE), "--csv", str(csv)]
    )
    assert settings.csv_values == [0.1, 0.25, 1.0]


BAD_CONFIGS = [
    ({"device_id": "not-a-uuid"}, [], "'not-a-uuid'"),
    ({"device_ids": [DEVICE, "12345"]}, [], "'12345'"),
    ({"device_id": DEVICE, "interval_seconds": 0}, [], "interval_seconds"),
    ({"device_id": DEVICE, "interval_seconds": "often"}, [], "'often'"),
    ({"device_id": DEVICE, "base_load_kwh": -1}, [], "base_load_kwh"),
    ({"device_id": DEVICE, "base_load_kwh": 0}, [], "base_load_kwh"),
    ({"device_id": DEVICE, "rabbitmq": {"port": "x"}}, [], "'x'"),
    ({"device_id": DEVICE, "rabbitmq": {"port": 70000}}, [], "70000"),
    ({"device_id": DEVICE, "timezone": "Mars/Base"}, [], "'Mars/Base'"),
    ({"device_id": DEVICE, "timestamp_format": "epoch-s"}, [], "'epoch-s'"),
    ({"device_id": DEVICE, "patterns": {"night": {"hours": [0, 6], "multiplier": 1}}}, [],
     "hour(s) 6, 7"),
    ({"device_id": DEVICE, "patterns": {"all": {"hours": [0, 25], "multiplier": 1}}}, [],
     "[0, 25]"),
    ({"device_id": DEVICE, "patterns": {"x": {"hours": "0-24", "multiplier": 1}}}, [], "'0-24'"),
    ({"device_id": DEVICE, "patterns": {"x": {"hours": [0, 24], "multiplier": -2}}}, [], "-2"),
    ({}, [], "--device-id"),
    ({"device_id": DEVICE}, ["--start", "yesterday"], "'yesterday'"),
    ({"device_id": DEVICE}, ["--backfill-from", "2025-13-01", "--backfill-to", "2025-12-31"],
     "'2025-13-01'"),
    ({"device_id": DEVICE}, ["--backfill-from", "2025-06-02", "--backfill-to", "2025-06-01"],
     "2025-06-02"),
    ({"device_id": DEVICE}, ["--backfill-from", "2025-06-02"], "--backfill-to"),
    ({"device_id": DEVICE}, ["--speed", "10"], "--start"),
    ({"device_id": DEVICE}, ["--count", "0"], "--count"),
    ({}, ["--devices", "2", "--device-id", DEVICE], "exclude"),
    ({"device_id": DEVICE}, ["--no-such-flag"], "--no-such-flag"),
    ({"device_id": DEVICE, "rabbitmq": {"exchange": 7}}, [], "exchange"),
    ({"device_id": DEVICE}, ["--exchange", "x" * 256], "exchange"),
]  # fmt: skip


@pytest.mark.parametrize(("values", "flags", "named"), BAD_CONFIGS)
def test_a_bad_value_is_refused_naming_it(
    tmp_path: Path, values: dict[str, Any], flags: list[str], named: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from(["--config", write_config(tmp_path, **values), *flags])
    assert named in str(refused.value)


def assert_one_line_naming(result: Any, named: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("simulator.py: error: ") and named in lines[0], lines[0]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--device-id", "12345"], "'12345'"),
        (["--interval", "-5"], "'-5'"),
        (["--interval", "abc"], "'abc'"),
        (["--base-load", "0"], "'0'"),
        (["--rabbitmq-port", "http"], "'http'"),
        (["--timestamp-format", "unix"], "'unix'"),
        (["--config", "/nonexistent/simulator.json"], "/nonexistent/simulator.json"),
        (["--backfill-from", "June", "--backfill-to", "2025-06-01"], "'June'"),
        (["--csv", "/nonexistent/sensor.csv"], "/nonexistent/sensor.csv"),
    ],
)
def test_the_cli_exits_2_with_one_line_naming_the_bad_value(args: list[str], named: str) -> None:
    assert_one_line_naming(run_cli("--config", str(DEFAULT_CONFIG), *args), named)


def test_a_config_that_is_not_json_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{ device_id: ")
    assert_one_line_naming(run_cli("--config", str(broken)), "broken.json")


def test_unknown_pattern_hours_in_the_file_are_one_line(tmp_path: Path) -> None:
    patterns = {**PATTERNS, "rest": {"hours": [6, 23], "multiplier": 1}}
    config = write_config(tmp_path, device_id=DEVICE, patterns=patterns)
    assert_one_line_naming(run_cli("--config", config), "hour(s) 23")


def test_a_csv_line_that_is_no_kwh_value_is_named_with_its_line(tmp_path: Path) -> None:
    csv = tmp_path / "sensor.csv"
    csv.write_text("0.1\n0.2\nlots\n")
    result = run_cli("--config", str(DEFAULT_CONFIG), "--csv", str(csv))
    assert_one_line_naming(result, "sensor.csv:3: 'lots'")
