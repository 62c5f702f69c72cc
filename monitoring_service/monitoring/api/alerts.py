"""``/api/monitoring/alerts/``: overconsumption alerts, newest first; marking them read."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ems_common.auth import caller
from monitoring import alerts
from monitoring.api.alert_serializers import AlertSerializer
from monitoring.api.hourly import day_field, known_zones, tz_parameter
from monitoring.models import Alert


class AlertQuery(serializers.Serializer):
    device_id = serializers.UUIDField(required=False)
    start = day_field()
    end = day_field()
    tz = serializers.CharField(default="UTC")
    unread = serializers.BooleanField(required=False, allow_null=True, default=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].required = False
        self.fields["end"].required = False

    def validate_tz(self, value: str) -> ZoneInfo:
        if value not in known_zones():
            raise serializers.ValidationError(f"{value[:60]!r} is not an IANA time zone.")
        return ZoneInfo(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and end < start:
            raise serializers.ValidationError({"end": ["end is before start."]})
        return attrs


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def filtered(queryset: QuerySet[Alert], params: dict[str, Any]) -> QuerySet[Alert]:
    """Alerts of one device, and/or with hour_start within local days start..end (inclusive)."""
    zone = params["tz"]
    if params.get("device_id"):
        queryset = queryset.filter(device_id=params["device_id"])
    if params.get("start"):
        queryset = queryset.filter(hour_start__gte=local_midnight(params["start"], zone))
    if params.get("end"):
        after = local_midnight(params["end"] + timedelta(days=1), zone)
        queryset = queryset.filter(hour_start__lt=after)
    if params.get("unread") is not None:
        queryset = queryset.filter(read_at__isnull=params["unread"])
    return queryset


class AlertListView(generics.ListAPIView):
    serializer_class = AlertSerializer

    @extend_schema(
        parameters=[AlertQuery, tz_parameter()],
        description=(
            "The caller's overconsumption alerts (an admin's: everyone's), newest first. "
            "start/end are local dates in tz (both included) over the alert's hour."
        ),
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Alert]:
        visible = alerts.visible_alerts(getattr(self.request, "user", None))
        if getattr(self, "swagger_fake_view", False):
            return visible
        query = AlertQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return filtered(visible, query.validated_data)


class AlertReadView(generics.GenericAPIView):
    serializer_class = AlertSerializer

    def get_queryset(self) -> QuerySet[Alert]:
        return alerts.visible_alerts(getattr(self.request, "user", None))

    @extend_schema(request=None, responses=AlertSerializer, description="Mark one alert read.")
    def post(self, request: Request, pk: str) -> Response:
        alert = alerts.mark_read(self.get_object())
        return Response(self.get_serializer(alert).data)


class AlertReadAllView(APIView):
    @extend_schema(
        request=None,
        responses=inline_serializer("AlertsMarkedRead", {"updated": serializers.IntegerField()}),
        description="Mark every unread alert the caller sees as read.",
    )
    def post(self, request: Request) -> Response:
        return Response({"updated": alerts.mark_all_read(caller(request))})
