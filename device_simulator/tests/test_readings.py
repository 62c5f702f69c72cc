"""The plan: which readings, stamped when, due when, in which shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from conftest import DEVICE
from options import settings_from
from pattern import EnergyPatternGenerator
from readings import plan, to_ms

OTHER = "9d1c4e8a-4b51-4f1e-9c53-0d3a1f6b2c77"
TEN_MINUTES_MS = 600_000


def ms(text: str) -> int:
    return to_ms(datetime.fromisoformat(text))


def test_a_backfilled_day_is_144_readings_from_midnight_ten_minutes_apart(config: Path) -> None:
    settings = settings_from(
        ["--config", str(config), "--device-id", DEVICE,
         "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-01"]
    )  # fmt: skip
    readings = plan(settings, now=ms("2026-01-01T00:00:00+00:00") / 1000)
    items = list(readings.items)
    assert readings.total == len(items) == 144
    stamps = [reading.timestamp_ms for _, reading in items]
    assert stamps[0] == ms("2025-06-01T00:00:00+00:00")
    assert stamps[-1] == ms("2025-06-01T23:50:00+00:00")
    assert {b - a for a, b in zip(stamps, stamps[1:], strict=False)} == {TEN_MINUTES_MS}
    assert all(due is None for due, _ in items)  # as fast as the broker confirms


def test_a_backfill_sends_nothing_from_the_future(config: Path) -> None:
    settings = settings_from(
        ["--config", str(config), "--device-id", DEVICE,
         "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-02"]
    )  # fmt: skip
    items = list(plan(settings, now=ms("2025-06-02T01:05:00+00:00") / 1000).items)
    assert len(items) == 144 + 7  # 00:00 .. 01:00 of the second day
    assert items[-1][1].timestamp_ms == ms("2025-06-02T01:00:00+00:00")


def test_each_device_gets_its_reading_of_each_interval(config: Path) -> None:
    settings = settings_from(
        ["--config", str(config), "--device-id", DEVICE, "--device-id", OTHER,
         "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-01"]
    )  # fmt: skip
    items = [reading for _, reading in plan(settings, now=2e9).items]
    assert len(items) == 288
    assert [r.device_id for r in items[:4]] == [DEVICE, OTHER, DEVICE, OTHER]
    assert items[0].timestamp_ms == items[1].timestamp_ms


def test_live_readings_are_due_at_the_end_of_each_interval(config: Path) -> None:
    settings = settings_from(["--config", str(config), "--device-id", DEVICE, "--count", "3"])
    now = ms("2025-06-01T10:07:30+00:00") / 1000
    items = list(plan(settings, now).items)
    stamps = [reading.timestamp_ms for _, reading in items]
    assert stamps[0] == ms("2025-06-01T10:10:00+00:00")
    assert [due for due, _ in items] == [stamp / 1000 for stamp in stamps]
    assert stamps[2] - stamps[0] == 2 * TEN_MINUTES_MS


def test_a_start_and_speed_run_a_faster_clock_from_now(config: Path) -> None:
    settings = settings_from(
        ["--config", str(config), "--device-id", DEVICE, "--count", "3",
         "--start", "2025-06-01T12:00:00+02:00", "--speed", "600"]
    )  # fmt: skip
    items = list(plan(settings, now=1000.0).items)
    assert items[0][1].timestamp_ms == ms("2025-06-01T10:00:00+00:00")
    assert [due for due, _ in items] == [1000.0, 1001.0, 1002.0]


def within_noise(kwh: float, expected: float) -> bool:
    return expected * 0.9 - 5e-5 <= kwh <= expected * 1.1 + 5e-5  # 4 decimals


def test_the_value_follows_the_pattern_of_the_hour_holding_the_timestamp(config: Path) -> None:
    settings = settings_from(
        ["--config", str(config), "--device-id", DEVICE,
         "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-01"]
    )  # fmt: skip
    multipliers = EnergyPatternGenerator().multipliers
    for _, reading in plan(settings, now=2e9).items:
        expected = settings.base_load_kwh * multipliers[reading.moment.hour]
        assert within_noise(reading.kwh, expected), reading


def test_the_pattern_follows_the_configured_zones_clock(config: Path) -> None:
    settings = settings_from(
        ["--config", str(config), "--device-id", DEVICE, "--timezone", "Europe/Bucharest",
         "--backfill-from", "2025-01-01", "--backfill-to", "2025-01-01"]
    )  # fmt: skip
    by_stamp = {r.timestamp_ms: r.kwh for _, r in plan(settings, now=2e9).items}
    # 03:50 UTC is 05:50 in Bucharest (night), 04:00 UTC is 06:00 there (morning).
    assert within_noise(by_stamp[ms("2025-01-01T03:50:00+00:00")], 0.25 * 0.5)
    assert within_noise(by_stamp[ms("2025-01-01T04:00:00+00:00")], 0.25 * 1.2)


def test_the_same_seed_gives_the_same_messages(config: Path) -> None:
    args = ["--config", str(config), "--device-id", DEVICE, "--seed", "11",
            "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-01"]  # fmt: skip
    first = [r.body for _, r in plan(settings_from(args), now=2e9).items]
    again = [r.body for _, r in plan(settings_from(args), now=2e9).items]
    other = [r.body for _, r in plan(settings_from([*args, "--seed", "12"]), now=2e9).items]
    assert first == again != other


def test_messages_have_the_design_shape_in_either_timestamp_format(config: Path) -> None:
    args = ["--config", str(config), "--device-id", DEVICE,
            "--backfill-from", "2025-06-01", "--backfill-to", "2025-06-01"]  # fmt: skip
    _, reading = next(plan(settings_from(args), now=2e9).items)
    assert list(json.loads(reading.body)) == ["timestamp", "device_id", "measurement_value"]
    assert json.loads(reading.body)["timestamp"] == ms("2025-06-01T00:00:00+00:00")
    _, iso = next(plan(settings_from([*args, "--timestamp-format", "iso"]), now=2e9).items)
    assert json.loads(iso.body)["timestamp"] == "2025-06-01T00:00:00+00:00"


def test_csv_replay_sends_the_files_values_one_per_interval_then_stops(
    config: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "sensor.csv"
    csv.write_text("0.5\n0.25\n1.75\n")
    settings = settings_from(
        ["--config", str(config), "--device-id", DEVICE, "--csv", str(csv),
         "--start", "2025-06-01T00:00:00Z", "--speed", "600"]
    )  # fmt: skip
    readings = plan(settings, now=0.0)
    items = [reading for _, reading in readings.items]
    assert readings.total == 3
    assert [r.kwh for r in items] == [0.5, 0.25, 1.75]
    assert items[1].timestamp_ms - items[0].timestamp_ms == TEN_MINUTES_MS
    assert datetime.fromtimestamp(items[0].timestamp_ms / 1000, UTC).hour == 0


FOUR = [
    DEVICE,
    OTHER,
    "5b2a7c3e-1f4d-4e8a-b6c9-7d0e2f1a3b44",
    "c8e1d2f3-a4b5-4c6d-8e7f-901a2b3c4d55",
]


def spread_flags(config: Path, *extra: str) -> list[str]:
    devices = [flag for device in FOUR for flag in ("--device-id", device)]
    return ["--config", str(config), *devices, "--spread", *extra]


def test_spread_devices_read_at_their_own_moment_evenly_over_the_interval(config: Path) -> None:
    settings = settings_from(spread_flags(config, "--count", "2"))
    now = ms("2025-06-01T09:59:59+00:00") / 1000  # every moment of the running interval passed
    items = list(plan(settings, now).items)
    assert len(items) == plan(settings, now).total == 8
    stamps = [reading.timestamp_ms for _, reading in items]
    # Device i of 4 at i/4 of each 10 minutes: one reading every 2.5 minutes, in due order.
    assert [r.device_id for _, r in items] == FOUR + FOUR
    assert {b - a for a, b in zip(stamps, stamps[1:], strict=False)} == {TEN_MINUTES_MS // 4}
    assert [due for due, _ in items] == [stamp / 1000 for stamp in stamps]
    assert stamps[0] == ms("2025-06-01T10:00:00+00:00")


def test_spread_starts_in_the_running_interval_with_each_devices_next_moment(
    config: Path,
) -> None:
    settings = settings_from(spread_flags(config, "--count", "2"))
    now = ms("2025-06-01T10:04:00+00:00") / 1000  # devices 0 and 1 (at 0 and 2.5 min) passed
    items = list(plan(settings, now).items)
    stamps = [reading.timestamp_ms for _, reading in items]
    assert stamps[0] == ms("2025-06-01T10:05:00+00:00")  # device 2's moment, at 5 minutes
    assert [r.device_id for _, r in items] == [*FOUR[2:], *FOUR, *FOUR[:2]]
    assert sorted(stamps) == stamps
    for device in FOUR:  # --count readings each, 10 minutes apart
        own = [r.timestamp_ms for _, r in items if r.device_id == device]
        assert len(own) == 2 and own[1] - own[0] == TEN_MINUTES_MS


def test_spread_with_start_and_speed_offsets_each_device_from_the_start(config: Path) -> None:
    settings = settings_from(
        spread_flags(config, "--count", "1", "--start", "2025-06-01T10:00:00Z", "--speed", "600")
    )
    items = list(plan(settings, now=1000.0).items)
    assert [r.timestamp_ms for _, r in items] == [
        ms("2025-06-01T10:00:00+00:00") + i * TEN_MINUTES_MS // 4 for i in range(4)
    ]
    assert [due for due, _ in items] == [1000.0, 1000.25, 1000.5, 1000.75]


def test_spread_values_follow_the_pattern_of_their_own_hour(config: Path) -> None:
    settings = settings_from(spread_flags(config, "--count", "1", "--seed", "3"))
    now = ms("2025-06-01T05:55:00+00:00") / 1000  # night (0.5) until 06:00, morning (1.2) after
    items = list(plan(settings, now).items)
    for _, reading in items:
        hour = datetime.fromtimestamp(reading.timestamp_ms / 1000, UTC).hour
        multiplier = 0.5 if hour < 6 else 1.2
        assert within_noise(reading.kwh, settings.base_load_kwh * multiplier)
        assert json.loads(reading.body)["timestamp"] == reading.timestamp_ms
    assert {datetime.fromtimestamp(r.timestamp_ms / 1000, UTC).hour for _, r in items} == {5, 6}
