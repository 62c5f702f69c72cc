"""GET /api/monitoring/fleet/ (admins): every device on one local day, at a glance."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ems_common.permissions import IsAdmin
from monitoring.api.consumption import cost_text
from monitoring.api.consumption_serializers import FleetOverviewSerializer
from monitoring.api.hourly import kwh
from monitoring.api.queries import TimeZoneQuery, day_field, query_params, tz_field, tz_parameter
from monitoring.consumption.fleet import FleetDay, fleet_day


class FleetQuery(TimeZoneQuery):
    date = day_field()
    tz = tz_field()


def fleet_body(params: dict[str, Any], fleet: FleetDay) -> dict[str, Any]:
    zone = params["tz"]
    return {
        "date": params["date"].isoformat(),
        "tz": zone.key,
        "devices": fleet.devices,
        "total_kwh": kwh(fleet.total),
        "over_max": [
            {"device_id": str(d.device_id), "name": d.name, "hours_over": d.hours_over}
            for d in fleet.over_max
        ],
        "silent": [
            {
                "device_id": str(d.device_id),
                "name": d.name,
                "last_reading_at": (
                    d.last_reading_at.astimezone(zone).isoformat() if d.last_reading_at else None
                ),
            }
            for d in fleet.silent
        ],
        "total_cost": cost_text(fleet.total_cost),
        "currency": fleet.currency,
        "top": [
            {
                "device_id": str(d.device_id),
                "name": d.name,
                "kwh": kwh(d.kwh),
                "cost": cost_text(d.cost),
            }
            for d in fleet.top
        ],
    }


class FleetView(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(
        parameters=[FleetQuery, tz_parameter()],
        responses=FleetOverviewSerializer,
        description=(
            "Admins: every device's kWh on the local `date`, the devices over their hourly "
            "maximum, the silent ones (no reading for more than 3 intervals) and the top 10, "
            "with costs (exact decimal strings) where tariffs apply."
        ),
    )
    def get(self, request: Request) -> Response:
        params = query_params(FleetQuery, request)
        return Response(fleet_body(params, fleet_day(params["date"], params["tz"])))
