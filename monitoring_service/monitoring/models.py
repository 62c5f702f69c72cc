"""monitoring_service's data: synced users and devices, readings, hourly totals, alerts."""

import uuid

from django.contrib.postgres.fields import ArrayField
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
    # The payload its meter sends (ems, tasmota, shelly): which meter topic of it counts.
    meter_format = models.CharField(max_length=16, default="ems", db_default="ems")
    # The device's compact key in the raw readings (4 bytes where its UUID takes 16), assigned by
    # the database when the device is synced (a sequence), never reused.
    key = models.IntegerField(
        unique=True,
        editable=False,
        db_default=models.Func(
            models.Value("monitoring_device_key_seq"),
            function="nextval",
            output_field=models.IntegerField(),
        ),
    )

    class Meta:
        db_table = "monitoring_device"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


# Exact kWh: 6 decimal places (a reading is rounded half-even to that on the way in).
KWH_DECIMAL_PLACES = 6


MICRO_KWH_PER_KWH = 1_000_000


def device_by_key() -> models.ForeignKey[Device]:
    """A compact table's device: its ``key`` in ``device_key``. Deleting a device deletes the
    rows (Django's cascade). No database constraint: its per-row check cost about a quarter of
    the ingestion's database time, and the ingestion keeps only rows of known devices. The
    primary key (device_key, ...) already indexes the device."""
    return models.ForeignKey(
        Device,
        on_delete=models.CASCADE,
        related_name="+",
        to_field="key",
        db_column="device_key",
        db_index=False,
        db_constraint=False,
    )


class Reading(models.Model):
    """One meter reading: kWh consumed in the interval ending at ``ts``; one per instant.

    Stored compactly (docs/ARCHITECTURE.md, "Measurements decisions"): the device's integer
    ``key`` and the value in micro-kWh (exact: a value has at most 6 decimals), in a table
    partitioned by month of ``ts``, kept ``EMS_RAW_RETENTION_DAYS`` (monitoring.ingestion.
    lifecycle). The view ``monitoring_reading_kwh`` shows them by device id and in kWh.
    """

    pk = models.CompositePrimaryKey("device_id", "ts")
    device = device_by_key()
    ts = models.DateTimeField()
    value = models.BigIntegerField()  # micro-kWh

    class Meta:
        db_table = "monitoring_reading"

    def __str__(self) -> str:
        return f"{self.device_id} {self.ts.isoformat()}: {self.value} micro-kWh"


class RegisterReading(models.Model):
    """A meter's cumulative register (micro-kWh) at ``ts``; one per instant. Consumption is the
    difference between consecutive ones (monitoring.ingestion.registers)."""

    pk = models.CompositePrimaryKey("device_id", "ts")
    device = device_by_key()
    ts = models.DateTimeField()
    total = models.BigIntegerField()  # micro-kWh

    class Meta:
        db_table = "monitoring_register"

    def __str__(self) -> str:
        return f"{self.device_id} {self.ts.isoformat()}: register {self.total} micro-kWh"


class MeterReset(models.Model):
    """A register reading lower than the one before it (a reset or a replaced meter): a new
    baseline, no consumption for that interval. Kept for the admin."""

    pk = models.CompositePrimaryKey("device_id", "ts")
    device = device_by_key()
    ts = models.DateTimeField()  # the lower reading's instant
    before = models.BigIntegerField()  # micro-kWh: the register reading before it
    after = models.BigIntegerField()  # micro-kWh: the lower one

    class Meta:
        db_table = "monitoring_meter_reset"

    def __str__(self) -> str:
        return f"{self.device_id} {self.ts.isoformat()}: reset {self.before} -> {self.after}"


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
    # Of kwh, what a gap between two register readings spread over this hour (in proportion to
    # time; monitoring.ingestion.registers): the period API marks such buckets estimated.
    estimated_kwh = models.DecimalField(
        max_digits=20, decimal_places=KWH_DECIMAL_PLACES, default=0, db_default=0
    )
    # The same of the hour's first three quarter-hours ([:00, :15), [:15, :30), [:30, :45)); the
    # fourth is the rest. What zones at :30 and :45 offsets need once the raw readings are gone
    # (the view monitoring_quarter_consumption shows one row per quarter-hour).
    q1_kwh = models.DecimalField(
        max_digits=20, decimal_places=KWH_DECIMAL_PLACES, default=0, db_default=0
    )
    q2_kwh = models.DecimalField(
        max_digits=20, decimal_places=KWH_DECIMAL_PLACES, default=0, db_default=0
    )
    q3_kwh = models.DecimalField(
        max_digits=20, decimal_places=KWH_DECIMAL_PLACES, default=0, db_default=0
    )
    q1_readings = models.IntegerField(default=0, db_default=0)
    q2_readings = models.IntegerField(default=0, db_default=0)
    q3_readings = models.IntegerField(default=0, db_default=0)
    # The latest reading's instant in the hour and in each of those quarter-hours (None: none):
    # a device's latest reading in a period outlives its raw row.
    last_ts = models.DateTimeField(null=True, blank=True)
    q1_last_ts = models.DateTimeField(null=True, blank=True)
    q2_last_ts = models.DateTimeField(null=True, blank=True)
    q3_last_ts = models.DateTimeField(null=True, blank=True)

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
    # Of kwh, what gaps between two register readings spread over this day's hours (in
    # proportion to time; monitoring.ingestion.registers): the period API marks those estimated.
    estimated_kwh = models.DecimalField(
        max_digits=20, decimal_places=KWH_DECIMAL_PLACES, default=0, db_default=0
    )

    class Meta:
        db_table = "monitoring_daily_consumption"

    def __str__(self) -> str:
        return f"{self.device_id} {self.day_start.date().isoformat()}: {self.kwh} kWh"


