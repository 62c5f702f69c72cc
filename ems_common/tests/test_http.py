"""Request hardening: bodies nested too deep, form posts, NUL bytes, missing slashes, anonymous
callers of object-level permissions. Each answers in the common error shape, never a 500."""

from __future__ import annotations

import uuid

import pytest
from django.urls import path
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from ems_common.permissions import IsAdminOrSelf


class EchoView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"search": request.query_params.get("search", "")})

    def post(self, request: Request) -> Response:
        return Response({"keys": sorted(request.data)})


class Record:
    id = uuid.uuid4()


class OwnRecordView(generics.GenericAPIView):
    permission_classes = [IsAdminOrSelf]

    def get(self, request: Request) -> Response:
        self.check_object_permissions(request, Record())
        return Response({"ok": True})


urlpatterns = [
    path("echo/", EchoView.as_view()),
    path("own/", OwnRecordView.as_view()),
]
handler404 = "ems_common.errors.not_found"
handler500 = "ems_common.errors.server_error"

pytestmark = pytest.mark.urls(__name__)


def client() -> APIClient:
    return APIClient(raise_request_exception=False)


def test_json_nested_a_thousand_deep_is_400() -> None:
    body = "[" * 1000 + "]" * 1000
    response = client().post("/echo/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_form_encoded_body_is_refused_with_415() -> None:
    response = client().post(
        "/echo/", "username=a&password=b", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json()["type"] == "client_error"


def test_json_body_is_still_accepted() -> None:
    response = client().post("/echo/", {"a": 1, "b": 2}, format="json")
    assert response.status_code == 200
    assert response.json() == {"keys": ["a", "b"]}


def test_nul_byte_in_the_path_is_404() -> None:
    response = client().get("/echo%00/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.parametrize("method", ["post", "patch", "delete", "get"])
def test_missing_trailing_slash_is_a_308_in_the_error_shape(method: str) -> None:
    data = None if method == "get" else {"a": 1}
    response = getattr(client(), method)("/echo?x=1", data, format="json")
    assert response.status_code == 308
    assert response["Location"] == "/echo/?x=1"
    assert response.json()["errors"][0]["code"] == "trailing_slash_required"


def test_unknown_url_is_json_404_without_a_list_of_urls() -> None:
    response = client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert b"echo" not in response.content


def test_anonymous_caller_of_an_object_permission_gets_401() -> None:
    response = client().get("/own/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"
