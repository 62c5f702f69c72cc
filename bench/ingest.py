"""Ingestion: N readings through consume_measurements (1 and 2 consumers) vs a bare pika drain."""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bench_env import (
    PYTHON,
    ROOT,
    BenchEnv,
    bench_queues,
    broker,
    peak_rss_mb,
    publish,
    queue_depth,
    stop,
    wait_for,
)

START = datetime(2026, 1, 5, tzinfo=UTC)


@dataclass
class Workload:
    devices: list[uuid.UUID]
    bodies: list[bytes]
    expected: dict[tuple[uuid.UUID, datetime], Decimal]  # (device, UTC hour) -> kWh


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float = 0.0
    exact: bool = True

    def rate(self, n: int) -> float:
        return n / self.seconds


# The share of devices that send their cumulative register (energy_total_kwh) instead of the
# interval's energy: the second form of a reading, stored through the register path.
REGISTER_SHARE = 0.1


def make_workload(
    n: int,
    device_count: int,
    seed: int = 1,
    register_share: float = REGISTER_SHARE,
    shuffle_registers: bool = False,
) -> Workload:
    """n readings, 10 minutes apart per device, in the three timestamp formats, shuffled.

    The first ``register_share`` of the devices send registers: a register reading's energy is
    its difference to the device's previous one (the first is the baseline and counts none).
    A register meter's readings keep their order among the others (a meter sends them in
    order, and a queue keeps it), unless ``shuffle_registers``: the worst case, where every
    reading splits a gap between two earlier ones (correct either way; the tests shuffle).
    """
    rng = random.Random(seed)
    devices = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(device_count)]
    registers = {device: Decimal(rng.randrange(0, 10**9)) / 1000 for device in devices}
    register_devices = set(devices[: round(device_count * register_share)])
    bodies: list[bytes] = []
    register_bodies: dict[uuid.UUID, list[int]] = {device: [] for device in register_devices}
    expected: dict[tuple[uuid.UUID, datetime], Decimal] = {}
    for i in range(n):
        device = devices[i % device_count]
        ts = START + timedelta(minutes=10 * (i // device_count))
        value = Decimal(rng.randrange(0, 1_000_000)) / 1_000_000
        stamp: object = [int(ts.timestamp() * 1000), int(ts.timestamp()), ts.isoformat()][i % 3]
        reading: dict[str, object] = {"timestamp": stamp, "device_id": str(device)}
        if device in register_devices:
            first = i < device_count
            registers[device] += 0 if first else value
            value = Decimal(0) if first else value
            reading["energy_total_kwh"] = float(registers[device])
            register_bodies[device].append(i)
        else:
            reading["measurement_value"] = float(value)
        bodies.append(json.dumps(reading).encode())
        key = (device, ts.replace(minute=0))
        expected[key] = expected.get(key, Decimal(0)) + value
    order = list(range(n))
    rng.shuffle(order)
    if not shuffle_registers:  # each register meter's readings into its places, in order
        places: dict[uuid.UUID, list[int]] = {device: [] for device in register_devices}
        device_of = {i: device for device, numbers in register_bodies.items() for i in numbers}
        for place, i in enumerate(order):
            if i in device_of:
                places[device_of[i]].append(place)
        for device, numbers in register_bodies.items():
            for place, i in zip(places[device], numbers, strict=True):
                order[place] = i
    return Workload(devices, [bodies[i] for i in order], expected)


def insert_devices(bench: BenchEnv, devices: list[uuid.UUID]) -> None:
    with (
        bench.sql() as conn,
        conn.cursor() as cursor,
        cursor.copy(
            "COPY monitoring_device (id, version, synced_at, name, description, address,"
            " max_hourly_consumption_kwh) FROM STDIN"
        ) as copy,
    ):
        for i, device in enumerate(devices):
            copy.write_row((device, 1, datetime.now(UTC), f"bench {i}", "", "", 100))


def reset_readings(bench: BenchEnv) -> None:
    with bench.sql() as conn:
        conn.execute(
            "TRUNCATE monitoring_reading, monitoring_register, monitoring_meter_reset,"
            " monitoring_hourly_consumption, monitoring_daily_consumption"
        )


def wait_until_stored(bench: BenchEnv, queue: str, n: int) -> float:
    """When all n readings are committed, polled cheaply so the poller does not slow the run.

    While messages wait in the queue, only RabbitMQ is asked (no PostgreSQL backend started
    every poll); the last batches in flight are then watched on one open connection.
    """
    connection = broker()
    try:
        channel = connection.channel()
        wait_for(lambda: queue_depth(channel, queue)[0] == 0, 300, "the queue to drain", 0.05)
    finally:
        connection.close()
    with bench.sql() as conn:

        def all_stored() -> bool:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM monitoring_reading)"
                " + (SELECT count(*) FROM monitoring_register)"
            ).fetchone()
            return row is not None and int(row[0]) >= n

        return wait_for(all_stored, 300, f"{n} readings", every=0.01)


def totals_exact(bench: BenchEnv, workload: Workload) -> bool:
    with bench.sql() as conn:
        rows = conn.execute(
            "SELECT device_id, hour_start, kwh FROM monitoring_hourly_consumption"
        ).fetchall()
    actual = {(device, hour.astimezone(UTC)): kwh for device, hour, kwh in rows}
    return actual == workload.expected


# Raw: every partition's heap and index over its rows. Kept after the retention: the rollups
# (hourly with its quarter-hours and index, daily) over the readings they hold.
RAW_BYTES_SQL = """
SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0),
       (SELECT count(*) FROM monitoring_reading), count(*)
FROM pg_inherits AS i WHERE i.inhparent = 'monitoring_reading'::regclass
"""
ROLLUP_BYTES_SQL = """
SELECT pg_total_relation_size('monitoring_hourly_consumption')
       + pg_total_relation_size('monitoring_daily_consumption'),
       (SELECT sum(readings) FROM monitoring_hourly_consumption)
"""


