"""Responses as the OpenAPI schema documents them (the fuzzer in tests/e2e checks every one)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import STRONG_PASSWORD
from rest_framework.test import APIClient

from authentication.models import User
from ems_common.testing.openapi import assert_documented

pytestmark = pytest.mark.django_db

# 260 characters, valid for Django's EmailValidator, longer than the column (254).
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".com"


def test_a_user_without_email_is_documented(
    make_user: Callable[..., User], api_as: Callable[[User], APIClient]
) -> None:
    response = api_as(make_user(email="")).get("/api/auth/me/")

    assert response.status_code == 200
    assert response.json()["email"] == ""
    assert_documented(response, "GET", "/api/auth/me/")


def test_an_email_longer_than_its_column_is_a_400_naming_it(api: APIClient) -> None:
    body = {"username": "alice", "password": STRONG_PASSWORD, "email": LONG_EMAIL}

    response = api.post("/api/auth/register/", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "email"
    assert_documented(response, "POST", "/api/auth/register/")


def test_a_failed_login_is_documented(make_user: Callable[..., User], api: APIClient) -> None:
    make_user("alice")

    response = api.post(
        "/api/auth/login/", {"username": "alice", "password": "wrong"}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "wrong_credentials"
    assert_documented(response, "POST", "/api/auth/login/")


def test_the_key_set_is_documented(api: APIClient) -> None:
    response = api.get("/api/auth/jwks.json")

    assert response.status_code == 200
    assert response.json()["keys"]
    assert_documented(response, "GET", "/api/auth/jwks.json")


@pytest.mark.parametrize("path", ["/api/auth/register/", "/api/auth/users/"])
def test_a_taken_username_is_a_documented_400(
    make_user: Callable[..., User], admin_api: APIClient, path: str
) -> None:
    make_user("alice")
    body = {"username": "Alice", "password": STRONG_PASSWORD}

    response = admin_api.post(path, body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "unique"
    assert_documented(response, "POST", path)
