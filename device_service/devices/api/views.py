"""Device endpoints: admins manage every device, a client reads the ones it owns."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, status
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from devices import services
from devices.api.serializers import AssignSerializer, DeviceSerializer
from devices.models import Device
from ems_common.auth import caller
from ems_common.errors import field_error
from ems_common.permissions import IsAdmin, is_admin
from ems_common.validation import validated


def visible_devices(request: Request) -> QuerySet[Device]:
    """Admins see every device, anyone else only their own (another's is a 404)."""
    devices = Device.objects.all()
    if is_admin(request):
        return devices
    return devices.filter(owner_id=caller(request).id)


def owner_filter(request: Request) -> uuid.UUID | None:
    raw = request.query_params.get("owner_id")
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise field_error("owner_id", "Must be a valid UUID.") from None


class AdminWritesMixin(APIView):
    """Reading needs a login; every change needs an admin (403 before any lookup)."""

    def get_permissions(self) -> list[Any]:
        if self.request.method in SAFE_METHODS:
            return [IsAuthenticated()]
        return [IsAuthenticated(), IsAdmin()]


@extend_schema(
    parameters=[
        OpenApiParameter(
            "owner_id", OpenApiTypes.UUID, description="admin only: one owner's devices"
        )
    ]
)
@extend_validation_errors(["invalid"], field_name="owner_id", methods=["get"])
class DeviceListView(AdminWritesMixin, generics.ListCreateAPIView):
    serializer_class = DeviceSerializer

    def get_queryset(self) -> QuerySet[Device]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return Device.objects.none()
        devices = visible_devices(self.request)
        owner_id = owner_filter(self.request)
        if owner_id is not None and is_admin(self.request):
            devices = devices.filter(owner_id=owner_id)
        return devices

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
