"""Data migrations: what was stored before a migration reads the same after it."""

import uuid
from datetime import UTC, datetime

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
