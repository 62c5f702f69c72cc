"""The one error format: unknown URLs, crashes and a lost database keep the shape."""

from __future__ import annotations

from typing import Any

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


class RaisingView(APIView):
    """Raises ``error`` on GET; a view with an authentication challenge, as every service's."""

    permission_classes = [AllowAny]
    error: Exception = Exception()

    def get(self, request: Request) -> Response:
        raise self.error


def raising(error: Exception) -> Any:
    return RaisingView.as_view(error=error)


urlpatterns = [
    path("lost-db/", raising(OperationalError("connection to server at 127.0.0.1 failed"))),
    path("field-error/", raising(field_error("date", "Use YYYY-MM-DD."))),
    path(
        "domain-invalid-field/",
        raising(domain.InvalidField("password", "Too short.", "Too common.", code="password")),
    ),
    path("domain-not-found/", raising(domain.NotFound("No user with that id."))),
    path(
        "domain-not-authenticated/",
        raising(domain.NotAuthenticated("Wrong username or password.", "wrong_credentials")),
    ),
    path("domain-try-later/", raising(domain.TryLater("Too many attempts.", 30))),
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


def test_a_domain_not_authenticated_is_a_401_with_its_code_and_challenge() -> None:
    response = APIClient().get("/domain-not-authenticated/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["errors"] == [
        {"code": "wrong_credentials", "detail": "Wrong username or password.", "attr": None}
    ]


def test_a_domain_try_later_is_a_429_with_retry_after() -> None:
    response = APIClient().get("/domain-try-later/")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert response.json()["errors"][0]["detail"].startswith("Too many attempts.")
