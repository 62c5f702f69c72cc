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

from django.db import connection

from monitoring.consumption.buckets import DeviceNotVisible
from monitoring.consumption.local_days import day_start, period_days
from monitoring.consumption.rollups import ONE_QUARTER, floor_to
from monitoring.ingestion.readings import RegisterReading
from monitoring.models import MICRO_KWH_PER_KWH, Device, MeterReset

# First key of pg_advisory_xact_lock(int4, int4): "registers" (the second is the device key).
REGISTER_LOCK = 0x52454753
# A segment longer than this many device intervals is a gap (spread, marked estimated).
GAP_INTERVALS = 1.5

KNOWN_SQL = """
SELECT id::text, key, reading_interval_minutes FROM monitoring_device
WHERE id = ANY(%s::uuid[]) ORDER BY key
"""
INSERT_SQL = """
INSERT INTO monitoring_register (device_key, ts, total)
SELECT device_key, ts, (total * 1000000)::bigint
FROM unnest(%s::int[], %s::timestamptz[], %s::numeric[]) AS i(device_key, ts, total)
ORDER BY 1, 2
ON CONFLICT (device_key, ts) DO NOTHING
RETURNING device_key, ts
"""
# Per device, its register readings from the one before ``lo`` (its batch's earliest new one) to
# the one after ``hi`` (the latest): every segment the new readings can have split. One
# statement for the batch, an index range scan of the primary key per device.
WINDOW_SQL = """
SELECT w.device_key, r.ts, r.total
FROM unnest(%s::int[], %s::timestamptz[], %s::timestamptz[]) AS w(device_key, lo, hi)
CROSS JOIN LATERAL (
    SELECT ts, total FROM monitoring_register
    WHERE device_key = w.device_key
      AND ts >= coalesce((SELECT max(ts) FROM monitoring_register
                          WHERE device_key = w.device_key AND ts < w.lo), w.lo)
      AND ts <= coalesce((SELECT min(ts) FROM monitoring_register
                          WHERE device_key = w.device_key AND ts > w.hi), w.hi)
) AS r
ORDER BY 1, 2
"""
DELETE_RESETS_SQL = """
DELETE FROM monitoring_meter_reset
WHERE (device_key, ts) IN (SELECT * FROM unnest(%s::int[], %s::timestamptz[]))
"""
INSERT_RESETS_SQL = """
INSERT INTO monitoring_meter_reset (device_key, ts, before, after)
SELECT * FROM unnest(%s::int[], %s::timestamptz[], %s::bigint[], %s::bigint[])
"""


@dataclass(frozen=True)
class Register:
    ts: datetime
    total: int  # micro-kWh


@dataclass(frozen=True)
class Piece:
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
    total_us = length // timedelta(microseconds=1)
    result = []
    done_us, placed = 0, 0
    quarter = floor_to(a.ts, ONE_QUARTER)
    while quarter < b.ts:
        lo, hi = max(quarter, a.ts), min(quarter + ONE_QUARTER, b.ts)
        done_us += (hi - lo) // timedelta(microseconds=1)
        share = delta * done_us // total_us - placed  # the last share ends at exactly delta
        if share:
            result.append(Piece(lo, share, share))
            placed += share
        quarter += ONE_QUARTER
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
        cursor.execute(
            INSERT_SQL,
            [
                [known[str(r.device_id)][0] for r in mine],
                [r.ts for r in mine],
                [Decimal(r.total) for r in mine],
            ],
        )
        inserted: dict[int, set[datetime]] = defaultdict(set)
        for key, ts in cursor.fetchall():
            inserted[key].add(ts)
        intervals = {key: interval for key, interval in known.values()}
        keys = sorted(inserted)
        cursor.execute(
            WINDOW_SQL,
            [keys, [min(inserted[k]) for k in keys], [max(inserted[k]) for k in keys]],
        )
        windows: dict[int, list[Register]] = defaultdict(list)
        for key, ts, total in cursor.fetchall():
            windows[key].append(Register(ts, total))
        for key in keys:
            interval = timedelta(minutes=intervals[key])
            _split(changes, key, windows[key], inserted[key], interval)
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
    """Take out the segments of the window without the new readings, put in those with them."""
    old = [r for r in window if r.ts not in new]
    for a, b in _pairs(old):
        for piece in segment_pieces(a, b, interval):
            _add(changes, key, piece, -1)
        if b.total < a.total:
            changes.resets_removed.append((key, b.ts))
    for a, b in _pairs(window):
        for piece in segment_pieces(a, b, interval):
            _add(changes, key, piece, 1)
        if b.total < a.total:
            changes.resets_added.append((key, b.ts, a.total, b.total))
    for ts in new:
        changes.pieces[(key, ts)][2] += 1  # a stored reading of its hour


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
