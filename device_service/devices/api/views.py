"""Device endpoints: admins manage every device, a client reads the ones it owns."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import F, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from devices import meter_keys, services
from devices.api.filters import DeviceFilter
from devices.api.serializers import AssignSerializer, DeviceSerializer, MeterKeySerializer
from devices.models import Device
from ems_common.auth import caller
from ems_common.filters import LIST_FILTER_BACKENDS
from ems_common.permissions import IsAdmin, is_admin
from ems_common.validation import validated


def visible_devices(request: Request) -> QuerySet[Device]:
    """Admins see every device, anyone else only their own (another's is a 404).

    The owner comes in the same query: each device shows its owner's username.
    """
    devices = Device.objects.select_related("owner")
    if is_admin(request):
        return devices
    return devices.filter(owner_id=caller(request).id)


class AdminWritesMixin(APIView):
    """Reading needs a login; every change needs an admin (403 before any lookup)."""

    def get_permissions(self) -> list[Any]:
        if self.request.method in SAFE_METHODS:
            return [IsAuthenticated()]
        return [IsAuthenticated(), IsAdmin()]


class DeviceListView(AdminWritesMixin, generics.ListCreateAPIView):
    serializer_class = DeviceSerializer
    filter_backends = LIST_FILTER_BACKENDS
    filterset_class = DeviceFilter
    search_fields = ["name", "address", "owner__username"]
    # owner_username: the annotation below (unassigned devices last, first when descending).
    ordering_fields = ["name", "max_hourly_consumption_kwh", "owner_username", "created_at"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Device]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Device.objects.none()
        return visible_devices(self.request).annotate(owner_username=F("owner__username"))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        owner_id = fields.pop("owner_id", None)
        device = services.create_device(fields, owner_id)
        return Response(self.get_serializer(device).data, status=status.HTTP_201_CREATED)


class DeviceDetailView(AdminWritesMixin, generics.RetrieveAPIView):
    serializer_class = DeviceSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Device]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Device.objects.none()
        return visible_devices(self.request)

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        device = self.get_object()
        serializer = self.get_serializer(device, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        if "owner_id" in fields:
            device = services.update_device(device.id, fields, owner_id=fields.pop("owner_id"))
        else:
            device = services.update_device(device.id, fields)
        return Response(self.get_serializer(device).data)

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.delete_device(self.get_object().id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeviceAssignView(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(request=AssignSerializer, responses=DeviceSerializer)
    def post(self, request: Request, pk: uuid.UUID) -> Response:
        device = generics.get_object_or_404(Device, pk=pk)
        owner = validated(AssignSerializer, request.data)["user_id"]
        device = services.assign_device(device.id, owner)
        return Response(DeviceSerializer(device).data)


class DeviceCredentialsView(APIView):
    """The device's meter key: a broker login that can publish this device's readings only."""

    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        request=None,
        responses={
            201: MeterKeySerializer,
            503: OpenApiResponse(description="RabbitMQ's management API is unreachable."),
        },
        summary="Issue or rotate the device's meter key",
        description=(
            "Creates the device's broker user `meter-<device_id>` with a new random password, "
            "or replaces the password of the existing one and closes its open connections, so "
            "the old key stops working at once. The password is in this answer only. With it "
            "a meter may publish readings of this device (AMQP: exchange `amq.topic`, routing "
            "key `ems.meters.<device_id>.readings`; MQTT: topic `ems/meters/<device_id>/readings`,"
            " QoS 1) and nothing else: no other device's topic, exchange or queue, no reading."
        ),
    )
    def post(self, request: Request, pk: uuid.UUID) -> Response:
        device = generics.get_object_or_404(Device, pk=pk)
        key = meter_keys.issue_key(device.id)
        return Response(key.as_json(), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="Revoked (also when the device had no key)."),
            503: OpenApiResponse(description="RabbitMQ's management API is unreachable."),
        },
        summary="Revoke the device's meter key",
        description="Deletes the broker user and closes its connections at once.",
    )
    def delete(self, request: Request, pk: uuid.UUID) -> Response:
        device = generics.get_object_or_404(Device, pk=pk)
        meter_keys.revoke_key(device.id)
        return Response(status=status.HTTP_204_NO_CONTENT)
