"""Cumulative register readings become exact consumption, whatever their order and batching."""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ems_common.settings import BrokerConfig
from ems_common.testing.broker import wait_until
from monitoring.ingestion.readings import RegisterReading
from monitoring.ingestion.registers import Register, meter_resets, segment_pieces
from monitoring.ingestion.store import store_readings
from monitoring.models import DailyConsumption, HourlyConsumption, MeterReset
from monitoring.models import RegisterReading as StoredRegister
from monitoring.tests.ingestion.helpers import (
    epoch_ms,
    make_device,
    publish_all,
    running_consumer,
)

DAY = datetime(2026, 5, 4, tzinfo=UTC)
GAP_START = DAY.replace(hour=12)  # the last reading before the 3-hour gap
GAP_END = DAY.replace(hour=15)  # the first one after it
STEP = timedelta(minutes=10)  # the devices' default interval
MICRO = Decimal("0.000001")

Series = list[tuple[datetime, int]]  # (instant, register in micro-kWh), in timestamp order


def build_series(pick: Callable[[int, int], int]) -> Series:
    """Ten-minute register readings up to 12:00 and from 15:00 (a 3-hour gap whose difference is
    a multiple of 12 micro-kWh, so its quarter-hours share it evenly), with one reset; ``pick``
    gives an integer in [lo, hi]."""
    before, after = pick(3, 12), pick(3, 12)
    instants = [GAP_START - STEP * i for i in reversed(range(before))]
    instants += [GAP_END + STEP * i for i in range(after)]
    gap_index = before  # the reading after the gap
    reset_index = pick(1, len(instants) - 2)
    reset_index += reset_index >= gap_index  # any reading but the gap's
    total = pick(1, 10**9)
    series = [(instants[0], total)]
    for i, ts in enumerate(instants[1:], start=1):
        if i == reset_index:
            total = pick(0, total - 1)
        elif i == gap_index:
            total += 12 * pick(0, 10**6)
        else:
            total += pick(0, 5 * 10**6)
        series.append((ts, total))
    return series


@st.composite
def register_series(draw: st.DrawFn) -> Series:
    return build_series(lambda lo, hi: draw(st.integers(lo, hi)))


def expected(series: Series) -> dict[datetime, tuple[Decimal, int, Decimal]]:
    """Per UTC hour (kWh, register readings, estimated kWh) of the series in timestamp order."""
    kwh: dict[datetime, int] = defaultdict(int)
    counts: dict[datetime, int] = defaultdict(int)
    estimated: dict[datetime, int] = defaultdict(int)
    for ts, _ in series:
        counts[_hour(ts)] += 1
    for (a_ts, a), (b_ts, b) in zip(series, series[1:], strict=False):
        delta = max(b - a, 0)
        if b_ts - a_ts == GAP_END - GAP_START:  # 3 hours, evenly
            for h in range(3):
                kwh[a_ts + timedelta(hours=h)] += delta // 3
                estimated[a_ts + timedelta(hours=h)] += delta // 3
        else:
            kwh[_hour(b_ts)] += delta
    hours = {h for h in set(kwh) | set(counts) if kwh[h] or counts[h]}
    return {h: (Decimal(kwh[h]) * MICRO, counts[h], Decimal(estimated[h]) * MICRO) for h in hours}


def stored(device_id: uuid.UUID) -> dict[datetime, tuple[Decimal, int, Decimal]]:
    rows = HourlyConsumption.objects.filter(device_id=device_id)
    return {
        r.hour_start.astimezone(UTC): (r.kwh, r.readings, r.estimated_kwh)
        for r in rows
        if r.kwh or r.readings or r.estimated_kwh
    }


def assert_days_and_quarters_agree(device_id: uuid.UUID) -> None:
    hours = HourlyConsumption.objects.filter(device_id=device_id)
    days = DailyConsumption.objects.filter(device_id=device_id)
    assert sum(d.kwh for d in days) == sum(h.kwh for h in hours)
    assert sum(d.readings for d in days) == sum(h.readings for h in hours)
    assert sum(d.estimated_kwh for d in days) == sum(h.estimated_kwh for h in hours)
    for h in hours:
        assert h.q1_kwh + h.q2_kwh + h.q3_kwh <= h.kwh
        assert h.q1_readings + h.q2_readings + h.q3_readings <= h.readings


def registers(device_id: uuid.UUID, series: Series) -> list[RegisterReading]:
    return [
        RegisterReading(str(device_id), ts, str(Decimal(total) * MICRO)) for ts, total in series
    ]


def resets_of(series: Series) -> list[tuple[datetime, int, int]]:
    pairs = zip(series, series[1:], strict=False)
    return [(b_ts, a, b) for (_, a), (b_ts, b) in pairs if b < a]


def test_a_gap_is_spread_over_its_quarter_hours_exactly_and_marked_estimated() -> None:
    a = Register(datetime(2026, 5, 4, 10, 7, tzinfo=UTC), 1_000)
    b = Register(datetime(2026, 5, 4, 13, 2, tzinfo=UTC), 1_000 + 1_000_003)

    pieces = segment_pieces(a, b, STEP)

    assert sum(p.value for p in pieces) == 1_000_003 == sum(p.estimated for p in pieces)
    assert pieces[0].ts == a.ts and pieces[-1].ts == datetime(2026, 5, 4, 13, tzinfo=UTC)
    # 8 of 175 minutes in the first quarter-hour, 15 in a whole one: in proportion to time.
    assert pieces[0].value == 1_000_003 * 8 // 175
    assert pieces[1].value == 1_000_003 * 23 // 175 - pieces[0].value


