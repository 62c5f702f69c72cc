"""What to send and when: live readings on the clock, a backfill range, or a CSV file's values.

A reading is the kWh used in the interval that ends at its timestamp. Its value comes from the
daily pattern for the hour holding the timestamp, in the configured zone: the hour monitoring
counts it in, so each hour of a chart follows the pattern exactly.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from options import Settings
from pattern import EnergyPatternGenerator

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Reading:
    device_id: str
    timestamp_ms: int
    kwh: float
    body: bytes  # the message as sent

    @property
    def message_id(self) -> str:
        return f"{self.device_id}:{self.timestamp_ms}"

    @property
    def moment(self) -> datetime:
        return EPOCH + timedelta(milliseconds=self.timestamp_ms)


# (wall-clock time.time() it is due, None: at once; the reading)
Scheduled = tuple[float | None, Reading]


@dataclass(frozen=True)
class Plan:
    items: Iterator[Scheduled]
    total: int | None  # readings in all, None: until stopped


def to_ms(moment: datetime) -> int:
    delta = moment - EPOCH  # exact integer arithmetic, no float rounding
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def message(device_id: str, timestamp_ms: int, kwh: float, timestamp_format: str) -> bytes:
    stamp: int | str = timestamp_ms
    if timestamp_format == "iso":
        stamp = (EPOCH + timedelta(milliseconds=timestamp_ms)).isoformat()
    return json.dumps(
        {"timestamp": stamp, "device_id": device_id, "measurement_value": kwh}
    ).encode()


def interval_ms(settings: Settings) -> int:
    return round(settings.interval_seconds * 1000)


def backfill_stamps(first: date, last: date, step_ms: int, now_ms: int) -> range:
    """Every reading of the UTC days ``first``..``last`` from 00:00 on, none after now."""
    begin = to_ms(datetime.combine(first, time(), UTC))
    end = to_ms(datetime.combine(last + timedelta(days=1), time(), UTC))
    return range(begin, min(end, now_ms + 1), step_ms)


def live_stamps(settings: Settings, now: float) -> Iterator[tuple[float, int]]:
    """(due wall-clock time, timestamp ms): from the end of the running interval, or ``start``."""
    step = interval_ms(settings)
    if settings.start is None:
        for stamp in itertools.count((int(now * 1000) // step + 1) * step, step):
            yield stamp / 1000, stamp  # real time: due at its own timestamp
    else:
        first = to_ms(settings.start)
        for stamp in itertools.count(first, step):
            yield now + (stamp - first) / 1000 / settings.speed, stamp


def phases(devices: int, step_ms: int) -> list[int]:
    """Each device's moment in the interval, ms after its start: device i of n at i/n of it."""
    return [i * step_ms // devices for i in range(devices)]


# (due wall-clock time, timestamp ms, device id, the device's reading number from 0)
Spread = tuple[float, int, str, int]


def spread_live(settings: Settings, now: float, per_device: int | None) -> Iterator[Spread]:
    """Live with ``--spread``, in due order: device i of n reads at i/n of each interval.

    On the real clock it begins in the running interval, each device with its first moment
    after now (so a fleet sends at an even rate from the start); with ``start`` every device's
    first reading is in the interval beginning there. ``per_device``: readings each, None: until
    stopped.
    """
    step = interval_ms(settings)
    offsets = phases(len(settings.device_ids), step)
    if settings.start is None:
        first = int(now * 1000) // step * step
        after = int(now * 1000)  # what is not after now is late already: the next interval

        def due(stamp: int) -> float:
            return stamp / 1000
    else:
        first = to_ms(settings.start)
        after = first - 1

        def due(stamp: int) -> float:
            return now + (stamp - first) / 1000 / settings.speed

    for k in itertools.count():
        if per_device is not None and k > per_device:
            return
        for device_id, offset in zip(settings.device_ids, offsets, strict=True):
            stamp = first + k * step + offset
            number = k if first + offset > after else k - 1
            if number >= 0 and (per_device is None or number < per_device):
                yield due(stamp), stamp, device_id, number


class Values:
    """Each device's kWh per reading: the pattern with its own random stream, or the CSV's."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

        def rng(device_id: str) -> random.Random:
            # One stream per device: adding a device does not change the others' readings.
            seed = f"{self.settings.seed}:{device_id}" if self.settings.seed is not None else None
            return random.Random(seed)

        self.generators = {
            device_id: EnergyPatternGenerator(settings.periods, rng(device_id))
            for device_id in settings.device_ids
        }

    def value(self, device_id: str, timestamp_ms: int, index: int) -> float:
        if self.settings.csv_values is not None:
            return self.settings.csv_values[index]
        hour = datetime.fromtimestamp(timestamp_ms / 1000, self.settings.timezone).hour
        return self.generators[device_id].generate_measurement(hour, self.settings.base_load_kwh)


def plan(settings: Settings, now: float) -> Plan:
    """Every reading to send, in order, each with the time it is due."""
    stamps: Iterable[tuple[float | None, int]]
    per_device: int | None
    if settings.backfill_from is not None and settings.backfill_to is not None:
        backfill = backfill_stamps(
            settings.backfill_from, settings.backfill_to, interval_ms(settings), int(now * 1000)
        )
        stamps, per_device = ((None, stamp) for stamp in backfill), len(backfill)
    else:
        stamps, per_device = live_stamps(settings, now), settings.count
    if settings.csv_values is not None:
        csv_count = len(settings.csv_values)
        per_device = csv_count if per_device is None else min(per_device, csv_count)
    if per_device is not None:
        stamps = itertools.islice(stamps, per_device)
    values = Values(settings)
    total = per_device * len(settings.device_ids) if per_device is not None else None
    if settings.spread:

        def spread_items() -> Iterator[Scheduled]:
            for due, stamp, device_id, number in spread_live(settings, now, per_device):
                kwh = values.value(device_id, stamp, number)
                body = message(device_id, stamp, kwh, settings.timestamp_format)
                yield due, Reading(device_id, stamp, kwh, body)

        return Plan(spread_items(), total)

    def items() -> Iterator[Scheduled]:
        for index, (due, stamp) in enumerate(stamps):
            for device_id in settings.device_ids:
                kwh = values.value(device_id, stamp, index)
                body = message(device_id, stamp, kwh, settings.timestamp_format)
                yield due, Reading(device_id, stamp, kwh, body)

    return Plan(items(), total)
