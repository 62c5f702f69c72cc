"""config.json and flags: overrides, and a clear message with exit code 2 for bad values."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from options import DEFAULT_CONFIG, ConfigError, settings_from

SIMULATOR = Path(__file__).resolve().parents[1] / "simulator.py"
DEVICE = "3f0c2b1e-8d1e-4a57-9a35-2b6c8f0b7a11"


def write_config(tmp_path: Path, **values: object) -> str:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(values))
    return str(path)


def test_the_shipped_config_is_valid_once_a_device_is_given() -> None:
    settings = settings_from(["--config", str(DEFAULT_CONFIG), "--device-id", DEVICE])
    assert settings.queue == "device_data_queue"
    assert settings.interval_seconds == 600
    assert settings.broker.vhost == "/"


def test_flags_override_the_config(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        rabbitmq={"host": "broker", "port": 5673, "vhost": "ems"},
        device_ids=[DEVICE],
        interval_seconds=5,
    )
    other = "9d1c4e8a-4b51-4f1e-9c53-0d3a1f6b2c77"
    settings = settings_from(
        ["--config", config, "--device-id", other, "--interval", "2", "--port", "5674",
         "--vhost", "/", "--count", "6"]
    )  # fmt: skip
    assert settings.device_ids == [other]
    assert (settings.interval_seconds, settings.count) == (2, 6)
    assert (settings.broker.host, settings.broker.port, settings.broker.vhost) == (
        "broker",
        5674,
        "/",
    )


@pytest.mark.parametrize(
    ("values", "flags", "named"),
    [
        ({"device_ids": ["not-a-uuid"]}, [], "'not-a-uuid'"),
        ({"device_ids": [DEVICE], "interval_seconds": 0}, [], "interval_seconds"),
        ({"device_ids": [DEVICE], "rabbitmq": {"port": "x"}}, [], "'x'"),
        ({"device_ids": [DEVICE], "timezone": "Mars/Base"}, [], "'Mars/Base'"),
        ({"device_ids": [DEVICE], "base_load_kwh": -1}, [], "base_load_kwh"),
        ({}, [], "--device-id"),
        ({"device_ids": [DEVICE]}, ["--start", "yesterday"], "'yesterday'"),
        ({"device_ids": [DEVICE]}, ["--count", "0"], "count"),
    ],
)
def test_a_bad_value_is_named(
    tmp_path: Path, values: dict[str, object], flags: list[str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        settings_from(["--config", write_config(tmp_path, **values), *flags])


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SIMULATOR), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--device-id", "12345"], "'12345'"),
        (["--device-id", DEVICE, "--interval", "-5"], "-5"),
        (["--device-id", DEVICE, "--interval", "0"], "interval_seconds"),
        (["--config", "/nonexistent/simulator.json", "--device-id", DEVICE], "simulator.json"),
    ],
)
def test_the_cli_exits_2_naming_the_bad_value(args: list[str], named: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert named in result.stderr
    assert "Traceback" not in result.stderr


def test_a_config_that_is_not_json_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{ device_ids: ")
    result = run_cli("--config", str(broken))
    assert result.returncode == 2
    assert "broken.json" in result.stderr and "not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr
