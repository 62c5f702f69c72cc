"""Data migrations: what was stored before a migration reads the same after it."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_READS = [("monitoring", "0009_export_ticket_use")]
READS = [("monitoring", "0010_alert_read_per_user")]
HOUR = datetime(2026, 4, 1, 12, tzinfo=UTC)
READ_AT = datetime(2026, 4, 1, 13, 5, tzinfo=UTC)


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()  # what the previous migrate left
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_an_alert_read_before_reads_per_user_is_read_by_its_owner() -> None:
    apps = migrate(BEFORE_READS).loader.project_state(BEFORE_READS).apps
    Device, Alert = apps.get_model("monitoring", "Device"), apps.get_model("monitoring", "Alert")
    owner = uuid.uuid4()
    device = Device.objects.create(id=uuid.uuid4(), name="d", max_hourly_consumption_kwh=1)
    common = {"device": device, "kwh": 2, "max_kwh": 1}
    read = Alert.objects.create(hour_start=HOUR, owner_id=owner, read_at=READ_AT, **common)
    unread = Alert.objects.create(hour_start=HOUR.replace(hour=13), owner_id=owner, **common)
    ownerless = Alert.objects.create(hour_start=HOUR.replace(hour=14), read_at=READ_AT, **common)
    try:
        apps = migrate(READS).loader.project_state(READS).apps
        AlertRead = apps.get_model("monitoring", "AlertRead")
        reads = {(r.alert_id, r.user_id, r.read_at) for r in AlertRead.objects.all()}
        assert reads == {(read.id, owner, READ_AT)}

        # Backwards: the owner's read is the alert's read_at again.
        apps = migrate(BEFORE_READS).loader.project_state(BEFORE_READS).apps
        back = apps.get_model("monitoring", "Alert").objects
        assert back.get(id=read.id).read_at == READ_AT
        assert back.get(id=unread.id).read_at is None
        assert back.get(id=ownerless.id).read_at is None
    finally:  # the other tests' schema, whatever happened
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("monitoring"))


BEFORE_PARTITIONS = [("monitoring", "0010_alert_read_per_user")]
PARTITIONS = [("monitoring", "0011_reading_lifecycle")]
# Readings of the old table (device id, kWh with 6 decimals) at every place in their hours.
OLD_READINGS = [
    (datetime(2024, 2, 29, 23, 0, tzinfo=UTC), Decimal("0.000001")),
    (datetime(2024, 2, 29, 23, 14, 59, 999000, tzinfo=UTC), Decimal("1.5")),
    (datetime(2024, 2, 29, 23, 15, tzinfo=UTC), Decimal("2.25")),
    (datetime(2024, 2, 29, 23, 44, 59, tzinfo=UTC), Decimal("12345678.123456")),
    (datetime(2024, 2, 29, 23, 45, tzinfo=UTC), Decimal("4")),
    (datetime(2024, 3, 1, 0, 30, tzinfo=UTC), Decimal("8")),
]
OLD_HOURLY_SQL = """
INSERT INTO monitoring_hourly_consumption (device_id, hour_start, kwh, readings)
SELECT device_id, date_bin('1 hour', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'), sum(value),
       count(*)
FROM monitoring_reading GROUP BY 1, 2
"""


@pytest.mark.django_db(transaction=True)
def test_readings_move_to_monthly_partitions_exactly_and_back() -> None:
    migrate(BEFORE_PARTITIONS)
    device_id, gone = uuid.uuid4(), uuid.uuid4()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO monitoring_device (id, version, synced_at, name, description, address,"
            " max_hourly_consumption_kwh) VALUES (%s, 1, now(), 'd', '', '', 1)",
            [device_id],
        )
        for ts, value in OLD_READINGS:
            cursor.execute(
                "INSERT INTO monitoring_reading (device_id, ts, value) VALUES (%s, %s, %s)",
                [device_id, ts, value],
            )
        # A deleted device's row left behind (no constraint): unreachable, not carried over.
        cursor.execute(
            "INSERT INTO monitoring_reading (device_id, ts, value) VALUES (%s, now(), 1)", [gone]
        )
        cursor.execute(OLD_HOURLY_SQL)
    try:
        migrate(PARTITIONS)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ts, value FROM monitoring_reading_kwh WHERE device_id = %s ORDER BY ts",
                [device_id],
            )
            assert cursor.fetchall() == OLD_READINGS
            cursor.execute("SELECT count(*) FROM monitoring_reading_kwh")
            assert cursor.fetchone() == (len(OLD_READINGS),)
            cursor.execute(
                "SELECT quarter_start, kwh, readings, last_ts FROM monitoring_quarter_consumption"
                " WHERE device_id = %s AND readings > 0 ORDER BY 1",
                [device_id],
            )
            hour = datetime(2024, 2, 29, 23, tzinfo=UTC)
            assert cursor.fetchall() == [
                (hour, Decimal("1.500001"), 2, OLD_READINGS[1][0]),
                (hour + timedelta(minutes=15), Decimal("2.25"), 1, OLD_READINGS[2][0]),
                (hour + timedelta(minutes=30), Decimal("12345678.123456"), 1, OLD_READINGS[3][0]),
                (hour + timedelta(minutes=45), Decimal("4"), 1, OLD_READINGS[4][0]),
                (hour + timedelta(minutes=90), Decimal("8"), 1, OLD_READINGS[5][0]),
            ]
            cursor.execute(
                "SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'monitoring_reading'::regclass"
            )
            partitions = {name for (name,) in cursor.fetchall()}
        assert {"monitoring_reading_y2024m02", "monitoring_reading_y2024m03"} <= partitions

        migrate(BEFORE_PARTITIONS)  # backwards: the plain table, in kWh, by device id
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ts, value FROM monitoring_reading WHERE device_id = %s ORDER BY ts",
                [device_id],
            )
            assert cursor.fetchall() == OLD_READINGS
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM monitoring_hourly_consumption")
            cursor.execute("DELETE FROM monitoring_reading")
            cursor.execute("DELETE FROM monitoring_device")
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("monitoring"))
