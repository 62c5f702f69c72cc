"""``/api/monitoring/alerts/``: overconsumption alerts, newest first; marking them read.

``read_at`` and ``unread`` are the caller's own: marking an alert read marks it for the caller
only (monitoring.alerts.services).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ems_common.auth import caller
from ems_common.filters import LIST_FILTER_BACKENDS
from monitoring.alerts import services as alerts
from monitoring.api.alert_serializers import AlertSerializer
from monitoring.api.queries import TimeZoneQuery, day_field, query_params, tz_field, tz_parameter
from monitoring.models import Alert


class AlertQuery(TimeZoneQuery):
    device_id = serializers.UUIDField(required=False)
    owner_id = serializers.UUIDField(
        required=False, help_text="Admins only: the alerts raised for this owner's devices."
    )
    start = day_field()
    end = day_field()
    tz = tz_field()
    unread = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only the alerts the caller has not read; false: only those read.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].required = False
        self.fields["end"].required = False


class AlertListView(generics.ListAPIView):
    serializer_class = AlertSerializer
    filter_backends = LIST_FILTER_BACKENDS
    search_fields = ["device_name", "owner_username"]
    ordering_fields = ["created_at", "hour_start", "kwh", "device_name"]
    # Newest first; a backfill raises many at once, the latest hour first among them.
    ordering = ["-created_at", "-hour_start", "-id"]

    @extend_schema(
        parameters=[AlertQuery, tz_parameter()],
        description=(
            "The caller's overconsumption alerts (an admin's: everyone's), newest first. "
            "start/end are local dates in tz (both included) over the alert's hour. "
            "read_at and unread are the caller's own. search: device name or owner's username "
            "(contains, any case). owner_id is an admin's filter: a 400 for anyone else."
        ),
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Alert]:
        visible = alerts.visible_alerts(getattr(self.request, "user", None))
        if getattr(self, "swagger_fake_view", False):
            return visible
        params = query_params(AlertQuery, self.request)
        return alerts.filter_alerts(
            visible,
            user=caller(self.request),
            zone=params["tz"],
            device_id=params.get("device_id"),
            owner_id=params.get("owner_id"),
            start=params.get("start"),
            end=params.get("end"),
            unread=params.get("unread"),
        )


class AlertReadView(generics.GenericAPIView):
    serializer_class = AlertSerializer

    def get_queryset(self) -> QuerySet[Alert]:
        return alerts.visible_alerts(getattr(self.request, "user", None))

    @extend_schema(
        request=None,
        responses=AlertSerializer,
        description="Mark one alert read by the caller (for the caller only); again: no change.",
    )
    def post(self, request: Request, pk: str) -> Response:
        alert = alerts.mark_read(self.get_object(), caller(request))
        return Response(self.get_serializer(alert).data)


class AlertReadAllView(APIView):
    @extend_schema(
        request=None,
        responses=inline_serializer("AlertsMarkedRead", {"updated": serializers.IntegerField()}),
        description="Mark every alert the caller sees and has not read as read by the caller.",
    )
    def post(self, request: Request) -> Response:
        return Response({"updated": alerts.mark_all_read(caller(request))})
