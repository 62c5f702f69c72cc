"""GET /api/monitoring/export/ (a CSV download, streamed) and POST /api/monitoring/export/links/.

The GET is authenticated by the bearer token or by a ``ticket`` from POST export/links/: a
browser cannot add a header to a download, so the frontend asks for a link and lets the browser
follow it (monitoring.export.tickets).
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import jwt
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.text import slugify
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ems_common import exceptions as domain
from ems_common.auth import JWTAuthentication, TokenUser, caller, user_from_claims
from ems_common.openapi import ErrorResponse400Serializer
from ems_common.validation import validated
from monitoring.access import owner_filter
from monitoring.api.queries import TimeZoneQuery, day_field, query_params, tz_field, tz_parameter
from monitoring.consumption.periods import BucketKind
from monitoring.export.rows import (
    ExportDevice,
    ExportRow,
    ExportSpan,
    export_devices,
    export_rows,
    export_span,
)
from monitoring.export.tickets import Ticket, issue_ticket, open_ticket, spend_ticket
from monitoring.tariffs.money import decimal_text

HEADER = [
    "device_id",
    "device_name",
    "start",
    "end",
    "kwh",
    "readings",
    "expected_readings",
    "cost",
    "currency",
]
FLUSH_BYTES = 64 * 1024  # rows are sent in pieces of about this size, not one write per row


class ExportParams(TimeZoneQuery):
    # Checked as a whole (validate_device_id): an error names `device_id`, not `device_id.0`,
    # and "invalid" is among its documented codes (a bad UUID, or not one device for a client).
    device_id = serializers.ListField(
        child=serializers.JSONField(),  # anything: validate_device_id names device_id
        required=False,
        help_text="A client: exactly one, its own. An admin: any number; none for every device.",
        error_messages={"invalid": "Not a valid UUID, or not one device for a client."},
    )
    start = day_field()
    end = day_field()
    bucket = serializers.ChoiceField(choices=[kind.value for kind in BucketKind])
    tz = tz_field()

    def validate_device_id(self, values: list[Any]) -> list[uuid.UUID]:
        try:
            return [uuid.UUID(value) for value in values]
        except (ValueError, TypeError, AttributeError):
            raise serializers.ValidationError("Must be valid UUIDs.", code="invalid") from None


class ExportQuery(ExportParams):
    format = serializers.ChoiceField(choices=["csv"], default="csv")


class ExportLinkSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The export's GET with a ticket instead of the bearer.")
    expires_at = serializers.DateTimeField(help_text="The link works once, until then (60 s).")


class ExportTicketAuthentication(BaseAuthentication):
    """``?ticket=`` of POST export/links/, in place of the bearer token (the GET only)."""

    def authenticate(self, request: Request) -> tuple[TokenUser, Ticket] | None:
        text = request.query_params.get("ticket")
        if text is None:
            return None
        from ems_common.sessions import check_current

        try:
            ticket = open_ticket(text)
        except domain.NotAuthenticated as exc:
            raise exceptions.AuthenticationFailed(str(exc), exc.code) from None
        check_current(ticket.claims)
        return user_from_claims(ticket.claims), ticket

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="ems"'


class ExportTicketScheme(OpenApiAuthenticationExtension):
    target_class = ExportTicketAuthentication
    name = "exportTicket"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "query",
            "name": "ticket",
            "description": "From POST export/links/, instead of the bearer: once, within 60 s.",
        }


class FirstRendererNegotiation(DefaultContentNegotiation):
    """``format`` is the export's format here, not DRF's renderer override: errors stay JSON."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


def canonical_query(params: dict[str, Any]) -> str:
    """The export's query string, one spelling per query: what a ticket is bound to."""
    devices = sorted({str(d) for d in params.get("device_id") or []})
    pairs = [("device_id", d) for d in devices] + [
        ("start", params["start"].isoformat()),
        ("end", params["end"].isoformat()),
        ("bucket", params["bucket"]),
        ("tz", params["tz"].key),
        ("format", params.get("format", "csv")),
    ]
    return urlencode(pairs)


