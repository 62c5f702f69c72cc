"""device_service's data: devices, and the synced copy of the users that may own them."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ems_common.contracts import DEFAULT_METER_FORMAT, METER_FORMATS
from ems_common.inbox.models import SyncedEntity

METER_FORMAT_LABELS = {"ems": "EMS JSON", "tasmota": "Tasmota", "shelly": "Shelly Gen2"}


class User(SyncedEntity):
    """Copy of an auth_service user, kept current by user.* events; only owners need it."""

    username = models.CharField(max_length=150)
    role = models.CharField(max_length=16)

    class Meta:
        db_table = "devices_user"

    def __str__(self) -> str:
        return self.username


class Device(models.Model):
    """A metering device; ``version`` grows by one on every change and travels in its events."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    address = models.CharField(max_length=300, blank=True, default="")
    max_hourly_consumption_kwh = models.DecimalField(max_digits=12, decimal_places=3)
    # Minutes between two readings of the meter (1 minute to a day): what monitoring expects.
    reading_interval_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    # The payload its meter sends, which says which MQTT topic monitoring takes readings from.
    meter_format = models.CharField(
        max_length=16,
        choices=[(name, METER_FORMAT_LABELS[name]) for name in METER_FORMATS],
        default=DEFAULT_METER_FORMAT,
    )
    # DO_NOTHING: the user.deleted handler unassigns devices itself (publishing device.updated
    # for each); the constraint is deferred to commit, so the order inside it does not matter.
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="devices"
    )
    version = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "devices_device"
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_hourly_consumption_kwh__gt=0),
                name="device_max_hourly_consumption_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(reading_interval_minutes__gte=1)
                & models.Q(reading_interval_minutes__lte=1440),
                name="device_reading_interval_range",
            ),
            models.CheckConstraint(
                condition=models.Q(meter_format__in=METER_FORMATS), name="device_meter_format_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name
