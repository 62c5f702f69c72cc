"""``/api/monitoring/alerts/``: overconsumption alerts, newest first; marking them read."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ems_common.auth import caller
from monitoring.alerts import services as alerts
from monitoring.api.alert_serializers import AlertSerializer
from monitoring.api.queries import TimeZoneQuery, day_field, query_params, tz_field, tz_parameter
from monitoring.models import Alert


class AlertQuery(TimeZoneQuery):
    device_id = serializers.UUIDField(required=False)
    start = day_field()
    end = day_field()
    tz = tz_field()
    unread = serializers.BooleanField(required=False, allow_null=True, default=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].required = False
        self.fields["end"].required = False


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
        params = query_params(AlertQuery, self.request)
        return alerts.filter_alerts(
            visible,
            zone=params["tz"],
            device_id=params.get("device_id"),
            start=params.get("start"),
            end=params.get("end"),
            unread=params.get("unread"),
        )


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
