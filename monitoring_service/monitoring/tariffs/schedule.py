"""A tariff's week: its rates checked to cover every minute of the week exactly once, and the
price at a local wall time.

A rate is ``days`` (Monday 0 .. Sunday 6) and a local window [start, end) in minutes of the day
(end 1440 is "24:00"). The windows of a valid tariff tile the week: no minute without a rate,
none with two.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ems_common.exceptions import InvalidField

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Rate:
    days: tuple[int, ...]
    start: int  # minutes of the local day, 0..1439
    end: int  # 1..1440
    price: Decimal


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def minutes_of(text: str, field: str, allow_end_of_day: bool) -> int:
    """ "HH:MM" as minutes of the day ("24:00" only as an end), else InvalidField(field)."""
    hours, sep, minutes = text.partition(":")
    if sep and len(hours) == 2 and len(minutes) == 2 and hours.isdigit() and minutes.isdigit():
        value = int(hours) * 60 + int(minutes)
        if int(minutes) < 60 and (value < MINUTES_PER_DAY or (allow_end_of_day and value == 1440)):
            return value
    allowed = "00:00..24:00" if allow_end_of_day else "00:00..23:59"
    raise InvalidField(field, f"{text[:20]!r} is not a time HH:MM in {allowed}.")


def check_rate(index: int, days: Sequence[int], start: int, end: int, price: Decimal) -> Rate:
    """One rate's own checks; InvalidField naming ``rates[index].<field>``."""
    field = f"rates[{index}]"
    if not days or len(set(days)) != len(days) or any(not 0 <= d <= 6 for d in days):
        raise InvalidField(f"{field}.days", "days must be a non-empty set of weekdays 0..6.")
    if end <= start:
        raise InvalidField(f"{field}.end", f"end {hhmm(end)} is not after start {hhmm(start)}.")
    if price < 0:
        raise InvalidField(f"{field}.price_per_kwh", "A price cannot be negative.")
    return Rate(tuple(sorted(days)), start, end, price)


def check_coverage(rates: Sequence[Rate]) -> None:
    """Every minute of the week has exactly one rate; else InvalidField("rates") naming the
    first weekday and window without a rate or with two."""
    if not rates:
        raise InvalidField("rates", "A tariff needs at least one rate.")
    for day in range(7):
        windows = sorted(
            (rate.start, rate.end, index) for index, rate in enumerate(rates) if day in rate.days
        )
        at = 0
        previous = -1
        for start, end, index in windows:
            if start > at:
                raise InvalidField("rates", f"{WEEKDAYS[day]} {hhmm(at)}–{hhmm(start)} has no rate")
            if start < at:
                raise InvalidField(
                    "rates",
                    f"{WEEKDAYS[day]} {hhmm(start)}–{hhmm(min(at, end))} has two rates"
                    f" (rates {min(previous, index)} and {max(previous, index)})",
                )
            at, previous = end, index
        if at < MINUTES_PER_DAY:
            raise InvalidField("rates", f"{WEEKDAYS[day]} {hhmm(at)}–24:00 has no rate")


class Week:
    """A valid tariff's rates as sorted windows of the week, looked up by local wall time."""

    def __init__(self, rates: Sequence[Rate]) -> None:
        windows = sorted(
            (day * MINUTES_PER_DAY + rate.start, day * MINUTES_PER_DAY + rate.end, rate.price)
            for rate in rates
            for day in rate.days
        )
        self.starts = [start for start, _end, _price in windows]
        self.windows = windows

    def at(self, wall: datetime) -> tuple[Decimal, int]:
        """The price at the naive local ``wall`` time and the minutes of the week (from
        ``wall``'s Monday 00:00) where its window ends."""
        minute = wall.weekday() * MINUTES_PER_DAY + wall.hour * 60 + wall.minute
        _start, end, price = self.windows[bisect.bisect_right(self.starts, minute) - 1]
        return price, end
