"""A household's consumption through the day: base load x time-of-day multiplier x noise."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, tzinfo

# Each reading is the kWh of the 10 minutes ending at its timestamp (DESIGN §4).
READING_PERIOD = timedelta(minutes=10)
NOISE = 0.10  # +-10 %
DECIMALS = 4  # 0.1 Wh: sums stay exact in monitoring's NUMERIC(14,6)

# (first local hour, multiplier), in order: night, morning, day, evening, late.
PERIODS: tuple[tuple[str, int, float], ...] = (
    ("night", 0, 0.5),
    ("morning", 6, 1.2),
    ("day", 9, 0.8),
    ("evening", 17, 1.5),
    ("late", 22, 0.7),
)


def period_of(hour: int) -> tuple[str, float]:
    """The period name and multiplier of a local hour (0-23)."""
    if not 0 <= hour <= 23:
        raise ValueError(f"hour must be 0-23, got {hour}")
    name, multiplier = PERIODS[0][0], PERIODS[0][2]
    for period, first_hour, factor in PERIODS:
        if hour >= first_hour:
            name, multiplier = period, factor
    return name, multiplier


def multiplier_for(hour: int) -> float:
    return period_of(hour)[1]


class EnergyPatternGenerator:
    """Readings for one device; a seeded ``rng`` makes them reproducible."""

    def __init__(self, base_load_kwh: float, tz: tzinfo, rng: random.Random) -> None:
        self.base_load_kwh = base_load_kwh
        self.tz = tz
        self.rng = rng

    def generate_measurement(self, timestamp: datetime) -> float:
        """kWh of the 10 minutes ending at ``timestamp``, priced by the hour they began in."""
        started = (timestamp - READING_PERIOD).astimezone(self.tz)
        noise = self.rng.uniform(1 - NOISE, 1 + NOISE)
        value = self.base_load_kwh * multiplier_for(started.hour) * noise
        return max(0.0, round(value, DECIMALS))
