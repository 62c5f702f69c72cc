"""``/api/monitoring/devices/``: the devices monitoring knows (its synced copy), read-only."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics, serializers

from ems_common.contracts import DEVICE_FIELDS
from monitoring.access import visible_devices
from monitoring.models import Device


class DeviceSerializer(serializers.ModelSerializer):
    """A device as device_service serves it (the same fields), as last synced from there."""

    max_hourly_consumption_kwh = serializers.DecimalField(
        max_digits=12, decimal_places=3, coerce_to_string=False
    )

    class Meta:
        model = Device
        fields = list(DEVICE_FIELDS)
        read_only_fields = fields


class DeviceListView(generics.ListAPIView):
    serializer_class = DeviceSerializer

    def get_queryset(self) -> QuerySet[Device]:
        return visible_devices(getattr(self.request, "user", None))


class DeviceDetailView(generics.RetrieveAPIView):
    serializer_class = DeviceSerializer

    def get_queryset(self) -> QuerySet[Device]:
        return visible_devices(getattr(self.request, "user", None))
