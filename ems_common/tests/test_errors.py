"""The one error format: unknown URLs, crashes and a lost database keep the shape."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from ems_common import exceptions as domain
from ems_common.errors import field_error


class LostDatabaseView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise OperationalError("connection to server at 127.0.0.1 failed")


class FieldErrorView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise field_error("date", "Use YYYY-MM-DD.")


class DomainInvalidFieldView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise domain.InvalidField("password", "Too short.", "Too common.", code="password")


class DomainNotFoundView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise domain.NotFound("No user with that id.")


urlpatterns = [
    path("lost-db/", LostDatabaseView.as_view()),
    path("field-error/", FieldErrorView.as_view()),
    path("domain-invalid-field/", DomainInvalidFieldView.as_view()),
    path("domain-not-found/", DomainNotFoundView.as_view()),
]
handler404 = "ems_common.errors.not_found"

pytestmark = pytest.mark.urls(__name__)


def test_lost_database_is_503_with_the_error_shape() -> None:
    response = APIClient(raise_request_exception=False).get("/lost-db/")
    assert response.status_code == 503
    assert response.json() == {
        "type": "server_error",
        "errors": [
            {
                "code": "database_unavailable",
                "detail": "The database is unavailable right now; try again shortly.",
                "attr": None,
            }
        ],
    }


def test_field_error_names_the_parameter() -> None:
    response = APIClient().get("/field-error/")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["errors"][0]["attr"] == "date"
    assert body["errors"][0]["detail"] == "Use YYYY-MM-DD."


@override_settings(DEBUG=False)
def test_unknown_url_is_json_404() -> None:
    response = APIClient().get("/no-such-page/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_a_domain_invalid_field_is_a_400_naming_it_once_per_message() -> None:
    response = APIClient().get("/domain-invalid-field/")
    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "errors": [
            {"code": "password", "detail": "Too short.", "attr": "password"},
            {"code": "password", "detail": "Too common.", "attr": "password"},
        ],
    }


def test_a_domain_not_found_is_a_404_with_its_message() -> None:
    response = APIClient().get("/domain-not-found/")
    assert response.status_code == 404
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": "No user with that id.", "attr": None}],
    }


def test_a_domain_not_found_says_not_found_by_default() -> None:
    assert str(domain.NotFound()) == "Not found."