def checked_export(
    params: dict[str, Any], user: TokenUser
) -> tuple[list[ExportDevice], ExportSpan]:
    """The devices and span of a valid export for ``user``: 400 naming the parameter, or 404."""
    span = export_span(params["start"], params["end"], BucketKind(params["bucket"]), params["tz"])
    return export_devices(params.get("device_id"), owner_filter(user)), span


def filename(devices: list[ExportDevice], span: ExportSpan) -> str:
    name = (slugify(devices[0].name) or "device") if len(devices) == 1 else "all-devices"
    return f"ems-{name}-{span.first.isoformat()}_{span.last.isoformat()}-{span.bucket.value}.csv"


class Echo:
    """A file whose write() returns what it is given: csv.writer's line, to yield."""

    def write(self, value: str) -> str:
        return value


def row_cells(row: ExportRow) -> list[str | int]:
    bucket = row.bucket
    return [
        str(row.device.id),
        row.device.name,
        bucket.start.isoformat(),
        bucket.end.isoformat(),
        decimal_text(bucket.kwh),
        bucket.readings,
        bucket.expected_readings,
        decimal_text(bucket.cost) if bucket.cost is not None else "",
        row.currency or "",
    ]


def csv_chunks(rows: Iterable[ExportRow]) -> Iterator[bytes]:
    """RFC 4180 (the csv module's default dialect: CRLF, minimal quoting), UTF-8, in pieces."""
    writer = csv.writer(Echo())
    lines = [writer.writerow(HEADER)]
    size = 0
    for row in rows:
        line = writer.writerow(row_cells(row))
        lines.append(line)
        size += len(line)
        if size >= FLUSH_BYTES:
            yield "".join(lines).encode()
            lines, size = [], 0
    yield "".join(lines).encode()


class ExportView(APIView):
    authentication_classes = [ExportTicketAuthentication, JWTAuthentication]
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        parameters=[
            ExportQuery,
            tz_parameter(),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV, streamed.")
        },
        description=(
            "kWh, readings, expected readings and cost per local hour, day or month from `start` "
            "to `end` (local days, both included; hours: at most 1827 days), as an RFC 4180 CSV "
            "download with the header `" + ",".join(HEADER) + "`, streamed."
        ),
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        params = query_params(ExportQuery, request)
        if isinstance(request.auth, Ticket):
            if not request.auth.is_for(canonical_query(params)):
                raise exceptions.PermissionDenied("This download link is for another export.")
            spend_ticket(request.auth)
        user = caller(request)
        devices, span = checked_export(params, user)
        rows = export_rows(devices, span, datetime.now(UTC), owner_filter(user))
        response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename(devices, span)}"'
        response["Cache-Control"] = "no-store"
        response["X-Accel-Buffering"] = "no"  # nginx passes each piece on as it comes
        return response


class ExportLinkView(APIView):
    authentication_classes = [JWTAuthentication]

    @extend_schema(
        request=ExportParams,
        # device_id's element errors are named "device_id.0", not an enum of the fields.
        responses={201: ExportLinkSerializer, 400: ErrorResponse400Serializer},
        description=(
            "A link to the export of these parameters (400 and 404 as the GET) that works once "
            "within 60 seconds, for the caller, without the bearer token: for a browser download."
        ),
    )
    def post(self, request: Request) -> Response:
        params = validated(ExportParams, request.data)
        user = caller(request)
        checked_export(params, user)
        query = canonical_query(params)
        claims = jwt.decode(
            str(request.auth), options={"verify_signature": False}
        )  # verified already
        ticket, expires = issue_ticket(claims, query)
        url = f"{reverse('monitoring-export')}?{query}&{urlencode({'ticket': ticket})}"
        return Response({"url": url, "expires_at": expires.isoformat()}, status=201)
