"""``GET /api/<service>/health/``: 200 only when the database and the broker both answer."""

from __future__ import annotations

import time

import pika
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ems_common.messaging.connection import cluster_parameters

BROKER_CHECK_TTL = 2.0  # seconds a broker answer is reused, so probes don't flood RabbitMQ
_broker_cache: tuple[float, str] = (0.0, "")


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "up"
    except Exception as exc:  # any failure means "down"; the reason is reported
        return f"down: {exc.__class__.__name__}"


def broker_status() -> str:
    global _broker_cache
    checked_at, status = _broker_cache
    if status and time.monotonic() - checked_at < BROKER_CHECK_TTL:
        return status
    nodes = cluster_parameters()  # up when any node of a cluster answers
    for params in nodes:
        params.socket_timeout = 2
        params.blocked_connection_timeout = 2
    try:
        pika.BlockingConnection(nodes).close()
        status = "up"
    except Exception as exc:
        status = f"down: {exc.__class__.__name__}"
    _broker_cache = (time.monotonic(), status)
    return status


HEALTH = inline_serializer(
    "Health",
    {
        "service": serializers.CharField(),
        "status": serializers.ChoiceField(choices=["ok", "degraded"]),
        "database": serializers.CharField(),
        "broker": serializers.CharField(),
    },
)


class HealthView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    service = ""

    @extend_schema(
        responses={200: HEALTH, 503: HEALTH},
        description="200 when the database and the broker answer, 503 (same body) otherwise.",
    )
    def get(self, request: Request) -> Response:
        checks = {"database": database_status(), "broker": broker_status()}
        healthy = all(value == "up" for value in checks.values())
        body = {"service": self.service, "status": "ok" if healthy else "degraded", **checks}
        return Response(body, status=200 if healthy else 503)
