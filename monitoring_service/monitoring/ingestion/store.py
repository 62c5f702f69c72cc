"""Storing meter readings: raw rows once per (device, instant), rollups added by the database.

One SQL statement per batch inserts the readings (``ON CONFLICT DO NOTHING``) and adds exactly
the rows it inserted (their kWh and their count) to the per-UTC-hour totals
``monitoring_hourly_consumption`` and the per-UTC-day totals ``monitoring_daily_consumption``
(``ON CONFLICT DO UPDATE SET kwh = kwh + EXCLUDED.kwh, readings = readings + EXCLUDED.readings``),
and raises an alert for each device-hour it took over the maximum.
Nothing is read into Python and written back, so any number of consumers at once
give exact totals, and a batch redelivered after a crash adds nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from monitoring.alerts.events import queue_alert_events
from monitoring.ingestion.readings import Reading

# One statement: which devices of the batch monitoring knows, the readings of those (sorted by
# key, so concurrent consumers take row locks in the same order) inserted once, and only the
# inserted ones added to the hourly and daily totals: hours first (the daily upsert waits for the
# hourly one to finish, the ``count(*) FROM hourly`` condition), then days, each sorted by key, so
# every consumer takes its locks in that one order. A device-hour whose total this statement took
# from <= max to > max (old = new - added: the upsert returns the total after its own addition,
# which row locks serialise between consumers) gets its alert, once per (device, hour). It also
# returns the batch's unknown devices and the new alerts' ids.
STORE_SQL = """
WITH batch AS (
    SELECT device_id, ts, value
    FROM unnest(%s::uuid[], %s::timestamptz[], %s::numeric[]) AS i(device_id, ts, value)
), known AS (
    SELECT id, owner_id, max_hourly_consumption_kwh AS max_kwh
    FROM monitoring_device WHERE id IN (SELECT device_id FROM batch)
), input AS (
    SELECT device_id, ts, value
    FROM batch
    WHERE device_id IN (SELECT id FROM known)
    ORDER BY device_id, ts
), inserted AS (
    INSERT INTO monitoring_reading (device_id, ts, value)
    SELECT device_id, ts, value FROM input
    ON CONFLICT (device_id, ts) DO NOTHING
    RETURNING device_id, ts, value
), added AS (
    SELECT device_id, date_bin('1 hour', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS hour_start,
           sum(value) AS kwh, count(*) AS readings
    FROM inserted
    GROUP BY 1, 2
), hourly AS (
    INSERT INTO monitoring_hourly_consumption (device_id, hour_start, kwh, readings)
    SELECT device_id, hour_start, kwh, readings FROM added
    ORDER BY 1, 2
    ON CONFLICT (device_id, hour_start)
    DO UPDATE SET kwh = monitoring_hourly_consumption.kwh + EXCLUDED.kwh,
                  readings = monitoring_hourly_consumption.readings + EXCLUDED.readings
    RETURNING device_id, hour_start, kwh
), daily AS (
    INSERT INTO monitoring_daily_consumption (device_id, day_start, kwh, readings)
    SELECT device_id, date_bin('1 day', hour_start, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
           sum(kwh), sum(readings)
    FROM added
    WHERE (SELECT count(*) FROM hourly) >= 0
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (device_id, day_start)
    DO UPDATE SET kwh = monitoring_daily_consumption.kwh + EXCLUDED.kwh,
                  readings = monitoring_daily_consumption.readings + EXCLUDED.readings
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


def store_readings(readings: Sequence[Reading]) -> StoreResult:
    """Store readings of known devices; add the new ones to the hourly totals, atomically.

    Readings of devices monitoring does not know are left out, and their devices returned.
    Hours that went over their device's maximum get an alert, and its event goes to the outbox,
    in the same transaction.
    """
    if not readings:
        return StoreResult(0, 0)
    with transaction.atomic(), connection.cursor() as cursor:
        # Arrays as text literals: one parameter each, parsed by PostgreSQL, cheap to build.
        cursor.execute(
            STORE_SQL,
            [
                array_literal(str(r.device_id) for r in readings),
                array_literal(r.ts.isoformat() for r in readings),
                array_literal(str(r.value) for r in readings),
            ],
        )
        stored, hours, _days, unknown, alert_ids = cursor.fetchone()
        if alert_ids:
            queue_alert_events(alert_ids)
    return StoreResult(stored, hours, frozenset(unknown or ()), tuple(alert_ids or ()))


def array_literal(items: Iterable[str]) -> str:
    """A PostgreSQL array literal of items that need no quoting (UUIDs, ISO instants, numbers)."""
    return "{" + ",".join(items) + "}"