def bytes_per_reading(bench: BenchEnv) -> tuple[float, float, float, int]:
    """(raw, raw once its month is compacted, kept after the raw retention, partitions),
    vacuumed as autovacuum would leave them."""
    with bench.sql() as conn:
        for table in ("reading", "hourly_consumption", "daily_consumption"):
            conn.execute(f"VACUUM monitoring_{table}")
        raw_bytes, raw_rows, partitions = conn.execute(RAW_BYTES_SQL).fetchone() or (0, 0, 0)
        rollup_bytes, held = conn.execute(ROLLUP_BYTES_SQL).fetchone() or (0, 0)
        # What the lifecycle's compact_closed makes of a month once it is over.
        conn.execute("REINDEX TABLE monitoring_reading")
        compact_bytes = (conn.execute(RAW_BYTES_SQL).fetchone() or (0, 0, 0))[0]
    rows = max(raw_rows, 1)
    return raw_bytes / rows, compact_bytes / rows, rollup_bytes / max(held or 0, 1), partitions


def consumers_started(queue: str, count: int) -> float:
    connection = broker()
    try:
        channel = connection.channel()
        return wait_for(lambda: queue_depth(channel, queue)[1] >= count, 60, "consumers")
    finally:
        connection.close()


def bare_drain(bench: BenchEnv, workload: Workload) -> Run:
    queue = bench.queue("bare")
    n = len(workload.bodies)
    with bench_queues(queue):
        publish(queue, workload.bodies)
        process = subprocess.Popen(
            [str(PYTHON), str(ROOT / "bench" / "bare_consumer.py"), queue, str(n)], env=bench.env
        )
        started = consumers_started(queue, 1)
        if process.wait(timeout=300) != 0:
            raise SystemExit("bare consumer failed")
        finished = wait_for(lambda: True, 1, "")
    return Run(seconds=finished - started)


def our_consumers(bench: BenchEnv, workload: Workload, consumers: int, batch: int) -> Run:
    queue = bench.queue(f"readings{consumers}")
    n = len(workload.bodies)
    reset_readings(bench)
    with bench_queues(queue):
        publish(queue, workload.bodies)
        args = ["consume_measurements", "--queue", queue, "--batch-size", str(batch)]
        processes = [bench.manage(*args) for _ in range(consumers)]
        try:
            started = consumers_started(queue, consumers)
            finished = wait_until_stored(bench, queue, n)
            rss = max(peak_rss_mb(p.pid) for p in processes)
        finally:
            for process in processes:
                stop(process)
    return Run(seconds=finished - started, peak_rss_mb=rss, exact=totals_exact(bench, workload))


def run_ingestion(
    bench: BenchEnv, n: int, device_count: int, batch: int, rounds: int = 3
) -> dict[str, object]:
    """Bare drain and one consumer, alternating for ``rounds`` rounds; then two consumers.

    One 2-second drain on a 2-core machine moves by a third from run to run (RabbitMQ shares
    the cores), so each round prints its own figures and the ratio is the median of the rounds.
    """
    print(
        f"ingestion: generating {n} readings for {device_count} devices"
        f" ({REGISTER_SHARE:.0%} of them sending registers) ...",
        flush=True,
    )
    workload = make_workload(n, device_count)
    insert_devices(bench, workload.devices)
    ratios: list[float] = []
    bare = one = Run(seconds=float("nan"))
    for round_number in range(1, rounds + 1):
        bare = bare_drain(bench, workload)
        one = our_consumers(bench, workload, 1, batch)
        ratios.append(one.rate(n) / bare.rate(n))
        print(
            f"  round {round_number}: bare pika drain (stores nothing) {bare.rate(n):,.0f}"
            f" readings/s ({bare.seconds:.2f} s); consume_measurements x1 {one.rate(n):,.0f}"
            f" readings/s ({one.seconds:.2f} s), totals exact: {one.exact}, peak RSS"
            f" {one.peak_rss_mb:.0f} MB; ratio {ratios[-1]:.2f}",
            flush=True,
        )
    print(
        f"  ratio ours/bare, median of {rounds}: {statistics.median(ratios):.2f}"
        f" (rounds: {', '.join(f'{r:.2f}' for r in ratios)}; target >= 0.7)",
        flush=True,
    )
    two = our_consumers(bench, workload, 2, batch)
    print(
        f"  consume_measurements x2: {two.rate(n):,.0f} readings/s ({two.seconds:.2f} s),"
        f" totals exact: {two.exact}, peak RSS {two.peak_rss_mb:.0f} MB each at most",
        flush=True,
    )
    worst = make_workload(n, device_count, shuffle_registers=True)
    shuffled = our_consumers(bench, worst, 1, batch)
    print(
        f"  consume_measurements x1, the register meters' readings shuffled too (each one"
        f" splitting a gap between earlier ones): {shuffled.rate(n):,.0f} readings/s"
        f" ({shuffled.seconds:.2f} s), totals exact: {shuffled.exact}",
        flush=True,
    )
    raw, compact, kept, partitions = bytes_per_reading(bench)
    print(
        f"  bytes per reading: raw {raw:.1f} B (monitoring_reading, heap + primary key, over"
        f" {partitions} partitions; target <= 60), {compact:.1f} B once its month is compacted;"
        f" kept after the raw retention {kept:.1f} B (hourly rows with their quarter-hours +"
        " daily rows, over the readings they hold)",
        flush=True,
    )
    return {"bare": bare, "one": one, "two": two, "ratios": ratios, "bytes": (raw, compact, kept)}
