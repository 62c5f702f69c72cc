"""Storing meter readings: raw rows once per (device, instant), hourly totals added by the database.

One SQL statement per batch inserts the readings (``ON CONFLICT DO NOTHING``) and adds exactly
the rows it inserted to ``monitoring_hourly_consumption`` (``ON CONFLICT DO UPDATE SET kwh = kwh +
EXCLUDED.kwh``). Nothing is read into Python and written back, so any number of consumers at once
give exact totals, and a batch redelivered after a crash adds nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from ems_common.messaging.consumer import Message
from monitoring.readings import InvalidReading, Reading, parse_reading

log = logging.getLogger(__name__)

UNKNOWN_DEVICE = "unknown device {device_id}: not (yet) synced to monitoring"

# One statement: which devices of the batch monitoring knows, the readings of those (sorted by
# key, so concurrent consumers take row locks in the same order) inserted once, and only the
# inserted ones added to the hourly totals. It also returns the batch's unknown devices.
STORE_SQL = """
WITH batch AS (
    SELECT device_id, ts, value
    FROM unnest(%s::uuid[], %s::timestamptz[], %s::numeric[]) AS i(device_id, ts, value)
), known AS (
    SELECT id FROM monitoring_device WHERE id IN (SELECT device_id FROM batch)
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
), hourly AS (
    INSERT INTO monitoring_hourly_consumption (device_id, hour_start, kwh)
    SELECT device_id, date_bin('1 hour', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), sum(value)
    FROM inserted
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (device_id, hour_start)
    DO UPDATE SET kwh = monitoring_hourly_consumption.kwh + EXCLUDED.kwh
    RETURNING 1
)
SELECT
    (SELECT count(*) FROM inserted),
    (SELECT count(*) FROM hourly),
    (SELECT array_agg(DISTINCT device_id::text) FROM batch
     WHERE device_id NOT IN (SELECT id FROM known))
"""


@dataclass(frozen=True)
class StoreResult:
    stored: int  # readings newly stored (duplicates of stored ones are not counted)
    hours: int  # hourly rows created or added to
    unknown_devices: frozenset[str] = frozenset()  # device ids (text) monitoring does not know


def store_readings(readings: Sequence[Reading]) -> StoreResult:
    """Store readings of known devices; add the new ones to the hourly totals, atomically.

    Readings of devices monitoring does not know are left out, and their devices returned.
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
        stored, hours, unknown = cursor.fetchone()
    return StoreResult(stored, hours, frozenset(unknown or ()))


def array_literal(items: Iterable[str]) -> str:
    """A PostgreSQL array literal of items that need no quoting (UUIDs, ISO instants, numbers)."""
    return "{" + ",".join(items) + "}"


def handle_batch(messages: Sequence[Message]) -> Mapping[int, str]:
    """ConsumerRunner handler: store the valid readings; return the others with their reason."""
    rejects: dict[int, str] = {}
    parsed: list[tuple[int, Reading]] = []
    for message in messages:
        try:
            parsed.append((message.delivery_tag, parse_reading(message.body)))
        except InvalidReading as exc:
            rejects[message.delivery_tag] = str(exc)
    result = store_readings([reading for _, reading in parsed])
    if result.unknown_devices:
        for tag, reading in parsed:
            if str(reading.device_id) in result.unknown_devices:
                rejects[tag] = UNKNOWN_DEVICE.format(device_id=reading.device_id)
    log.debug(
        "batch of %d: %d stored, %d dead-lettered",
        len(messages),
        result.stored,
        len(rejects),
    )
    return rejects
