from django.db import models

from ems_common.inbox.models import SyncedEntity


class SyncedDevice(SyncedEntity):
    name = models.CharField(max_length=100)
    max_hourly_consumption_kwh = models.DecimalField(max_digits=12, decimal_places=3, default=0)

    def __str__(self) -> str:
        return self.name
