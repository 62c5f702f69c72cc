"""A change of role or password, or a deletion, ends the account's sessions at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import STRONG_PASSWORD
from rest_framework.test import APIClient

from authentication import services
from authentication.models import User

pytestmark = pytest.mark.django_db

USERS = "/api/auth/users/"
REFRESH = "/api/auth/refresh/"
NEW_ADMIN = {"username": "eve", "password": STRONG_PASSWORD, "role": "admin"}

ApiAs = Callable[[User], APIClient]


def test_a_demoted_admins_token_can_no_longer_create_admins(
    make_user: Callable[..., User], admin: User, api_as: ApiAs
) -> None:
    other_admin = make_user("bob", role="admin")
    bobs_api = api_as(other_admin)
    services.update_user(other_admin, acting_user_id=admin.id, role="client")
    response = bobs_api.post(USERS, NEW_ADMIN, format="json")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "session_ended"
    assert not User.objects.filter(username="eve").exists()


def test_a_deleted_admins_token_is_refused(
    make_user: Callable[..., User], admin: User, api_as: ApiAs
) -> None:
    other_admin = make_user("bob", role="admin")
    bobs_api = api_as(other_admin)
    services.delete_user(other_admin, acting_user_id=admin.id)
    assert bobs_api.get(USERS).status_code == 401
    assert bobs_api.get("/api/auth/me/").status_code == 401


@pytest.mark.parametrize("change", [{"password": "another-horse-battery-7"}, {"role": "admin"}])
def test_a_change_ends_the_old_refresh_token(
    api: APIClient, make_user: Callable[..., User], admin: User, change: dict[str, str]
) -> None:
    user = make_user("alice")
    refresh = services.issue_pair(user).refresh
    assert api.post(REFRESH, {"refresh": refresh}, format="json").status_code == 200
    services.update_user(user, acting_user_id=admin.id, **change)
    response = api.post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "session_ended"


def test_a_deleted_users_refresh_token_is_refused(
    api: APIClient, make_user: Callable[..., User], admin: User
) -> None:
    user = make_user("alice")
    refresh = services.issue_pair(user).refresh
    services.delete_user(user, acting_user_id=admin.id)
    assert api.post(REFRESH, {"refresh": refresh}, format="json").status_code == 401


def test_tokens_issued_after_the_change_work(
    api: APIClient, make_user: Callable[..., User], admin: User
) -> None:
    user = make_user("alice")
    services.update_user(user, acting_user_id=admin.id, password="another-horse-battery-7")
    body = {"username": "alice", "password": "another-horse-battery-7"}
    tokens = api.post("/api/auth/login/", body, format="json").json()
    assert api.post(REFRESH, {"refresh": tokens["refresh"]}, format="json").status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api.get("/api/auth/me/").status_code == 200
