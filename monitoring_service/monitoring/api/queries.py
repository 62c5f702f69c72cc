"""Query parameters the monitoring endpoints share: local dates and the time zone they are in."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core.validators import MaxValueValidator, MinValueValidator
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request

from ems_common.validation import validated
from monitoring.consumption.local_days import UnknownTimeZone, zone_named

DATE_FORMATS = ["%Y-%m-%d"]
# The days readings can fall on (monitoring.ingestion.readings accepts 2000-01-01 up to
# 2100-01-01 UTC), give or take a day for zones ahead of or behind UTC; outside them, 400 naming
# the parameter.
FIRST_DAY, LAST_DAY = date(1999, 12, 31), date(2100, 1, 1)


def day_field() -> serializers.DateField:
    return serializers.DateField(
        input_formats=DATE_FORMATS,
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
    )


def tz_field() -> serializers.CharField:
    """The IANA zone a query's local dates are in (UTC when not given)."""
    return serializers.CharField(default="UTC")


class TimeZoneQuery(serializers.Serializer):
    """A query with a ``tz = tz_field()``, validated into a ZoneInfo.

    Each query declares the field itself, where it stands among its parameters: the order of the
    fields is the order of the documented errors in the OpenAPI schema.
    """

    def validate_tz(self, value: str) -> ZoneInfo:
        try:
            return zone_named(value)
        except UnknownTimeZone as exc:
            raise serializers.ValidationError(str(exc)) from None


def tz_parameter() -> OpenApiParameter:
    return OpenApiParameter("tz", str, description="IANA time zone, e.g. Europe/Bucharest (UTC)")


def query_params(query: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request's query parameters validated by ``query``; a 400 naming each one at fault."""
    return validated(query, request.query_params)
