"""GET /api/monitoring/consumption/: a device's kWh over a local day, week, month or year."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ems_common.auth import caller
from monitoring.access import owner_filter
from monitoring.api.consumption_serializers import PeriodConsumptionSerializer
from monitoring.api.hourly import kwh
from monitoring.api.queries import TimeZoneQuery, day_field, query_params, tz_field, tz_parameter
from monitoring.consumption.period_summary import PeriodConsumption, PeriodTotal, period_consumption
from monitoring.consumption.periods import PeriodKind


class PeriodQuery(TimeZoneQuery):
    device_id = serializers.UUIDField()
    period = serializers.ChoiceField(choices=[kind.value for kind in PeriodKind])
    date = day_field()
    tz = tz_field()


def total_body(total: PeriodTotal) -> dict[str, Any]:
    return {
        "start": total.start.isoformat(),
        "end": total.end.isoformat(),
        "total_kwh": kwh(total.kwh),
        "total_cost": None,
    }


def period_body(params: dict[str, Any], result: PeriodConsumption) -> dict[str, Any]:
    last = result.last_reading_at
    return {
        "device_id": str(params["device_id"]),
        "period": result.period.kind.value,
        "start": result.start.isoformat(),
        "end": result.end.isoformat(),
        "tz": params["tz"].key,
        "bucket": result.bucket.value,
        "buckets": [
            {
                "start": b.start.isoformat(),
                "kwh": kwh(b.kwh),
                "readings": b.readings,
                "expected_readings": b.expected_readings,
                "cost": None,
            }
            for b in result.buckets
        ],
        "total_kwh": kwh(result.total),
        "total_cost": None,
        "currency": None,
        "partial": result.partial,
        "last_reading_at": last.isoformat() if last else None,
        "previous": total_body(result.previous),
        "last_year": total_body(result.last_year),
    }


class PeriodConsumptionView(APIView):
    @extend_schema(
        parameters=[PeriodQuery, tz_parameter()],
        responses=PeriodConsumptionSerializer,
        description=(
            "The local day (hours), ISO week or month (days) or year (months) holding `date`, "
            "with kWh, readings and expected readings per bucket, the previous period's and last "
            "year's totals. Costs are null until a tariff applies."
        ),
    )
    def get(self, request: Request) -> Response:
        params = query_params(PeriodQuery, request)
        result = period_consumption(
            params["device_id"],
            PeriodKind(params["period"]),
            params["date"],
            params["tz"],
            owner_filter(caller(request)),
        )
        return Response(period_body(params, result))
