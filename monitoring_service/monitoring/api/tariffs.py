"""``/api/monitoring/tariffs/``: prices per kWh by local weekday and time; admins write, a
client reads the tariffs that can apply to its devices (their own and the default ones)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from ems_common.openapi import ErrorResponse400Serializer
from ems_common.permissions import IsAdminOrReadOnly
from ems_common.validation import validated
from ems_common.views import PatchedDetailView
from monitoring.access import visible_tariffs
from monitoring.api.tariff_serializers import (
    TariffPatchSerializer,
    TariffQuery,
    TariffSerializer,
    TariffWriteSerializer,
)
from monitoring.models import Tariff
from monitoring.tariffs import services


class TariffListView(generics.ListAPIView):
    permission_classes = [IsAdminOrReadOnly]
    serializer_class = TariffSerializer

    @extend_schema(
        parameters=[TariffQuery],
        description="Admins: every tariff; a client: its devices' own and the default ones.",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=TariffWriteSerializer,
        responses={201: TariffSerializer, 400: ErrorResponse400Serializer},
        description=(
            "Admins: a new tariff; 400 naming the field at fault (`rates` for a gap or overlap, "
            "`rates[i].end`, `rates[i].price_per_kwh`, `currency`, `tz`, `valid_from`, ...)."
        ),
    )
    def post(self, request: Request) -> Response:
        values = validated(TariffWriteSerializer, request.data)
        tariff = services.create_tariff(**values)
        return Response(TariffSerializer(tariff).data, status=status.HTTP_201_CREATED)

    def get_queryset(self) -> QuerySet[Tariff]:
        tariffs = visible_tariffs(getattr(self.request, "user", None))
        device_id = validated(TariffQuery, self.request.query_params).get("device_id")
        return tariffs.filter(device_id=device_id) if device_id else tariffs


class TariffDetailView(PatchedDetailView, generics.DestroyAPIView):
    permission_classes = [IsAdminOrReadOnly]
    serializer_class = TariffSerializer
    patch_serializer_class = TariffPatchSerializer

    def get_queryset(self) -> QuerySet[Tariff]:
        return visible_tariffs(getattr(self.request, "user", None))

    @extend_schema(
        responses={200: TariffSerializer, 400: ErrorResponse400Serializer},
        description="Admins: change any fields (`rates` replaces all); checked as a whole.",
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().patch(request, *args, **kwargs)

    def apply_patch(self, instance: Tariff, changes: dict[str, Any]) -> Tariff:
        services.update_tariff(instance, **changes)
        return visible_tariffs(getattr(self.request, "user", None)).get(id=instance.id)

    def perform_destroy(self, instance: Tariff) -> None:
        services.delete_tariff(instance)
