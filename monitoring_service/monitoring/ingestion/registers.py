"""Cumulative register readings become consumption, exactly, whatever order they arrive in.

A device's consumption is the difference between consecutive register readings in timestamp
order (``monitoring_register``): the *segment* (a, b] between two neighbours contributes
``b.total - a.total``, or nothing when that is negative (a reset or a replaced meter: b is a new
baseline, recorded in ``monitoring_meter_reset``). A newly stored reading r splits the segment
(prev, next] it falls in: that segment's contribution is taken out of the rollups and the
contributions of (prev, r] and (r, next] are put in. Where a contribution goes depends on the
segment only (``segment_pieces``), so taking it out subtracts exactly what was added, and the
totals depend on the set of stored register readings, never on their arrival order or batching;
a duplicate (same device and instant) is not stored, so it changes nothing.

Placement: a segment at most 1.5 device intervals long is one reading at its end instant; a
longer one (a gap) is spread over the quarter-hours it spans in proportion to time, in
micro-kWh integers (cumulative floors, so the parts add up to the difference exactly, and so do
the hours'), and marked estimated.

One device's register readings are stored under a transaction-scoped advisory lock on its key
(``REGISTER_LOCK``, taken in key order before anything else of the batch is written), so two
consumers never split the same segment at once; different devices stay parallel.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

from monitoring.consumption.buckets import DeviceNotVisible
from monitoring.consumption.local_days import day_start, period_days
from monitoring.consumption.rollups import ONE_QUARTER
from monitoring.ingestion.arrays import array_literal
from monitoring.ingestion.readings import RegisterReading
from monitoring.models import MICRO_KWH_PER_KWH, Device, MeterReset

# First key of pg_advisory_xact_lock(int4, int4): "registers" (the second is the device key).
REGISTER_LOCK = 0x52454753
# A segment longer than this many device intervals is a gap (spread, marked estimated).
GAP_INTERVALS = 1.5
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
QUARTER_US = ONE_QUARTER // ONE_US

KNOWN_SQL = """
SELECT id::text, key, reading_interval_minutes FROM monitoring_device
WHERE id = ANY(%s::uuid[]) ORDER BY key
"""
# Insert the batch's registers and read each new one's older neighbours, before and after, in
# one statement: the lateral reads run on the statement's snapshot, so they see the stored
# readings and none of the new ones (two index probes per new reading). Every run of new
# readings between two older ones gets those two, the ends of the one old segment it splits.
INSERT_SQL = """
WITH new AS (
    INSERT INTO monitoring_register (device_key, ts, total)
    SELECT device_key, ts, (total * 1000000)::bigint
    FROM unnest(%s::int[], %s::timestamptz[], %s::numeric[]) AS i(device_key, ts, total)
    ORDER BY 1, 2
    ON CONFLICT (device_key, ts) DO NOTHING
    RETURNING device_key, ts, total
)
SELECT true, device_key, ts, total FROM new
UNION ALL
SELECT DISTINCT false, n.device_key, r.ts, r.total
FROM new AS n CROSS JOIN LATERAL (
    (SELECT ts, total FROM monitoring_register
     WHERE device_key = n.device_key AND ts < n.ts ORDER BY ts DESC LIMIT 1)
    UNION ALL
    (SELECT ts, total FROM monitoring_register
     WHERE device_key = n.device_key AND ts > n.ts ORDER BY ts LIMIT 1)
) AS r
"""
DELETE_RESETS_SQL = """
DELETE FROM monitoring_meter_reset
WHERE (device_key, ts) IN (SELECT * FROM unnest(%s::int[], %s::timestamptz[]))
"""
INSERT_RESETS_SQL = """
INSERT INTO monitoring_meter_reset (device_key, ts, before, after)
SELECT * FROM unnest(%s::int[], %s::timestamptz[], %s::bigint[], %s::bigint[])
"""


class Register(NamedTuple):  # NamedTuples: a shuffled backlog makes many of both
    ts: datetime
    total: int  # micro-kWh


class Piece(NamedTuple):
    """Energy (micro-kWh, signed) binned at ``ts``; ``estimated`` of it spread over a gap."""

    ts: datetime
    value: int
    estimated: int = 0


@dataclass
class Changes:
    """What a batch's register readings change: rollup pieces per (device key, instant)
    (value, estimated, readings), and the meter resets to remove and to add."""

    pieces: dict[tuple[int, datetime], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0])
    )
    resets_removed: list[tuple[int, datetime]] = field(default_factory=list)
    resets_added: list[tuple[int, datetime, int, int]] = field(default_factory=list)
    unknown_devices: frozenset[str] = frozenset()

    def rows(self) -> list[tuple[int, datetime, int, int, int]]:
        """(device key, instant, value, estimated, readings) of the pieces that change
        anything, sorted (the rollups' lock order)."""
        return [
            (key, ts, value, estimated, readings)
            for (key, ts), (value, estimated, readings) in sorted(self.pieces.items())
            if value or estimated or readings
        ]


def segment_pieces(a: Register, b: Register, interval: timedelta) -> list[Piece]:
    """Where the consumption of the segment (a, b] goes (nothing on a reset)."""
    delta = b.total - a.total
    if delta <= 0:
        return []
    length = b.ts - a.ts
    if length <= interval * GAP_INTERVALS:
        return [Piece(b.ts, delta)]
    # In integer microseconds from the epoch: a gap of hours is many quarter-hours, and a
    # shuffled backlog spreads (and takes out) many gaps.
    a_us, b_us = (a.ts - EPOCH) // ONE_US, (b.ts - EPOCH) // ONE_US
    total_us = b_us - a_us
    result = []
    placed = 0
    quarter = a_us - a_us % QUARTER_US
    while quarter < b_us:
        # cumulative floors: the last share ends at exactly delta
        share = delta * (min(quarter + QUARTER_US, b_us) - a_us) // total_us - placed
        if share:
            lo = max(quarter, a_us)
            result.append(Piece(EPOCH + timedelta(microseconds=lo), share, share))
            placed += share
        quarter += QUARTER_US
    return result


def store_registers(registers: Sequence[RegisterReading]) -> Changes:
    """Lock the batch's devices, store their new register readings, and return the rollup
    pieces and resets they change. Runs inside the batch's transaction, before its rollups."""
    changes = Changes()
    ids = sorted({str(r.device_id) for r in registers})
    with connection.cursor() as cursor:
        cursor.execute(KNOWN_SQL, [ids])
        known = {device_id: (key, interval) for device_id, key, interval in cursor.fetchall()}
        changes.unknown_devices = frozenset(ids) - known.keys()
        mine = [r for r in registers if str(r.device_id) in known]
        if not mine:
            return changes
        keys = sorted({known[str(r.device_id)][0] for r in mine})
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, k)) FROM unnest(%s::int[]) AS k",
            [REGISTER_LOCK, keys],
        )
        # Arrays as text literals, as the batch's main statement (store.py): cheap to build.
        cursor.execute(
            INSERT_SQL,
            [
                array_literal(str(known[str(r.device_id)][0]) for r in mine),
                array_literal(r.ts.isoformat() for r in mine),
                array_literal(str(r.total) for r in mine),
            ],
        )
        inserted: dict[int, set[datetime]] = defaultdict(set)
        windows: dict[int, dict[datetime, int]] = defaultdict(dict)
        for is_new, key, ts, total in cursor.fetchall():
            if is_new:
                inserted[key].add(ts)
            windows[key][ts] = total
        if not inserted:
            return changes
        intervals = {key: interval for key, interval in known.values()}
        for key in sorted(windows):
            window = [Register(ts, total) for ts, total in sorted(windows[key].items())]
            _split(changes, key, window, inserted[key], timedelta(minutes=intervals[key]))
        if changes.resets_removed:
            keys_col, ts_col = zip(*changes.resets_removed, strict=True)
            cursor.execute(DELETE_RESETS_SQL, [list(keys_col), list(ts_col)])
        if changes.resets_added:
            columns = [list(c) for c in zip(*changes.resets_added, strict=True)]
            cursor.execute(INSERT_RESETS_SQL, columns)
    return changes


