"""Responses as the OpenAPI schema documents them (the fuzzer in tests/e2e checks every one)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from ems_common.testing.openapi import assert_documented
from users.tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def test_a_profile_without_email_is_documented(client_for: Callable[..., APIClient]) -> None:
    profile = ProfileFactory.create(email="")

    response = client_for(profile.id).get("/api/users/me/")

    assert response.status_code == 200
    assert response.json()["email"] == ""
    assert_documented(response, "GET", "/api/users/me/")


def test_an_email_longer_than_its_column_is_a_400_naming_it(
    client_for: Callable[..., APIClient],
) -> None:
    profile = ProfileFactory.create()
    long_email = "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".com"  # 260 > 254 characters

    response = client_for(profile.id).patch(
        f"/api/users/{profile.id}/", {"email": long_email}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "email"
    assert_documented(response, "PATCH", "/api/users/{id}/")
