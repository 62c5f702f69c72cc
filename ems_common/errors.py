"""One error format for every service.

API errors come from drf-standardized-errors::

    {"type": "validation_error", "errors": [{"code": "required", "detail": "...", "attr": "name"}]}

``type`` is ``validation_error`` (400, ``attr`` names the field or query parameter),
``client_error`` (401/403/404/405/415/429) or ``server_error`` (5xx). A database that is
unreachable gives 503 ``database_unavailable`` (try again), not a 500. The handlers below give
requests that never reach a DRF view (unknown URL, crash in middleware) the same shape, and
the domain's own errors (ems_common.exceptions) their HTTP form.
"""

from __future__ import annotations

from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail, ValidationError

from ems_common import exceptions as domain


def error_body(error_type: str, code: str, detail: str, attr: str | None = None) -> dict[str, Any]:
    return {"type": error_type, "errors": [{"code": code, "detail": detail, "attr": attr}]}


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("client_error", "not_found", "Not found."), status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(error_body("server_error", "error", "A server error occurred."), status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("client_error", "bad_request", "Bad request."), status=400)


def field_error(attr: str, detail: str, code: str = "invalid") -> ValidationError:
    """A 400 naming ``attr`` (a body field or query parameter)."""
    return ValidationError({attr: [ErrorDetail(detail, code=code)]})


class DatabaseUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "The database is unavailable right now; try again shortly."
    default_code = "database_unavailable"


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "A service this request needs is unavailable right now; try again shortly."
    default_code = "unavailable"


class EmsExceptionHandler(ExceptionHandler):
    """drf-standardized-errors' handler, plus: a lost database is a 503, not a crash, and the
    domain's errors are the API's 400, 401, 404, 429 and 503."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, OperationalError | InterfaceError):
            return DatabaseUnavailable()
        if isinstance(exc, domain.InvalidField):
            errors = [ErrorDetail(message, code=exc.code) for message in exc.messages]
            return ValidationError({exc.field: errors})
        if isinstance(exc, domain.NotFound):
            return exceptions.NotFound(str(exc))
        if isinstance(exc, domain.NotAuthenticated):
            failed = exceptions.AuthenticationFailed(str(exc), exc.code)
            # What DRF's APIView adds to its own AuthenticationFailed: the challenge of a 401.
            view, request = self.context.get("view"), self.context.get("request")
            if view is not None and request is not None:
                failed.auth_header = view.get_authenticate_header(request)  # type: ignore[attr-defined]
            return failed
        if isinstance(exc, domain.TryLater):
            return exceptions.Throttled(wait=exc.wait, detail=str(exc))
        if isinstance(exc, domain.Unavailable):
            return ServiceUnavailable(str(exc), exc.code)
        return super().convert_known_exceptions(exc)