def _split(
    changes: Changes, key: int, window: list[Register], new: set[datetime], interval: timedelta
) -> None:
    """Each run of new readings in the window splits the old segment (a, b) around it (either
    end may be missing): take that segment out, put in the chain a, run..., b. Segments of two
    old readings are unchanged, and the window's two neighbouring old readings need not be
    neighbours in the table, so those are never touched."""
    before: Register | None = None
    run: list[Register] = []
    for reading in window:
        if reading.ts in new:
            run.append(reading)
            continue
        if run:
            _replace(changes, key, before, run, reading, interval)
            run = []
        before = reading
    if run:
        _replace(changes, key, before, run, None, interval)
    for ts in new:
        changes.pieces[(key, ts)][2] += 1  # a stored reading of its hour


def _replace(
    changes: Changes,
    key: int,
    a: Register | None,
    run: list[Register],
    b: Register | None,
    interval: timedelta,
) -> None:
    if a is not None and b is not None:
        for piece in segment_pieces(a, b, interval):
            _add(changes, key, piece, -1)
        if b.total < a.total:
            changes.resets_removed.append((key, b.ts))
    chain = [r for r in (a, *run, b) if r is not None]
    for x, y in _pairs(chain):
        for piece in segment_pieces(x, y, interval):
            _add(changes, key, piece, 1)
        if y.total < x.total:
            changes.resets_added.append((key, y.ts, x.total, y.total))


def _add(changes: Changes, key: int, piece: Piece, sign: int) -> None:
    totals = changes.pieces[(key, piece.ts)]
    totals[0] += sign * piece.value
    totals[1] += sign * piece.estimated


def _pairs(rows: Sequence[Register]) -> Iterable[tuple[Register, Register]]:
    return zip(rows, rows[1:], strict=False)


@dataclass(frozen=True)
class ResetView:
    ts: datetime
    before_kwh: Decimal
    after_kwh: Decimal


def meter_resets(
    device_id: uuid.UUID,
    zone: tzinfo = UTC,
    start: date | None = None,
    end: date | None = None,
) -> list[ResetView]:
    """The device's meter resets, latest first, on local days ``start..end`` of ``zone`` (both
    included; either may be left open); DeviceNotVisible for an unknown device, InvalidPeriod
    when ``end`` is before ``start``."""
    if start and end:
        period_days(start, end)
    if not Device.objects.filter(id=device_id).exists():
        raise DeviceNotVisible()
    rows = MeterReset.objects.filter(device__id=device_id).order_by("-ts")
    if start:
        rows = rows.filter(ts__gte=day_start(start, zone))
    if end:
        rows = rows.filter(ts__lt=day_start(end + timedelta(days=1), zone))
    return [
        ResetView(
            row.ts, Decimal(row.before) / MICRO_KWH_PER_KWH, Decimal(row.after) / MICRO_KWH_PER_KWH
        )
        for row in rows
    ]
