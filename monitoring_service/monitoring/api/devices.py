"""``/api/monitoring/devices/``: the devices monitoring knows (its synced copy), read-only.

The list is what the device pickers search: ``?search=`` over the name and the owner's
username, a page at a time, by name.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ems_common.contracts import DEVICE_FIELDS
from ems_common.filters import LIST_FILTER_BACKENDS
from ems_common.permissions import IsAdmin
from monitoring.access import visible_devices_with_owner
from monitoring.api.hourly import kwh
from monitoring.api.queries import TimeZoneQuery, day_field, query_params, tz_field, tz_parameter
from monitoring.api.tariff_serializers import DeviceTariffSerializer
from monitoring.ingestion.registers import meter_resets
from monitoring.models import Device
from monitoring.tariffs.pricing import history, in_force, tariffs_for


class DeviceSerializer(serializers.ModelSerializer):
    """A device as device_service serves it (the same fields), as last synced from there, with
    its owner's username (monitoring's synced users) and the tariff in force for it now."""

    max_hourly_consumption_kwh = serializers.DecimalField(
        max_digits=12, decimal_places=3, coerce_to_string=False
    )
    owner_username = serializers.CharField(read_only=True, allow_null=True)
    tariff = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = [*DEVICE_FIELDS, "owner_username", "tariff"]
        read_only_fields = fields

    @extend_schema_field(DeviceTariffSerializer(allow_null=True))
    def get_tariff(self, device: Device) -> dict[str, Any] | None:
        tariffs = self.context.get("tariffs")
        if tariffs is None:  # one device: its own lookup
            tariffs = tariffs_for([device.id])
        now = self.context.get("now") or datetime.now(UTC)
        tariff = in_force(history(tariffs, device.id), now)
        if tariff is None:
            return None
        return {"id": str(tariff.id), "name": tariff.name, "currency": tariff.currency}


class TariffContext:
    """The tariffs of a page of devices, loaded once (two queries, whatever the page size)."""

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        context["tariffs"] = tariffs_for(None)
        context["now"] = datetime.now(UTC)
        return context


class DeviceListView(TariffContext, generics.ListAPIView):
    serializer_class = DeviceSerializer
    filter_backends = LIST_FILTER_BACKENDS
    search_fields = ["name", "owner_username"]
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Device]:
        return visible_devices_with_owner(getattr(self.request, "user", None))


class DeviceDetailView(generics.RetrieveAPIView):
    serializer_class = DeviceSerializer

    def get_queryset(self) -> QuerySet[Device]:
        return visible_devices_with_owner(getattr(self.request, "user", None))


class MeterResetSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField(help_text="The lower register reading's instant.")
    before_kwh = serializers.FloatField(help_text="The register reading before it.")
    after_kwh = serializers.FloatField(help_text="The lower register reading (a new baseline).")


class MeterResetsSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    resets = MeterResetSerializer(many=True, help_text="Latest first.")


class ResetsQuery(TimeZoneQuery):
    start = day_field()
    end = day_field()
    tz = tz_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].required = False
        self.fields["end"].required = False


class DeviceResetsView(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        parameters=[ResetsQuery, tz_parameter()],
        responses=MeterResetsSerializer,
        description=(
            "Admins: the device's meter resets, where its cumulative register "
            "(`energy_total_kwh`) went down: a new baseline, no consumption for that interval. "
            "start/end (optional) are local dates in tz (both included) over the reset's instant."
        ),
    )
    def get(self, request: Request, pk: uuid.UUID) -> Response:
        params = query_params(ResetsQuery, request)
        resets = meter_resets(pk, params["tz"], params.get("start"), params.get("end"))
        return Response(
            {
                "device_id": str(pk),
                "resets": [
                    {
                        "timestamp": r.ts.isoformat(),
                        "before_kwh": kwh(r.before_kwh),
                        "after_kwh": kwh(r.after_kwh),
                    }
                    for r in resets
                ],
            }
        )