def test_a_segment_within_one_and_a_half_intervals_is_one_reading_at_its_end() -> None:
    a = Register(DAY, 5)
    b = Register(DAY + timedelta(minutes=15), 12)

    assert [(p.ts, p.value, p.estimated) for p in segment_pieces(a, b, STEP)] == [(b.ts, 7, 0)]
    assert segment_pieces(b, Register(b.ts + STEP, 3), STEP) == []  # a reset: nothing


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series=register_series(), data=st.data())
def test_shuffled_batched_duplicated_registers_give_the_consumption_in_timestamp_order(
    series: Series, data: st.DataObject
) -> None:
    device = make_device()
    readings = registers(device.id, series)
    duplicates = data.draw(st.lists(st.sampled_from(readings), max_size=8))
    arrival = data.draw(st.permutations(readings + duplicates))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(arrival)), max_size=6)))
    for lo, hi in zip([0, *cuts], [*cuts, len(arrival)], strict=True):
        store_readings(arrival[lo:hi])

    assert stored(device.id) == expected(series)
    estimated_hours = {h for h, (_, _, est) in stored(device.id).items() if est}
    gap_delta = (
        series[len([t for t, _ in series if t <= GAP_START])][1]
        - [v for t, v in series if t == GAP_START][0]
    )
    assert estimated_hours == (
        {GAP_START + timedelta(hours=h) for h in range(3)} if gap_delta else set()
    )
    assert_days_and_quarters_agree(device.id)
    assert [
        (r.ts, int(r.before_kwh / MICRO), int(r.after_kwh / MICRO))
        for r in reversed(meter_resets(device.id))
    ] == resets_of(series)
    assert StoredRegister.objects.filter(device__id=device.id).count() == len(series)


@pytest.mark.django_db
def test_a_register_that_goes_down_is_a_new_baseline_and_a_reset_for_the_admin() -> None:
    device = make_device()
    series = [
        (DAY, 5_000_000),
        (DAY + STEP, 6_000_000),
        (DAY + 2 * STEP, 200_000),
        (DAY + 3 * STEP, 700_000),
    ]

    store_readings(registers(device.id, series[::-1]))

    assert stored(device.id) == {DAY: (Decimal("1.5"), 4, Decimal(0))}
    assert MeterReset.objects.filter(device__id=device.id).count() == 1
    [reset] = meter_resets(device.id)
    assert (reset.ts, reset.before_kwh, reset.after_kwh) == (
        DAY + 2 * STEP,
        Decimal(6),
        Decimal("0.2"),
    )


@pytest.mark.django_db
def test_registers_of_an_unknown_device_are_left_out_and_named() -> None:
    device, stranger = make_device(), str(uuid.uuid4())
    batch = registers(device.id, [(DAY, 0), (DAY + STEP, 1_000)])
    batch.append(RegisterReading(stranger, DAY, "1.5"))

    result = store_readings(batch)

    assert (result.stored, result.unknown_devices) == (2, frozenset({stranger}))
    assert stored(device.id) == {DAY: (Decimal("0.001"), 2, Decimal(0))}


@pytest.mark.django_db
def test_an_hour_crossing_the_maximum_raises_its_alert() -> None:
    device = make_device()  # max 5 kWh an hour
    series = [(DAY, 0), (DAY + STEP, 4_000_000), (DAY + 2 * STEP, 6_000_000)]

    first = store_readings(registers(device.id, series[:2]))
    second = store_readings(registers(device.id, series[2:]))

    assert (len(first.alerts), len(second.alerts)) == (0, 1)


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_give_the_exact_consumption() -> None:
    device = make_device()
    rng = random.Random(11)
    series = build_series(rng.randint)
    readings = registers(device.id, series)
    halves = [rng.sample(readings, len(readings)), rng.sample(readings, len(readings))]
    errors: list[BaseException] = []

    def write(batch: list[RegisterReading]) -> None:
        try:
            for i in range(0, len(batch), 3):
                store_readings(batch[i : i + 3])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(half,)) for half in halves]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert stored(device.id) == expected(series)


def register_body(device_id: uuid.UUID, ts: datetime, total: int) -> bytes:
    return json.dumps(
        {
            "timestamp": epoch_ms(ts),
            "device_id": str(device_id),
            "energy_total_kwh": float(Decimal(total) * MICRO),
        }
    ).encode()


@pytest.mark.django_db(transaction=True)
def test_two_consumers_turn_shuffled_duplicated_registers_into_exact_consumption(
    unique_queue: str, broker_config: BrokerConfig
) -> None:
    devices = [make_device() for _ in range(3)]
    rng = random.Random(3)
    serieses = {d.id: build_series(rng.randint) for d in devices}
    # A register of at most 10 significant digits: its JSON float is its exact decimal.
    bodies = [register_body(d.id, ts, v) for d in devices for ts, v in serieses[d.id]]
    bodies += rng.sample(bodies, 10)
    rng.shuffle(bodies)
    publish_all(unique_queue, bodies, broker_config)
    total = sum(len(s) for s in serieses.values())

    with (
        running_consumer(unique_queue, broker_config, batch_size=7),
        running_consumer(unique_queue, broker_config, batch_size=7),
    ):
        wait_until(
            lambda: (
                StoredRegister.objects.filter(device__id__in=[d.id for d in devices]).count()
                == total
            ),
            timeout=20,
            what=str(total),
        )

    connection.close()
    for device in devices:
        assert stored(device.id) == expected(serieses[device.id])


def _hour(ts: datetime) -> datetime:
    return ts.replace(minute=0, second=0, microsecond=0)
