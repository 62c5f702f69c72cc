"""EnergyPatternGenerator: the hour's multiplier, +-10 % noise, reproducible with a seed."""

from __future__ import annotations

import random

import pytest
from pattern import DEFAULT_PERIODS, EnergyPatternGenerator, PatternError, Period

BASE = 0.25


@pytest.mark.parametrize(
    ("before", "after", "multipliers"),
    [
        (5, 6, (0.5, 1.2)),  # night -> morning
        (8, 9, (1.2, 0.8)),  # morning -> day
        (16, 17, (0.8, 1.5)),  # day -> evening
        (21, 22, (1.5, 0.7)),  # evening -> late
        (23, 0, (0.7, 0.5)),  # late -> night, across midnight
    ],
)
def test_the_multiplier_changes_exactly_at_each_period_boundary(
    before: int, after: int, multipliers: tuple[float, float]
) -> None:
    generator = EnergyPatternGenerator()
    assert (generator.multiplier(before), generator.multiplier(after)) == multipliers


def test_every_hour_of_the_day_has_its_periods_multiplier() -> None:
    generator = EnergyPatternGenerator()
    expected = [0.5] * 6 + [1.2] * 3 + [0.8] * 8 + [1.5] * 5 + [0.7] * 2
    assert [generator.multiplier(hour) for hour in range(24)] == expected


@pytest.mark.parametrize("hour", [0, 6, 9, 17, 22, 23])
def test_readings_stay_within_ten_percent_of_base_times_multiplier(hour: int) -> None:
    generator = EnergyPatternGenerator(rng=random.Random(7))
    expected = BASE * generator.multiplier(hour)
    values = [generator.generate_measurement(hour, BASE) for _ in range(2000)]
    rounding = 0.00005  # values have 4 decimals
    assert all(expected * 0.9 - rounding <= value <= expected * 1.1 + rounding for value in values)
    # The noise spans the band rather than sitting in the middle of it.
    assert min(values) < expected * 0.92 and max(values) > expected * 1.08


def test_the_same_seed_gives_the_same_readings_and_another_seed_others() -> None:
    def readings(seed: int) -> list[float]:
        generator = EnergyPatternGenerator(rng=random.Random(seed))
        return [generator.generate_measurement(hour % 24, BASE) for hour in range(100)]

    assert readings(1) == readings(1)
    assert readings(1) != readings(2)


@pytest.mark.parametrize("hour", [-1, 24])
def test_an_hour_outside_the_day_is_refused(hour: int) -> None:
    with pytest.raises(ValueError, match=str(hour)):
        EnergyPatternGenerator().generate_measurement(hour, BASE)


@pytest.mark.parametrize(
    ("periods", "named"),
    [
        (DEFAULT_PERIODS[:-1], "hour(s) 22, 23"),
        ((*DEFAULT_PERIODS, Period("extra", 5, 7, 1.0)), "hour 5 is in both"),
        ((Period("all", 0, 25, 1.0),), "'all' hours [0, 25]"),
        ((Period("backwards", 6, 0, 1.0),), "'backwards' hours [6, 0]"),
    ],
)
def test_periods_must_cover_each_hour_exactly_once(periods: tuple[Period, ...], named: str) -> None:
    with pytest.raises(PatternError) as refused:
        EnergyPatternGenerator(periods)
    assert named in str(refused.value)
