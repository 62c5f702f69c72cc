"""GET /api/monitoring/hourly/daily/ and /hourly/range/: a device's kWh by local hour or day."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ems_common.auth import caller
from ems_common.permissions import is_admin
from monitoring import consumption
from monitoring.api.consumption_serializers import (
    DailyConsumptionSerializer,
    RangeConsumptionSerializer,
)

DATE_FORMATS = ["%Y-%m-%d"]
# The days readings can fall on (monitoring.readings accepts 2000-01-01 up to 2100-01-01 UTC),
# give or take a day for zones ahead of or behind UTC; outside them, 400 naming the parameter.
FIRST_DAY, LAST_DAY = date(1999, 12, 31), date(2100, 1, 1)


def day_field() -> serializers.DateField:
    return serializers.DateField(
        input_formats=DATE_FORMATS,
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
    )


# Files in the zoneinfo folder that are not IANA zone names.
NOT_ZONES = {"localtime", "posixrules", "posix", "right"}


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones() - NOT_ZONES) | {"UTC"}


class DeviceDayQuery(serializers.Serializer):
    device_id = serializers.UUIDField()
    tz = serializers.CharField(default="UTC")

    def validate_tz(self, value: str) -> ZoneInfo:
        if value not in known_zones():
            raise serializers.ValidationError(f"{value[:60]!r} is not an IANA time zone.")
        return ZoneInfo(value)


class DailyQuery(DeviceDayQuery):
    date = day_field()


class RangeQuery(DeviceDayQuery):
    start = day_field()
    end = day_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        days = (attrs["end"] - attrs["start"]).days + 1
        if days < 1:
            raise serializers.ValidationError({"end": ["end is before start."]})
        if days > consumption.MAX_RANGE_DAYS:
            raise serializers.ValidationError(
                {"end": [f"At most {consumption.MAX_RANGE_DAYS} days per request ({days} asked)."]}
            )
        return attrs


def owner_filter(request: Request) -> uuid.UUID | None:
    """Whose devices the caller may see: None for an admin (all), else the caller's own."""
    return None if is_admin(request) else caller(request).id


def kwh(value: Decimal) -> float:
    return float(value)


def daily_body(
    device_id: uuid.UUID, day: date, zone: ZoneInfo, owner_id: uuid.UUID | None
) -> dict[str, Any]:
    hours = consumption.daily_hours(device_id, day, zone, owner_id)
    total = sum((h.kwh for h in hours), Decimal(0))
    peak = max(hours, key=lambda h: h.kwh)
    return {
        "device_id": str(device_id),
        "date": day.isoformat(),
        "tz": zone.key,
        "hours": [
            {"start": h.start.isoformat(), "hour": h.start.hour, "kwh": kwh(h.kwh)} for h in hours
        ],
        "total_kwh": kwh(total),
        "peak": {"hour": peak.start.hour, "kwh": kwh(peak.kwh)} if peak.kwh > 0 else None,
        "average_kwh": kwh(round(total / len(hours), 6)),
    }


def tz_parameter() -> OpenApiParameter:
    return OpenApiParameter("tz", str, description="IANA time zone, e.g. Europe/Bucharest (UTC)")


class DailyView(APIView):
    @extend_schema(
        parameters=[DailyQuery, tz_parameter()],
        responses=DailyConsumptionSerializer,
        description="The hours of a local day (23, 24 or 25) with kWh each, total, peak, average.",
    )
    def get(self, request: Request) -> Response:
        query = DailyQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        try:
            body = daily_body(
                params["device_id"], params["date"], params["tz"], owner_filter(request)
            )
        except consumption.DeviceNotVisible:
            raise Http404("No such device.") from None
        return Response(body)


class RangeView(APIView):
    @extend_schema(
        parameters=[RangeQuery, tz_parameter()],
        responses=RangeConsumptionSerializer,
        description="kWh per local day from start to end (both included, at most 366 days).",
    )
    def get(self, request: Request) -> Response:
        query = RangeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        device_id = params["device_id"]
        try:
            days = consumption.daily_totals(
                device_id, params["start"], params["end"], params["tz"], owner_filter(request)
            )
        except consumption.DeviceNotVisible:
            raise Http404("No such device.") from None
        return Response(
            {
                "device_id": str(device_id),
                "start": params["start"].isoformat(),
                "end": params["end"].isoformat(),
                "tz": params["tz"].key,
                "days": [{"date": d.day.isoformat(), "kwh": kwh(d.kwh)} for d in days],
                "total_kwh": kwh(sum((d.kwh for d in days), Decimal(0))),
            }
        )
