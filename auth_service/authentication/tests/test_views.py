from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from conftest import STRONG_PASSWORD
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from authentication import services
from authentication.models import User
from ems_common import auth

pytestmark = pytest.mark.django_db

REGISTER = "/api/auth/register/"
LOGIN = "/api/auth/login/"
ME = "/api/auth/me/"
USERS = "/api/auth/users/"


def register(api: APIClient, username: str = "alice", password: str = STRONG_PASSWORD) -> Any:
    body = {"username": username, "password": password, "full_name": "Alice A", "email": "a@x.io"}
    return api.post(REGISTER, body, format="json")


def error_attrs(response: Any) -> set[str | None]:
    return {error["attr"] for error in response.json()["errors"]}


def test_register_login_me_round_trip(api: APIClient) -> None:
    created = register(api)
    assert created.status_code == 201, created.json()
    assert created.json()["role"] == "client"
    assert "password" not in created.json()

    login = api.post(LOGIN, {"username": "alice", "password": STRONG_PASSWORD}, format="json")
    assert login.status_code == 200
    body = login.json()
    assert body["user"] == {"id": created.json()["id"], "username": "alice", "role": "client"}

    api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    me = api.get(ME)
    assert me.status_code == 200
    assert me.json()["email"] == "a@x.io"


def test_register_ignores_a_requested_admin_role(api: APIClient) -> None:
    body = {"username": "mallory", "password": STRONG_PASSWORD, "role": "admin"}
    assert api.post(REGISTER, body, format="json").json()["role"] == "client"


def test_duplicate_username_is_400_naming_username_case_insensitively(api: APIClient) -> None:
    assert register(api, "alice").status_code == 201
    again = register(api, "ALICE")
    assert again.status_code == 400
    assert error_attrs(again) == {"username"}


def test_weak_password_is_400_naming_password(api: APIClient) -> None:
    response = register(api, password="12345678")
    assert response.status_code == 400
    assert error_attrs(response) == {"password"}
    assert not User.objects.exists()


def test_malformed_json_is_400(api: APIClient) -> None:
    response = api.post(REGISTER, data='{"username": ', content_type="application/json")
    assert response.status_code == 400


def test_missing_fields_are_named(api: APIClient) -> None:
    response = api.post(LOGIN, {}, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"username", "password"}


def test_wrong_password_is_401(api: APIClient, make_user: Callable[..., User]) -> None:
    make_user("alice")
    response = api.post(LOGIN, {"username": "alice", "password": "nope-nope"}, format="json")
    assert response.status_code == 401


def test_unknown_user_login_is_401(api: APIClient) -> None:
    response = api.post(LOGIN, {"username": "ghost", "password": "whatever1"}, format="json")
    assert response.status_code == 401


def test_me_without_token_is_401(api: APIClient) -> None:
    assert api.get(ME).status_code == 401


def test_tampered_token_is_401(api: APIClient, make_user: Callable[..., User]) -> None:
    token = services.issue_access(make_user("alice"))
    header, payload, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {header}.{payload}.{flipped}")
    assert api.get(ME).status_code == 401


def test_a_token_naming_a_key_id_with_a_nul_byte_is_401_not_a_crash(api: APIClient) -> None:
    token = jwt.encode({"sub": "x"}, "not-our-key", algorithm="HS256", headers={"kid": "a\x00b"})
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(ME).status_code == 401


def test_expired_token_is_401(
    api: APIClient, make_user: Callable[..., User], settings: Settings
) -> None:
    settings.EMS_ACCESS_TOKEN_SECONDS = -1  # expired as soon as issued
    token = services.issue_access(make_user("alice"))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.get(ME)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_expired"


def test_refresh_token_is_not_an_access_token(
    api: APIClient, make_user: Callable[..., User]
) -> None:
    pair = services.issue_pair(make_user("alice"))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.refresh}")
    assert api.get(ME).status_code == 401


def test_refresh_gives_a_working_access_token(
    api: APIClient, make_user: Callable[..., User]
) -> None:
    pair = services.issue_pair(make_user("alice"))
    response = api.post("/api/auth/refresh/", {"refresh": pair.refresh}, format="json")
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert api.get(ME).json()["username"] == "alice"


