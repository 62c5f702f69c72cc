"""A household's consumption through the day: base load x the hour's multiplier x noise."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

NOISE = 0.10  # uniform +-10 %
DECIMALS = 4  # 0.1 Wh: sums stay exact in monitoring's NUMERIC(14,6)


@dataclass(frozen=True)
class Period:
    """Hours ``start_hour`` (inclusive) to ``end_hour`` (exclusive, up to 24) share a multiplier."""

    name: str
    start_hour: int
    end_hour: int
    multiplier: float


DEFAULT_PERIODS: tuple[Period, ...] = (
    Period("night", 0, 6, 0.5),
    Period("morning", 6, 9, 1.2),
    Period("day", 9, 17, 0.8),
    Period("evening", 17, 22, 1.5),
    Period("late", 22, 24, 0.7),
)


class PatternError(ValueError):
    """The periods do not cover each hour of the day exactly once."""


def multipliers_by_hour(periods: Iterable[Period]) -> tuple[float, ...]:
    """The 24 hourly multipliers; every hour must belong to exactly one period."""
    by_hour: list[Period | None] = [None] * 24
    for period in periods:
        if not 0 <= period.start_hour < period.end_hour <= 24:
            raise PatternError(
                f"pattern {period.name!r} hours [{period.start_hour}, {period.end_hour}] "
                "must be 0 <= start < end <= 24"
            )
        for hour in range(period.start_hour, period.end_hour):
            other = by_hour[hour]
            if other is not None:
                raise PatternError(
                    f"hour {hour} is in both pattern {other.name!r} and {period.name!r}"
                )
            by_hour[hour] = period
    missing = [hour for hour, period in enumerate(by_hour) if period is None]
    if missing:
        raise PatternError(f"no pattern covers hour(s) {', '.join(map(str, missing))}")
    return tuple(period.multiplier for period in by_hour if period is not None)


class EnergyPatternGenerator:
    """Readings of one meter; a seeded ``rng`` makes them reproducible."""

    def __init__(
        self, periods: Iterable[Period] = DEFAULT_PERIODS, rng: random.Random | None = None
    ) -> None:
        self.multipliers = multipliers_by_hour(periods)
        self.rng = rng or random.Random()

    def multiplier(self, hour: int) -> float:
        if not 0 <= hour <= 23:
            raise ValueError(f"hour must be 0-23, got {hour}")
        return self.multipliers[hour]

    def generate_measurement(self, hour: int, base_load: float) -> float:
        """kWh of one reading in ``hour`` (0-23): base x the hour's multiplier x +-10 % noise."""
        noise = self.rng.uniform(1 - NOISE, 1 + NOISE)
        return round(base_load * self.multiplier(hour) * noise, DECIMALS)
