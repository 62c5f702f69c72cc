"""What to send and when: live readings on the clock, a backfill range, or a CSV file's values.

A reading is the kWh used in the interval that ends at its timestamp. Its value comes from the
daily pattern for the hour holding the timestamp, in the configured zone: the hour monitoring
counts it in, so each hour of a chart follows the pattern exactly.

With ``--register`` a device sends its register instead (``energy_total_kwh``): the running
total of the same kWh, in exact decimals, after a first reading at the start value one interval
before its first reading, so the differences monitoring takes are the readings' kWh exactly.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from options import REGISTER_QUANTUM, ConfigError, Settings
from pattern import EnergyPatternGenerator

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Reading:
    device_id: str
    timestamp_ms: int
    kwh: float  # the kWh of the interval ending at the timestamp
    body: bytes  # the message as sent
    register: Decimal | None = None  # --register: the register's value sent (in ``body``)

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


def _stamp(timestamp_ms: int, timestamp_format: str) -> int | str:
    if timestamp_format == "iso":
        return (EPOCH + timedelta(milliseconds=timestamp_ms)).isoformat()
    return timestamp_ms


def message(device_id: str, timestamp_ms: int, kwh: float, timestamp_format: str) -> bytes:
    stamp = _stamp(timestamp_ms, timestamp_format)
    return json.dumps(
        {"timestamp": stamp, "device_id": device_id, "measurement_value": kwh}
    ).encode()


def register_message(
    device_id: str, timestamp_ms: int, total: Decimal, timestamp_format: str
) -> bytes:
    """The second form, ``energy_total_kwh`` written as the exact decimal (no float on the way:
    json has no Decimal, so the number's text goes in as it is)."""
    head = json.dumps({"timestamp": _stamp(timestamp_ms, timestamp_format), "device_id": device_id})
    return f'{head[:-1]}, "energy_total_kwh": {decimal_text(total)}}}'.encode()


def decimal_text(value: Decimal) -> str:
    """``value`` as a plain decimal number without trailing zeros: 12.5, 0, 99999.999999."""
    number = f"{value:f}"
    return number.rstrip("0").rstrip(".") if "." in number else number


def exact_kwh(kwh: float) -> Decimal:
    """A reading's kWh as the decimal it is written as, rounded to 6 places as monitoring does."""
    return Decimal(repr(kwh)).quantize(REGISTER_QUANTUM, rounding=ROUND_HALF_EVEN)


class Registers:
    """Each device's register (``--register``): its start value one interval before its first
    reading, then the running total of the readings' kWh; after ``register_reset_after``
    readings it reads 0 (a replaced meter: that interval's kWh went on the old one) and grows
    again."""

    def __init__(self, settings: Settings) -> None:
        assert settings.register is not None
        self.settings = settings
        self.start = settings.register
        self.step = interval_ms(settings)
        self.totals: dict[str, Decimal] = {}
        self.counts: dict[str, int] = {}

    def readings(self, device_id: str, stamp: int, kwh: float) -> list[Reading]:
        """What the device sends for the reading of ``kwh`` at ``stamp``: it as a register,
        after the device's first reading (its start value) if this is its first."""
        sent = []
        if device_id not in self.totals:
            self.totals[device_id], self.counts[device_id] = self.start, 0
            sent.append(self._reading(device_id, stamp - self.step, 0.0, self.start))
        self.counts[device_id] += 1
        reset_after = self.settings.register_reset_after
        if reset_after is not None and self.counts[device_id] == reset_after + 1:
            total = Decimal(0).quantize(REGISTER_QUANTUM)
        else:
            total = self.totals[device_id] + exact_kwh(kwh)
        self.totals[device_id] = total
        sent.append(self._reading(device_id, stamp, kwh, total))
        return sent

    def _reading(self, device_id: str, stamp: int, kwh: float, total: Decimal) -> Reading:
        body = register_message(device_id, stamp, total, self.settings.timestamp_format)
        return Reading(device_id, stamp, kwh, body, total)


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

        def spread_items() -> Iterator[tuple[float | None, str, int, float]]:
            for due, stamp, device_id, number in spread_live(settings, now, per_device):
                yield due, device_id, stamp, values.value(device_id, stamp, number)

        readings = spread_items()
    else:

        def items() -> Iterator[tuple[float | None, str, int, float]]:
            for index, (due, stamp) in enumerate(stamps):
                for device_id in settings.device_ids:
                    yield due, device_id, stamp, values.value(device_id, stamp, index)

        readings = items()
    if settings.register is None:
        return Plan(
            (
                (due, Reading(device_id, stamp, kwh, message(
                    device_id, stamp, kwh, settings.timestamp_format)))
                for due, device_id, stamp, kwh in readings
            ),
            total,
        )  # fmt: skip
    reset_after = settings.register_reset_after
    if reset_after is not None and per_device is not None and reset_after >= per_device:
        raise ConfigError(
            f"--register-reset-after {reset_after}: a device sends {per_device} reading(s) "
            "here, so its register would never reset"
        )
    registers = Registers(settings)
    return Plan(
        (
            (due, reading)
            for due, device_id, stamp, kwh in readings
            for reading in registers.readings(device_id, stamp, kwh)
        ),
        # one more each: the register's start value, one interval before its first reading
        total + len(settings.device_ids) if total is not None else None,
    )