def test_refresh_for_a_deleted_user_is_401(
    api: APIClient, make_user: Callable[..., User], admin: User
) -> None:
    user = make_user("alice")
    pair = services.issue_pair(user)
    services.delete_user(user, acting_user_id=admin.id)
    response = api.post("/api/auth/refresh/", {"refresh": pair.refresh}, format="json")
    assert response.status_code == 401


def test_access_token_as_refresh_is_401(api: APIClient, make_user: Callable[..., User]) -> None:
    access = services.issue_access(make_user("alice"))
    assert api.post("/api/auth/refresh/", {"refresh": access}, format="json").status_code == 401


def test_client_on_admin_endpoint_is_403(
    make_user: Callable[..., User], api_as: Callable[[User], APIClient]
) -> None:
    client = api_as(make_user("alice"))
    assert client.get(USERS).status_code == 403
    assert client.post(USERS, {"username": "x"}, format="json").status_code == 403


def test_admin_lists_users_paginated(admin_api: APIClient, make_user: Callable[..., User]) -> None:
    make_user("alice")
    body = admin_api.get(USERS).json()
    assert body["count"] == 2
    assert {user["username"] for user in body["results"]} == {"alice", "root"}


def test_admin_creates_an_admin(admin_api: APIClient) -> None:
    body = {"username": "second", "password": STRONG_PASSWORD, "role": "admin", "email": ""}
    response = admin_api.post(USERS, body, format="json")
    assert response.status_code == 201
    assert response.json()["role"] == "admin"


def test_admin_create_rejects_an_unknown_role(admin_api: APIClient) -> None:
    body = {"username": "second", "password": STRONG_PASSWORD, "role": "root"}
    response = admin_api.post(USERS, body, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"role"}


def test_admin_patches_role_and_password(
    admin_api: APIClient, make_user: Callable[..., User], api: APIClient
) -> None:
    user = make_user("alice")
    new_password = "another-long-secret-4"
    response = admin_api.patch(
        f"{USERS}{user.id}/", {"role": "admin", "password": new_password}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    user.refresh_from_db()
    assert user.version == 2
    login = api.post(LOGIN, {"username": "alice", "password": new_password}, format="json")
    assert login.json()["user"]["role"] == "admin"


def test_patch_with_weak_password_is_400_naming_password(
    admin_api: APIClient, make_user: Callable[..., User]
) -> None:
    user = make_user("alice")
    response = admin_api.patch(f"{USERS}{user.id}/", {"password": "short"}, format="json")
    assert response.status_code == 400
    assert error_attrs(response) == {"password"}


def test_admin_cannot_demote_themselves(admin_api: APIClient, admin: User) -> None:
    response = admin_api.patch(f"{USERS}{admin.id}/", {"role": "client"}, format="json")
    assert response.status_code == 400
    assert "own account" in response.json()["errors"][0]["detail"]
    admin.refresh_from_db()
    assert admin.role == "admin"


def test_admin_cannot_delete_themselves(admin_api: APIClient, admin: User) -> None:
    response = admin_api.delete(f"{USERS}{admin.id}/")
    assert response.status_code == 400
    assert User.objects.filter(pk=admin.pk).exists()


def test_admin_deletes_a_user(admin_api: APIClient, make_user: Callable[..., User]) -> None:
    user = make_user("alice")
    assert admin_api.delete(f"{USERS}{user.id}/").status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert admin_api.get(f"{USERS}{user.id}/").status_code == 404


@pytest.mark.parametrize("user_id", ["not-a-uuid", str(uuid.uuid4())])
def test_unknown_or_malformed_user_id_is_404(admin_api: APIClient, user_id: str) -> None:
    assert admin_api.get(f"{USERS}{user_id}/").status_code == 404
    assert admin_api.patch(f"{USERS}{user_id}/", {}, format="json").status_code == 404


def test_jwks_publishes_the_signing_key(api: APIClient, make_user: Callable[..., User]) -> None:
    token = services.issue_access(make_user("alice"))
    jwks = api.get("/api/auth/jwks.json").json()
    kid = auth.jwt.get_unverified_header(token)["kid"]
    [key] = jwks["keys"]
    assert key["kid"] == kid
    assert key["alg"] == "RS256" and key["use"] == "sig" and key["kty"] == "RSA"
    assert "d" not in key  # never the private part
