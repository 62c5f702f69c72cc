"""GET /api/monitoring/hourly/daily/ and /hourly/range/: a device's kWh by local hour or day."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ems_common.auth import caller
from monitoring.access import owner_filter
from monitoring.api.consumption_serializers import (
    DailyConsumptionSerializer,
    RangeConsumptionSerializer,
)
from monitoring.api.queries import TimeZoneQuery, day_field, query_params, tz_field, tz_parameter
from monitoring.consumption.summary import DaySummary, RangeSummary, day_summary, range_summary


class DeviceDayQuery(TimeZoneQuery):
    device_id = serializers.UUIDField()
    tz = tz_field()


class DailyQuery(DeviceDayQuery):
    date = day_field()


class RangeQuery(DeviceDayQuery):
    start = day_field()
    end = day_field()


def kwh(value: Decimal) -> float:
    return float(value)


def daily_body(params: dict[str, Any], summary: DaySummary) -> dict[str, Any]:
    peak = summary.peak
    return {
        "device_id": str(params["device_id"]),
        "date": params["date"].isoformat(),
        "tz": params["tz"].key,
        "hours": [
            {"start": h.start.isoformat(), "hour": h.start.hour, "kwh": kwh(h.kwh)}
            for h in summary.hours
        ],
        "total_kwh": kwh(summary.total),
        "peak": {"hour": peak.start.hour, "kwh": kwh(peak.kwh)} if peak else None,
        "average_kwh": kwh(summary.average),
    }


def range_body(params: dict[str, Any], summary: RangeSummary) -> dict[str, Any]:
    return {
        "device_id": str(params["device_id"]),
        "start": params["start"].isoformat(),
        "end": params["end"].isoformat(),
        "tz": params["tz"].key,
        "days": [{"date": d.day.isoformat(), "kwh": kwh(d.kwh)} for d in summary.days],
        "total_kwh": kwh(summary.total),
    }


class DailyView(APIView):
    @extend_schema(
        parameters=[DailyQuery, tz_parameter()],
        responses=DailyConsumptionSerializer,
        description="The hours of a local day (23, 24 or 25) with kWh each, total, peak, average.",
    )
    def get(self, request: Request) -> Response:
        params = query_params(DailyQuery, request)
        summary = day_summary(
            params["device_id"], params["date"], params["tz"], owner_filter(caller(request))
        )
        return Response(daily_body(params, summary))


class RangeView(APIView):
    @extend_schema(
        parameters=[RangeQuery, tz_parameter()],
        responses=RangeConsumptionSerializer,
        description="kWh per local day from start to end (both included, at most 366 days).",
    )
    def get(self, request: Request) -> Response:
        params = query_params(RangeQuery, request)
        summary = range_summary(
            params["device_id"],
            params["start"],
            params["end"],
            params["tz"],
            owner_filter(caller(request)),
        )
        return Response(range_body(params, summary))