class Alert(models.Model):
    """A device-hour whose total went over the device's maximum: one per (device, hour).

    Written by the ingestion statement in the transaction that stored the crossing readings.
    ``owner_id`` and ``max_kwh`` are as they were then: a later change of owner or maximum
    does not rewrite the alert. Who has read it is each reader's own (AlertRead).
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

    class Meta:
        db_table = "monitoring_alert"
        ordering = ["-created_at", "-hour_start", "-id"]  # a backfill raises many at once
        constraints = [
            models.UniqueConstraint(fields=["device", "hour_start"], name="alert_one_per_hour")
        ]
        indexes = [models.Index(fields=["owner_id", "-created_at"], name="alert_owner_idx")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.hour_start.isoformat()}: {self.kwh} > {self.max_kwh} kWh"


class AlertRead(models.Model):
    """``user_id`` has read ``alert`` at ``read_at`` (the first time): one row per reader, so an
    admin reading an alert leaves it unread for its owner. Domain: monitoring.alerts.services."""

    # The key (alert, user) makes a second read a conflict the insert skips, and indexes the
    # per-alert lookup of the caller's read; user_id is a synced user's id, no constraint (a
    # reader may not be synced yet, and deleting a user leaves the history be).
    pk = models.CompositePrimaryKey("alert_id", "user_id")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="reads", db_index=False)
    user_id = models.UUIDField()
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "monitoring_alert_read"

    def __str__(self) -> str:
        return f"{self.alert_id} read by {self.user_id} at {self.read_at.isoformat()}"


# Prices per kWh: exact, at most 6 decimal places (a cost is then exact at 12).
PRICE_DECIMAL_PLACES = 6
MINUTES_PER_DAY = 24 * 60


class Tariff(models.Model):
    """Prices per kWh by local weekday and time of day, in force from ``valid_from`` (local
    midnight in ``tz``) until the next tariff of the same device (or of the defaults) starts.
    ``device`` None: the default of every device without a tariff of its own in force.
    Domain: monitoring.tariffs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)  # ISO 4217, upper case
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, null=True, blank=True, related_name="tariffs"
    )
    valid_from = models.DateField()
    tz = models.CharField(max_length=64)  # IANA

    class Meta:
        db_table = "monitoring_tariff"
        ordering = ["device_id", "valid_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "valid_from"],
                name="tariff_one_per_device_start",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency}) from {self.valid_from.isoformat()}"


class TariffRate(models.Model):
    """One window of a tariff: on ``days`` (Monday 0), local [start_minute, end_minute)."""

    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="rates")
    position = models.PositiveSmallIntegerField()  # its index in the tariff's rates
    days = ArrayField(models.PositiveSmallIntegerField())
    start_minute = models.PositiveSmallIntegerField()  # 0..1439
    end_minute = models.PositiveSmallIntegerField()  # 1..1440 (24:00)
    price_per_kwh = models.DecimalField(max_digits=18, decimal_places=PRICE_DECIMAL_PLACES)

    class Meta:
        db_table = "monitoring_tariff_rate"
        ordering = ["tariff_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tariff", "position"], name="tariff_rate_position")
        ]

    def __str__(self) -> str:
        return f"{self.tariff_id} {self.days} {self.start_minute}-{self.end_minute}"


class ExportTicketUse(models.Model):
    """An export download ticket already used (monitoring.export.tickets): each works once.

    Kept until ``valid_until``, past which the ticket has expired anyway, then deleted.
    """

    id = models.CharField(primary_key=True, max_length=32)
    valid_until = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "monitoring_export_ticket_use"

    def __str__(self) -> str:
        return f"ticket {self.id} (used)"
