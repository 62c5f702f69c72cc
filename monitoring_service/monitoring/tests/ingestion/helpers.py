"""Helpers for the measurement tests: devices, reading bodies, a consumer running in a thread."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, connections

from ems_common.messaging.consumer import ConsumerRunner
from ems_common.settings import BrokerConfig
from ems_common.testing.broker import open_connection, publish_raw, wait_until
from monitoring.ingestion.consumer import handle_batch
from monitoring.models import Device, HourlyConsumption, Reading


def make_device(owner_id: uuid.UUID | None = None) -> Device:
    return Device.objects.create(
        id=uuid.uuid4(), name="Meter", owner_id=owner_id, max_hourly_consumption_kwh=5
    )


def body(device_id: uuid.UUID | str, timestamp: Any, value: Any) -> bytes:
    return json.dumps(
        {"timestamp": timestamp, "device_id": str(device_id), "measurement_value": value}
    ).encode()


def epoch_ms(ts: datetime) -> int:
    return int(ts.timestamp() * 1000)


def day_of_readings(day_start: datetime) -> list[tuple[datetime, Decimal]]:
    """144 ten-minute readings (00:00 .. 23:50) with distinct, exact values."""
    return [(day_start + timedelta(minutes=10 * i), Decimal(i + 1) / 1000) for i in range(144)]


def hourly(device_id: uuid.UUID) -> dict[datetime, Decimal]:
    rows = HourlyConsumption.objects.filter(device_id=device_id).order_by("hour_start")
    return {row.hour_start.astimezone(UTC): row.kwh for row in rows}


def expected_hourly(readings: list[tuple[datetime, Decimal]]) -> dict[datetime, Decimal]:
    totals: dict[datetime, Decimal] = {}
    for ts, value in readings:
        hour = ts.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        totals[hour] = totals.get(hour, Decimal(0)) + value
    return totals


ROLLUPS_FROM_READINGS_SQL = """
SELECT 'hour', date_bin('1 hour', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), sum(value), count(*)
FROM monitoring_reading_kwh WHERE device_id = %(device)s GROUP BY 2
UNION ALL
SELECT 'quarter', date_bin('15 minutes', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), sum(value),
       count(*)
FROM monitoring_reading_kwh WHERE device_id = %(device)s GROUP BY 2
UNION ALL
SELECT 'day', date_bin('1 day', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), sum(value), count(*)
FROM monitoring_reading_kwh WHERE device_id = %(device)s GROUP BY 2
"""
# Quarter-hours without readings are left out (an hour's quarters are all there, some empty).
ROLLUPS_SQL = """
SELECT 'hour', hour_start, kwh, readings FROM monitoring_hourly_consumption
WHERE device_id = %(device)s
UNION ALL
SELECT 'quarter', quarter_start, kwh, readings FROM monitoring_quarter_consumption
WHERE device_id = %(device)s AND readings > 0
UNION ALL
SELECT 'day', day_start, kwh, readings FROM monitoring_daily_consumption
WHERE device_id = %(device)s
"""


def assert_rollups_exact(device_id: uuid.UUID) -> None:
    """The hourly (and quarter-hour) and daily totals (kWh and reading counts) are those of the
    stored readings."""
    with connection.cursor() as cursor:
        cursor.execute(ROLLUPS_FROM_READINGS_SQL, {"device": device_id})
        expected = sorted(cursor.fetchall())
        cursor.execute(ROLLUPS_SQL, {"device": device_id})
        actual = sorted(cursor.fetchall())
    assert actual == expected


def stored_count(device_id: uuid.UUID) -> int:
    return Reading.objects.filter(device__id=device_id).count()


@contextmanager
def running_consumer(
    queue: str, config: BrokerConfig, *, batch_size: int = 50, max_wait: float = 0.05
) -> Iterator[ConsumerRunner]:
    """A ConsumerRunner set up as consume_measurements sets it up, in a thread, stopped on exit."""
    runner = ConsumerRunner(
        queue,
        handle_batch,
        batch_size=batch_size,
        max_wait=max_wait,
        config=config,
        declare=None,
        overlap=True,
        worker_teardown=connections.close_all,
    )

    def run() -> None:
        try:
            runner.run()
        finally:
            connections.close_all()  # this thread's connection, so the test database can go

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield runner
    finally:
        runner.stop()
        thread.join(timeout=10)
        assert not thread.is_alive(), "consumer did not stop"


def publish_all(queue: str, bodies: list[bytes], config: BrokerConfig) -> None:
    conn = open_connection(config)
    try:
        channel = conn.channel()
        channel.confirm_delivery()
        for payload in bodies:
            publish_raw(queue, payload, channel=channel)
    finally:
        conn.close()


def consume_with_two_runners(
    queue: str, config: BrokerConfig, devices: list[Device], total: int, batch_size: int
) -> None:
    """Two runners compete for ``queue`` until ``devices`` hold ``total`` readings (in 20 s)."""
    with (
        running_consumer(queue, config, batch_size=batch_size),
        running_consumer(queue, config, batch_size=batch_size),
    ):
        wait_until(
            lambda: sum(stored_count(d.id) for d in devices) == total, timeout=20, what=str(total)
        )


def devices_with_a_day(
    count: int, day_start: datetime
) -> tuple[list[Device], list[tuple[datetime, Decimal]], list[bytes]]:
    """``count`` new devices and a day of readings for each (day_of_readings, the same values):
    (devices, the day's readings, every device's bodies)."""
    devices = [make_device() for _ in range(count)]
    readings = day_of_readings(day_start)
    bodies = [body(d.id, epoch_ms(ts), float(v)) for d in devices for ts, v in readings]
    return devices, readings, bodies
