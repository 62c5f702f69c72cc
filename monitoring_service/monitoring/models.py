"""monitoring_service's data: synced users and devices, readings, hourly totals, alerts."""

import uuid

from django.db import models
from django.utils import timezone

from ems_common.inbox.models import SyncedEntity


class User(SyncedEntity):
    """Copy of an auth_service user, kept current by user.* events."""

    username = models.CharField(max_length=150)
    role = models.CharField(max_length=16)
    full_name = models.CharField(max_length=200, blank=True, default="")
    email = models.EmailField(blank=True, default="")

    class Meta:
        db_table = "monitoring_user"


class Device(SyncedEntity):
    """Copy of a device_service device, kept current by device.* events."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    address = models.CharField(max_length=300, blank=True, default="")
    owner_id = models.UUIDField(null=True, blank=True, db_index=True)
    max_hourly_consumption_kwh = models.DecimalField(max_digits=12, decimal_places=3)
    # Minutes between two readings (1..1440): how many readings a period should hold.
    reading_interval_minutes = models.PositiveSmallIntegerField(default=10, db_default=10)

    class Meta:
        db_table = "monitoring_device"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


# Exact kWh: 6 decimal places (a reading is rounded half-even to that on the way in).
KWH_DECIMAL_PLACES = 6


class Reading(models.Model):
    """One meter reading: kWh consumed in the interval ending at ``ts``; one per instant."""

    pk = models.CompositePrimaryKey("device_id", "ts")
    # Deleting a device deletes its readings and hourly totals with it (Django's cascade).
    # No database constraint: its per-row check cost about a quarter of the ingestion's database
    # time, and the ingestion statement already keeps only readings of known devices.
    # The primary key (device_id, ...) already indexes device_id.
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    ts = models.DateTimeField()
    value = models.DecimalField(max_digits=14, decimal_places=KWH_DECIMAL_PLACES)

    class Meta:
        db_table = "monitoring_reading"

    def __str__(self) -> str:
        return f"{self.device_id} {self.ts.isoformat()}: {self.value} kWh"


class HourlyConsumption(models.Model):
    """Sum and count of a device's readings with ``ts`` in [hour_start, hour_start + 1h), per UTC
    hour. Maintained by the ingestion statement (monitoring.ingestion.store)."""

    pk = models.CompositePrimaryKey("device_id", "hour_start")
    # The primary key (device_id, ...) already indexes device_id; no constraint, as on Reading.
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    hour_start = models.DateTimeField()
    kwh = models.DecimalField(max_digits=20, decimal_places=KWH_DECIMAL_PLACES)
    readings = models.IntegerField(default=0, db_default=0)

    class Meta:
        db_table = "monitoring_hourly_consumption"
        # The fleet overview reads every device's hours of a day in one range scan (the rows of
        # an hour are stored together); kwh is not indexed, so adding to a total stays a HOT update.
        indexes = [models.Index(fields=["hour_start"], name="hourly_hour_start_idx")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.hour_start.isoformat()}: {self.kwh} kWh"


class DailyConsumption(models.Model):
    """Sum and count of a device's readings with ``ts`` in [day_start, day_start + 1 day), per UTC
    day: the rollup that makes a month or a year cost about what a day costs. Maintained by the
    ingestion statement together with the hourly totals, exact in the same way."""

    pk = models.CompositePrimaryKey("device_id", "day_start")
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    day_start = models.DateTimeField()  # a UTC midnight
    kwh = models.DecimalField(max_digits=20, decimal_places=KWH_DECIMAL_PLACES)
    readings = models.IntegerField(default=0, db_default=0)

    class Meta:
        db_table = "monitoring_daily_consumption"

    def __str__(self) -> str:
        return f"{self.device_id} {self.day_start.date().isoformat()}: {self.kwh} kWh"


class Alert(models.Model):
    """A device-hour whose total went over the device's maximum: one per (device, hour).

    Written by the ingestion statement in the transaction that stored the crossing readings.
    ``owner_id`` and ``max_kwh`` are as they were then: a later change of owner or maximum
    does not rewrite the alert.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    # The unique (device, hour_start) constraint indexes device_id already.
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="alerts", db_index=False
    )
    owner_id = models.UUIDField(null=True, blank=True)
    hour_start = models.DateTimeField()
    kwh = models.DecimalField(max_digits=20, decimal_places=KWH_DECIMAL_PLACES)
    max_kwh = models.DecimalField(max_digits=12, decimal_places=3)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "monitoring_alert"
        ordering = ["-created_at", "-hour_start", "-id"]  # a backfill raises many at once
        constraints = [
            models.UniqueConstraint(fields=["device", "hour_start"], name="alert_one_per_hour")
        ]
        indexes = [models.Index(fields=["owner_id", "-created_at"], name="alert_owner_idx")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.hour_start.isoformat()}: {self.kwh} > {self.max_kwh} kWh"
