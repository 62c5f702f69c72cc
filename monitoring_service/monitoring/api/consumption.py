"""GET /api/monitoring/consumption/: a device's kWh over a local day, week, month or year."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
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
from monitoring.consumption.period_summary import (
    PeriodConsumption,
    PeriodTotal,
    Projection,
    period_consumption,
)
from monitoring.consumption.periods import PeriodKind
from monitoring.tariffs.money import decimal_text


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
        "total_cost": cost_text(total.cost),
    }


def cost_text(cost: Decimal | None) -> str | None:
    return None if cost is None else decimal_text(cost)


def projection_body(projection: Projection | None) -> dict[str, Any] | None:
    if projection is None:
        return None
    return {
        "total_kwh": kwh(projection.kwh),
        "total_cost": cost_text(projection.cost),
        "basis_hours": projection.basis / timedelta(hours=1),
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
                "cost": cost_text(b.cost),
                "estimated": b.estimated,
            }
            for b in result.buckets
        ],
        "total_kwh": kwh(result.total),
        "total_cost": cost_text(result.total_cost),
        "currency": result.currency,
        "partial": result.partial,
        "last_reading_at": last.isoformat() if last else None,
        "previous": total_body(result.previous),
        "last_year": total_body(result.last_year),
        "projection": projection_body(result.projection),
    }


class PeriodConsumptionView(APIView):
    @extend_schema(
        parameters=[PeriodQuery, tz_parameter()],
        responses=PeriodConsumptionSerializer,
        description=(
            "The local day (hours), ISO week or month (days) or year (months) holding `date`, "
            "with kWh, readings and expected readings per bucket, the previous period's and last "
            "year's totals, costs (exact decimal strings, from the tariffs in force) and, for a "
            "partial period, a projection to its end at the pace so far."
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
