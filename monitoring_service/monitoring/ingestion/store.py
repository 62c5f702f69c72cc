"""Storing meter readings: raw rows once per (device, instant), rollups added by the database.

One SQL statement per batch inserts the readings (``ON CONFLICT DO NOTHING``) and adds exactly
the rows it inserted (their kWh and their count) to the per-UTC-hour totals
``monitoring_hourly_consumption`` (and to its first three quarter-hours, for zones at :30 and :45
offsets) and the per-UTC-day totals ``monitoring_daily_consumption``
(``ON CONFLICT DO UPDATE SET kwh = kwh + EXCLUDED.kwh, readings = readings + EXCLUDED.readings``),
and raises an alert for each device-hour it took over the maximum.
Nothing is read into Python and written back, so any number of consumers at once
give exact totals, and a batch redelivered after a crash adds nothing twice.

Raw rows are kept ``EMS_RAW_RETENTION_DAYS`` (monitoring.ingestion.lifecycle): a reading older
than that is not stored (its raw row may be gone, so the insert could not tell it was counted
already) but returned, to be dead-lettered. A reading in a month without its partition yet gets
the partition, and the batch is stored again.

Register readings (the second form) are stored first, in the same transaction, under their
devices' locks (monitoring.ingestion.registers); the consumption they make known, added or taken
back, comes into the same statement as signed pieces (``pieces``), so its rollups, alerts and
lock order are the ordinary readings'.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import IntegrityError, connection, transaction

from monitoring.alerts.events import queue_alert_events
from monitoring.ingestion import lifecycle
from monitoring.ingestion.arrays import array_literal
from monitoring.ingestion.readings import Reading, RegisterReading
from monitoring.ingestion.registers import Changes, store_registers

# One statement: which devices of the batch monitoring knows, the readings of those (by device
# key, in micro-kWh; sorted by key, so concurrent consumers take row locks in the same order)
# inserted once, and only the inserted ones added to the hourly totals (with their first three
# quarter-hours) and the daily totals: hours first (the daily upsert waits for the hourly one to
# finish, the ``count(*) FROM hourly`` condition), then days, each sorted by key, so every
# consumer takes its locks in that one order. A device-hour whose total this statement took
# from <= max to > max (old = new - added: the upsert returns the total after its own addition,
# which row locks serialise between consumers) gets its alert, once per (device, hour). It also
# returns the batch's unknown devices and the new alerts' ids.
STORE_SQL = """
WITH batch AS (
    SELECT device_id, ts, value
    FROM unnest(%s::uuid[], %s::timestamptz[], %s::numeric[]) AS i(device_id, ts, value)
), pieces AS (
    SELECT device_key, ts, value, estimated, readings
    FROM unnest(%s::int[], %s::timestamptz[], %s::bigint[], %s::bigint[], %s::int[])
        AS p(device_key, ts, value, estimated, readings)
), known AS (
    SELECT id, key, owner_id, max_hourly_consumption_kwh AS max_kwh
    FROM monitoring_device
    WHERE id IN (SELECT device_id FROM batch) OR key IN (SELECT device_key FROM pieces)
), input AS (
    SELECT k.key AS device_key, b.ts, (b.value * 1000000)::bigint AS value
    FROM batch AS b
    JOIN known AS k ON k.id = b.device_id
    ORDER BY 1, 2
), inserted AS (
    INSERT INTO monitoring_reading (device_key, ts, value)
    SELECT device_key, ts, value FROM input
    ON CONFLICT (device_key, ts) DO NOTHING
    RETURNING device_key, ts, value
), binned AS (
    SELECT device_key, value, estimated, readings, reading_ts,
           date_bin('15 minutes', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS quarter_start,
           date_bin('1 hour', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS hour_start
    FROM (
        SELECT device_key, ts, value, 0::bigint AS estimated, 1 AS readings, ts AS reading_ts
        FROM inserted
        UNION ALL
        SELECT device_key, ts, value, estimated, readings,
               CASE WHEN readings > 0 THEN ts END
        FROM pieces
    ) AS all_pieces
), added AS (
    SELECT k.id AS device_id, b.hour_start,
           sum(b.value) * 0.000001 AS kwh, sum(b.readings) AS readings,
           max(b.reading_ts) AS last_ts, sum(b.estimated) * 0.000001 AS estimated_kwh,
           coalesce(sum(b.value) FILTER (WHERE b.quarter_start = b.hour_start), 0) * 0.000001
               AS q1_kwh,
           coalesce(sum(b.value) FILTER (
               WHERE b.quarter_start = b.hour_start + INTERVAL '15 minutes'), 0) * 0.000001
               AS q2_kwh,
           coalesce(sum(b.value) FILTER (
               WHERE b.quarter_start = b.hour_start + INTERVAL '30 minutes'), 0) * 0.000001
               AS q3_kwh,
           coalesce(sum(b.readings) FILTER (WHERE b.quarter_start = b.hour_start), 0)
               AS q1_readings,
           coalesce(sum(b.readings) FILTER (
               WHERE b.quarter_start = b.hour_start + INTERVAL '15 minutes'), 0) AS q2_readings,
           coalesce(sum(b.readings) FILTER (
               WHERE b.quarter_start = b.hour_start + INTERVAL '30 minutes'), 0) AS q3_readings,
           max(b.reading_ts) FILTER (WHERE b.quarter_start = b.hour_start) AS q1_last_ts,
           max(b.reading_ts) FILTER (
               WHERE b.quarter_start = b.hour_start + INTERVAL '15 minutes') AS q2_last_ts,
           max(b.reading_ts) FILTER (
               WHERE b.quarter_start = b.hour_start + INTERVAL '30 minutes') AS q3_last_ts
    FROM binned AS b
    JOIN known AS k ON k.key = b.device_key
    GROUP BY 1, 2
), hourly AS (
    INSERT INTO monitoring_hourly_consumption
        (device_id, hour_start, kwh, readings, estimated_kwh,
         q1_kwh, q2_kwh, q3_kwh, q1_readings, q2_readings, q3_readings,
         last_ts, q1_last_ts, q2_last_ts, q3_last_ts)
    SELECT device_id, hour_start, kwh, readings, estimated_kwh,
           q1_kwh, q2_kwh, q3_kwh, q1_readings, q2_readings, q3_readings,
           last_ts, q1_last_ts, q2_last_ts, q3_last_ts
    FROM added
    ORDER BY 1, 2
    ON CONFLICT (device_id, hour_start)
    DO UPDATE SET kwh = monitoring_hourly_consumption.kwh + EXCLUDED.kwh,
                  readings = monitoring_hourly_consumption.readings + EXCLUDED.readings,
                  estimated_kwh = monitoring_hourly_consumption.estimated_kwh
                                  + EXCLUDED.estimated_kwh,
                  q1_kwh = monitoring_hourly_consumption.q1_kwh + EXCLUDED.q1_kwh,
                  q2_kwh = monitoring_hourly_consumption.q2_kwh + EXCLUDED.q2_kwh,
                  q3_kwh = monitoring_hourly_consumption.q3_kwh + EXCLUDED.q3_kwh,
                  q1_readings = monitoring_hourly_consumption.q1_readings + EXCLUDED.q1_readings,
                  q2_readings = monitoring_hourly_consumption.q2_readings + EXCLUDED.q2_readings,
                  q3_readings = monitoring_hourly_consumption.q3_readings + EXCLUDED.q3_readings,
                  last_ts = greatest(monitoring_hourly_consumption.last_ts, EXCLUDED.last_ts),
                  q1_last_ts = greatest(monitoring_hourly_consumption.q1_last_ts,
                                        EXCLUDED.q1_last_ts),
                  q2_last_ts = greatest(monitoring_hourly_consumption.q2_last_ts,
                                        EXCLUDED.q2_last_ts),
                  q3_last_ts = greatest(monitoring_hourly_consumption.q3_last_ts,
                                        EXCLUDED.q3_last_ts)
    RETURNING device_id, hour_start, kwh
), daily AS (
    INSERT INTO monitoring_daily_consumption
        (device_id, day_start, kwh, readings, estimated_kwh)
    SELECT device_id, date_bin('1 day', hour_start, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
           sum(kwh), sum(readings), sum(estimated_kwh)
    FROM added
    WHERE (SELECT count(*) FROM hourly) >= 0
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (device_id, day_start)
    DO UPDATE SET kwh = monitoring_daily_consumption.kwh + EXCLUDED.kwh,
                  readings = monitoring_daily_consumption.readings + EXCLUDED.readings,
                  estimated_kwh = monitoring_daily_consumption.estimated_kwh
                                  + EXCLUDED.estimated_kwh
    RETURNING 1
), alerts AS (
    INSERT INTO monitoring_alert (id, device_id, owner_id, hour_start, kwh, max_kwh, created_at)
    SELECT gen_random_uuid(), k.id, k.owner_id, h.hour_start, h.kwh, k.max_kwh,
           statement_timestamp()
    FROM hourly h
    JOIN known k ON k.id = h.device_id AND h.kwh > k.max_kwh
    JOIN added a ON a.device_id = h.device_id AND a.hour_start = h.hour_start
    WHERE h.kwh - a.kwh <= k.max_kwh
    ON CONFLICT (device_id, hour_start) DO NOTHING
    RETURNING id
)
SELECT
    (SELECT count(*) FROM inserted),
    (SELECT count(*) FROM hourly),
    (SELECT count(*) FROM daily),
    (SELECT array_agg(DISTINCT device_id::text) FROM batch
     WHERE device_id NOT IN (SELECT id FROM known)),
    (SELECT array_agg(id) FROM alerts)
"""


@dataclass(frozen=True)
class StoreResult:
    stored: int  # readings newly stored (duplicates of stored ones are not counted)
    hours: int  # hourly rows created or added to
    unknown_devices: frozenset[str] = frozenset()  # device ids (text) monitoring does not know
    alerts: tuple[uuid.UUID, ...] = ()  # ids of the alerts this batch raised
    expired: tuple[int, ...] = ()  # indexes of the readings older than the raw retention


def store_readings(
    readings: Sequence[Reading | RegisterReading], now: datetime | None = None
) -> StoreResult:
    """Store readings of known devices; add the new ones to the hourly totals, atomically.

    Register readings (RegisterReading) add the consumption they make known
    (monitoring.ingestion.registers), in the same transaction.

    Readings of devices monitoring does not know are left out, and their devices returned;
    readings older than the raw retention (at ``now``, default the clock) are left out, and
    their indexes returned. Hours that went over their device's maximum get an alert, and its
    event goes to the outbox, in the same transaction.
    """
    cutoff = lifecycle.raw_cutoff(now)
    expired: tuple[int, ...] = ()
    if cutoff is not None and readings and min(r.ts for r in readings) < cutoff:
        expired = tuple(i for i, r in enumerate(readings) if r.ts < cutoff)
        readings = [r for r in readings if r.ts >= cutoff]
    if not readings:
        return StoreResult(0, 0, expired=expired)
    try:
        result = _store(readings)
    except IntegrityError as exc:
        if not lifecycle.is_missing_partition(exc):
            raise
        lifecycle.ensure_partitions(r.ts for r in readings)
        result = _store(readings)
    return replace(result, expired=expired)


def _store(batch: Sequence[Reading | RegisterReading]) -> StoreResult:
    readings = [r for r in batch if type(r) is Reading]
    registers = [r for r in batch if type(r) is RegisterReading]
    with transaction.atomic(), connection.cursor() as cursor:
        # The registers first: their devices' locks before any row lock of the batch.
        changes = store_registers(registers) if registers else Changes()
        pieces = changes.rows()
        # Arrays as text literals: one parameter each, parsed by PostgreSQL, cheap to build.
        cursor.execute(
            STORE_SQL,
            [
                array_literal(str(r.device_id) for r in readings),
                array_literal(r.ts.isoformat() for r in readings),
                array_literal(str(r.value) for r in readings),
                array_literal(str(p[0]) for p in pieces),
                array_literal(p[1].isoformat() for p in pieces),
                *(array_literal(str(p[i]) for p in pieces) for i in (2, 3, 4)),
            ],
        )
        stored, hours, _days, unknown, alert_ids = cursor.fetchone()
        if alert_ids:
            queue_alert_events(alert_ids)
    stored += sum(p[4] for p in pieces)
    unknown_devices = frozenset(unknown or ()) | changes.unknown_devices
    return StoreResult(stored, hours, unknown_devices, tuple(alert_ids or ()))


def meter_formats(device_ids: Iterable[str]) -> dict[str, str]:
    """The meter_format of each of these devices monitoring knows (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id::text, meter_format FROM monitoring_device WHERE id = ANY(%s::uuid[])",
            [list(device_ids)],
        )
        return dict(cursor.fetchall())
