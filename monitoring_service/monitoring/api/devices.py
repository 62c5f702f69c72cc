"""``/api/monitoring/devices/``: the devices monitoring knows (its synced copy), read-only."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics, serializers
from rest_framework.request import Request

from ems_common.auth import caller
from ems_common.permissions import is_admin
from monitoring.models import Device


class DeviceSerializer(serializers.ModelSerializer):
    """The device shape of DESIGN §5, as last synced from device_service."""

    max_hourly_consumption_kwh = serializers.DecimalField(
        max_digits=12, decimal_places=3, coerce_to_string=False
    )

    class Meta:
        model = Device
        fields = ["id", "name", "description", "address", "max_hourly_consumption_kwh", "owner_id"]
        read_only_fields = fields


def visible_devices(request: Request | None) -> QuerySet[Device]:
    """Admins see every device, anyone else only their own (another's is a 404)."""
    if request is None or request.user is None:  # schema generation: no caller
        return Device.objects.none()
    if is_admin(request):
        return Device.objects.all()
    return Device.objects.filter(owner_id=caller(request).id)


class DeviceListView(generics.ListAPIView):
    serializer_class = DeviceSerializer

    def get_queryset(self) -> QuerySet[Device]:
        return visible_devices(self.request)


class DeviceDetailView(generics.RetrieveAPIView):
    serializer_class = DeviceSerializer

    def get_queryset(self) -> QuerySet[Device]:
        return visible_devices(self.request)
