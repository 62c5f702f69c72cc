"""The daily pattern (plan 5.3) and the readings' schedule."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from options import settings_from
from pattern import READING_PERIOD, EnergyPatternGenerator, multiplier_for, period_of
from simulator import floor_to_period, schedule

DEVICE = "3f0c2b1e-8d1e-4a57-9a35-2b6c8f0b7a11"


@pytest.mark.parametrize(
    ("hour", "period", "multiplier"),
    [
        (0, "night", 0.5),
        (5, "night", 0.5),
        (6, "morning", 1.2),
        (8, "morning", 1.2),
        (9, "day", 0.8),
        (16, "day", 0.8),
        (17, "evening", 1.5),
        (21, "evening", 1.5),
        (22, "late", 0.7),
        (23, "late", 0.7),
    ],
)
def test_each_hour_gets_its_periods_multiplier(hour: int, period: str, multiplier: float) -> None:
    assert period_of(hour) == (period, multiplier)


def test_an_hour_outside_the_day_is_refused() -> None:
    with pytest.raises(ValueError, match="24"):
        multiplier_for(24)


def test_readings_stay_within_ten_percent_of_base_times_multiplier() -> None:
    generator = EnergyPatternGenerator(1.0, UTC, random.Random(7))
    # The interval ending 18:10 began at 18:00, in the evening.
    moment = datetime(2025, 1, 1, 18, 10, tzinfo=UTC)
    values = [generator.generate_measurement(moment) for _ in range(500)]
    assert all(1.35 <= value <= 1.65 for value in values)
    assert max(values) - min(values) > 0.2  # noise is there


def test_the_interval_counts_in_the_hour_it_began_in_the_configured_zone() -> None:
    generator = EnergyPatternGenerator(1.0, ZoneInfo("Europe/Bucharest"), random.Random(1))
    # 04:00 UTC is 06:00 in Bucharest in winter: the interval ending then began at night (05:50).
    night = generator.generate_measurement(datetime(2025, 1, 1, 4, 0, tzinfo=UTC))
    morning = generator.generate_measurement(datetime(2025, 1, 1, 4, 10, tzinfo=UTC))
    assert 0.45 <= night <= 0.55
    assert 1.08 <= morning <= 1.32


def test_the_same_seed_gives_the_same_readings() -> None:
    moment = datetime(2025, 1, 1, 12, tzinfo=UTC)
    first, second = (EnergyPatternGenerator(0.25, UTC, random.Random("1:x")) for _ in range(2))
    assert [first.generate_measurement(moment) for _ in range(20)] == [
        second.generate_measurement(moment) for _ in range(20)
    ]


def test_backfill_ends_at_the_last_period_boundary_then_goes_live(tmp_path) -> None:
    config = tmp_path / "config.json"
    config.write_text("{}")
    args = ["--config", str(config), "--device-id", DEVICE, "--backfill-days", "1"]
    settings = settings_from(args)
    now = datetime(2025, 3, 4, 10, 37, 12, tzinfo=UTC)
    ticks = schedule(settings, now)
    backfill = [next(ticks) for _ in range(144)]
    assert all(is_backfill for _, is_backfill in backfill)
    assert backfill[-1][0] == datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
    assert backfill[0][0] == datetime(2025, 3, 3, 10, 40, tzinfo=UTC)
    assert next(ticks) == (datetime(2025, 3, 4, 10, 40, tzinfo=UTC), False)


def test_readings_start_at_start_and_are_ten_minutes_apart(tmp_path) -> None:
    config = tmp_path / "config.json"
    config.write_text("{}")
    start = "2025-03-04T10:00:00+02:00"
    settings = settings_from(["--config", str(config), "--device-id", DEVICE, "--start", start])
    ticks = schedule(settings, datetime.now(UTC))
    moments = [next(ticks)[0] for _ in range(3)]
    assert moments[0] == datetime(2025, 3, 4, 8, tzinfo=UTC)
    assert moments[2] - moments[0] == 2 * READING_PERIOD
    assert floor_to_period(datetime(2025, 1, 1, 0, 59, 59, tzinfo=UTC)).minute == 50
    assert timedelta(minutes=10) == READING_PERIOD
