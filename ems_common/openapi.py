"""The OpenAPI schema class of every service: drf-standardized-errors' AutoSchema, which
documents each operation's error responses in the one error shape, plus what EMS adds to it.

- 401 lists EMS's own codes (``token_expired``, ``wrong_credentials``, ...), not only DRF's two.
- 503 (``database_unavailable``, ``auth_unavailable``) is documented on every operation: any
  request may meet a lost database or an unreachable auth service.
- Query parameters validated by a serializer given to ``extend_schema(parameters=[...])`` get
  their 400 documented, each parameter with the codes it can raise (the library only looks at
  request bodies and django-filter forms). Every query parameter may also be refused with
  ``null_characters_not_allowed`` (DRF's CharField, which reads them). A filter backend with
  ``query_error_codes`` (ems_common.filters.StrictOrderingFilter) gets its 400 documented too.
- A view without authentication (login, health) declares no security requirement; the others
  declare ``jwtAuth`` once (the SECURITY setting and the authentication extension both add it).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.plumbing import is_serializer
from drf_standardized_errors import openapi
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum
from drf_standardized_errors.openapi_utils import (
    InputDataField,
    get_flat_serializer_fields,
    get_serializer_fields_with_error_codes,
)
from rest_framework import serializers

UNAVAILABLE = "503"
NUL_IN_QUERY = "null_characters_not_allowed"
# Only these read a request body: a GET cannot fail to parse one (400), nor have a wrong type (415).
BODY_METHODS = ("POST", "PUT", "PATCH")


class ErrorCode401Enum(models.TextChoices):
    """Every 401 code a service answers (ems_common.auth, auth_service's login and refresh)."""

    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    BAD_AUTHORIZATION_HEADER = "bad_authorization_header"
    TOKEN_INVALID = "token_invalid"
    TOKEN_EXPIRED = "token_expired"
    WRONG_CREDENTIALS = "wrong_credentials"
    USER_NOT_FOUND = "user_not_found"
    SESSION_ENDED = "session_ended"  # ems_common.sessions: the account changed since the token
    TICKET_INVALID = "ticket_invalid"  # monitoring's export download links
    TICKET_EXPIRED = "ticket_expired"
    TICKET_USED = "ticket_used"


class ErrorCode503Enum(models.TextChoices):
    DATABASE_UNAVAILABLE = "database_unavailable"
    AUTH_UNAVAILABLE = "auth_unavailable"


def error_response_serializer(
    status: int, codes: type[models.TextChoices], kind: type[models.TextChoices]
) -> type[serializers.Serializer]:
    """``ErrorResponse<status>Serializer``: the error shape with ``codes`` as its codes.

    The class names are what drf-spectacular names the schema components after
    (``Error401``, ``ErrorResponse401``, ...), as drf-standardized-errors does for its own.
    """
    error = type(
        f"Error{status}Serializer",
        (serializers.Serializer,),
        {
            "code": serializers.ChoiceField(choices=codes.choices),
            "detail": serializers.CharField(),
            "attr": serializers.CharField(allow_null=True),
        },
    )
    fields = {"type": serializers.ChoiceField(choices=kind.choices), "errors": error(many=True)}
    return type(f"ErrorResponse{status}Serializer", (serializers.Serializer,), fields)


class ErrorCode400Enum(models.TextChoices):
    """The codes of a 400 whose ``attr`` the domain names (e.g. ``rates[2].end``)."""

    INVALID = "invalid"
    REQUIRED = "required"
    NULL = "null"
    BLANK = "blank"
    MAX_LENGTH = "max_length"
    MIN_LENGTH = "min_length"
    INVALID_CHOICE = "invalid_choice"
    MIN_VALUE = "min_value"
    MAX_VALUE = "max_value"
    NOT_A_LIST = "not_a_list"
    EMPTY = "empty"
    MAX_DIGITS = "max_digits"
    MAX_DECIMAL_PLACES = "max_decimal_places"
    MAX_WHOLE_DIGITS = "max_whole_digits"
    MAX_STRING_LENGTH = "max_string_length"
    NULL_CHARACTERS_NOT_ALLOWED = "null_characters_not_allowed"
    SURROGATE_CHARACTERS_NOT_ALLOWED = "surrogate_characters_not_allowed"
    PARSE_ERROR = "parse_error"


class Error400KindEnum(models.TextChoices):
    VALIDATION_ERROR = "validation_error"
    CLIENT_ERROR = "client_error"  # a body that is not JSON


# For a body with nested lists whose errors the domain names itself ("rates[2].end", "rates"):
# ``attr`` is any string, not an enum of the serializer's fields. extend_schema(responses=...).
ErrorResponse400Serializer = error_response_serializer(400, ErrorCode400Enum, Error400KindEnum)
ErrorResponse401Serializer = error_response_serializer(401, ErrorCode401Enum, ClientErrorEnum)
ErrorResponse503Serializer = error_response_serializer(503, ErrorCode503Enum, ServerErrorEnum)


class AutoSchema(openapi.AutoSchema):
    def get_auth(self) -> list[dict[str, Any]]:
        if not self.view.get_authenticators():
            return []
        unique: list[dict[str, Any]] = []
        for requirement in super().get_auth():
            if requirement not in unique:
                unique.append(requirement)
        return unique

    def get_request_serializer(self) -> Any:
        patch = getattr(self.view, "patch_serializer_class", None)
        if self.method == "PATCH" and patch is not None:  # ems_common.views.PatchedDetailView
            return patch
        return super().get_request_serializer()

    def _get_allowed_error_status_codes(self) -> list[str]:
        return [*super()._get_allowed_error_status_codes(), UNAVAILABLE]

    def _should_add_error_response(self, responses: dict[str, Any], status_code: str) -> bool:
        if status_code == UNAVAILABLE:
            return status_code not in responses
        return super()._should_add_error_response(responses, status_code)

    def _get_error_response_serializer(self, status_code: str) -> Any:
        if status_code == "401":
            return ErrorResponse401Serializer
        if status_code == UNAVAILABLE:
            return ErrorResponse503Serializer
        return super()._get_error_response_serializer(status_code)

    def _should_add_parse_error_response(self) -> bool:
        return self.method in BODY_METHODS and super()._should_add_parse_error_response()

    def _should_add_http415_error_response(self) -> bool:
        return self.method in BODY_METHODS and super()._should_add_http415_error_response()

    def _query_serializers(self) -> list[Any]:
        return [p for p in self.get_override_parameters() if is_serializer(p)]

    def _query_parameters(self) -> list[str]:
        return [p["name"] for p in self._get_parameters() if p["in"] == "query"]

    def _should_add_validation_error_response(self) -> bool:
        return super()._should_add_validation_error_response() or bool(self._query_parameters())

    def _determine_fields_with_error_codes(self) -> list[InputDataField]:
        fields = list(super()._determine_fields_with_error_codes())
        for serializer in self._query_serializers():
            flat = get_flat_serializer_fields(serializer)
            fields.extend(get_serializer_fields_with_error_codes(flat))
        # Filter backends that refuse a parameter say so (ems_common.filters).
        for backend in self.get_filter_backends():
            for name, codes in getattr(backend, "query_error_codes", {}).items():
                fields.append(InputDataField(name, serializers.CharField(), set(codes)))
        # Codes of fields with the same name are merged (the library's own rule).
        for name in self._query_parameters():
            fields.append(InputDataField(name, serializers.CharField(), {NUL_IN_QUERY}))
        return fields
