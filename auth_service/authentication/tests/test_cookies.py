"""The refresh cookie: set by login, read by refresh, cleared by logout and when refused."""

from __future__ import annotations

from collections.abc import Callable
from http.cookies import Morsel
from typing import Any

import jwt
import pytest
from conftest import STRONG_PASSWORD
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from authentication import services
from authentication.api.cookies import REFRESH_COOKIE
from authentication.models import SignedOutToken, User
from ems_common import auth

pytestmark = pytest.mark.django_db

LOGIN = "/api/auth/login/"
REFRESH = "/api/auth/refresh/"
LOGOUT = "/api/auth/logout/"
ME = "/api/auth/me/"


def sign_in(api: APIClient, **extra: Any) -> Any:
    body = {"username": "alice", "password": STRONG_PASSWORD}
    response = api.post(LOGIN, body, format="json", **extra)
    assert response.status_code == 200, response.json()
    return response


def cookie(response: Any) -> Morsel[str]:
    return response.cookies[REFRESH_COOKIE]


def access_works(token: str) -> bool:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return bool(api.get(ME).status_code == 200)


@pytest.fixture
def alice(make_user: Callable[..., User]) -> User:
    return make_user("alice")


def test_login_sets_an_httponly_strict_cookie_on_the_auth_path_for_the_refresh_lifetime(
    api: APIClient, alice: User, settings: Settings
) -> None:
    settings.EMS_REFRESH_TOKEN_SECONDS = 3 * 24 * 3600
    response = sign_in(api)
    sent = cookie(response)
    assert sent.value == response.json()["refresh"]
    assert sent["httponly"] is True
    assert sent["samesite"] == "Strict"
    assert sent["path"] == "/api/auth/"
    assert sent["max-age"] == 3 * 24 * 3600
    assert not sent["secure"]  # plain HTTP
    # The Set-Cookie header as it goes out (Django writes it from the morsel).
    header = sent.OutputString().split("; ")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/api/auth/", "Max-Age=259200"):
        assert attribute in header


def test_the_cookie_is_secure_when_the_gateway_reports_https(api: APIClient, alice: User) -> None:
    # The test client's address, 127.0.0.1, is a trusted proxy (EMS_TRUSTED_PROXIES).
    assert cookie(sign_in(api, HTTP_X_FORWARDED_PROTO="https"))["secure"] is True


def test_a_forwarded_https_from_an_untrusted_caller_is_not_believed(
    api: APIClient, alice: User, settings: Settings
) -> None:
    settings.EMS_TRUSTED_PROXIES = []
    assert not cookie(sign_in(api, HTTP_X_FORWARDED_PROTO="https"))["secure"]


def test_the_cookie_is_secure_over_direct_https(api: APIClient, alice: User) -> None:
    assert cookie(sign_in(api, secure=True))["secure"] is True


@pytest.mark.parametrize("body", [None, {}])
def test_refresh_with_an_empty_body_uses_the_cookie(
    api: APIClient, alice: User, body: dict[str, str] | None
) -> None:
    sign_in(api)  # the test client keeps the cookie, as a browser does
    response = api.post(REFRESH, body, format="json")
    assert response.status_code == 200, response.json()
    assert access_works(response.json()["access"])


def test_a_second_client_with_only_the_cookie_is_signed_in(api: APIClient, alice: User) -> None:
    token = cookie(sign_in(api)).value
    other_tab = APIClient()
    other_tab.cookies[REFRESH_COOKIE] = token
    response = other_tab.post(REFRESH)
    assert response.status_code == 200
    assert auth.decode_token(response.json()["access"])["sub"] == str(alice.id)


def test_a_refresh_in_the_body_still_works_without_a_cookie(api: APIClient, alice: User) -> None:
    refresh = sign_in(api).json()["refresh"]
    response = APIClient().post(REFRESH, {"refresh": refresh}, format="json")
    assert response.status_code == 200
    assert access_works(response.json()["access"])


def test_the_body_refresh_wins_over_the_cookie(api: APIClient, alice: User) -> None:
    sign_in(api)
    response = api.post(REFRESH, {"refresh": "not-a-token"}, format="json")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_invalid"


def test_refresh_without_body_or_cookie_is_401(api: APIClient) -> None:
    response = api.post(REFRESH)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="ems"'


def forged(kid: str) -> str:
    """A token naming ``kid`` in its header, signed with a key that is not ours."""
    return jwt.encode({"sub": "x"}, "not-our-key", algorithm="HS256", headers={"kid": kid})


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "a.b.c",
        forged("no-such-key"),
        forged("nul\x00byte"),
    ],
)
def test_a_cookie_with_a_bad_token_is_401_and_cleared(api: APIClient, value: str) -> None:
    api.cookies[REFRESH_COOKIE] = value
    response = api.post(REFRESH)
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"
    assert cookie(response).value == ""
    assert cookie(response)["max-age"] == 0


def test_an_access_token_in_the_cookie_is_refused(api: APIClient, alice: User) -> None:
    api.cookies[REFRESH_COOKIE] = services.issue_access(alice)
    assert api.post(REFRESH).status_code == 401


def test_a_cookie_from_before_a_password_change_is_refused(
    api: APIClient, alice: User, admin: User
) -> None:
    sign_in(api)
    services.update_user(alice, acting_user_id=admin.id, password="another-horse-battery-7")
    response = api.post(REFRESH)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "session_ended"
    assert cookie(response).value == ""


def test_logout_clears_the_cookie_and_refresh_then_fails(api: APIClient, alice: User) -> None:
    sign_in(api)
    response = api.post(LOGOUT)
    assert response.status_code == 204
    cleared = cookie(response)
    assert cleared.value == ""
    assert cleared["max-age"] == 0
    assert cleared["path"] == "/api/auth/"
    assert cleared["samesite"] == "Strict"
    assert api.post(REFRESH).status_code == 401


def test_after_logout_the_same_token_is_refused_by_cookie_and_body(
    api: APIClient, alice: User
) -> None:
    token = cookie(sign_in(api)).value
    assert api.post(LOGOUT).status_code == 204
    elsewhere = APIClient()
    elsewhere.cookies[REFRESH_COOKIE] = token
    by_cookie = elsewhere.post(REFRESH)
    by_body = APIClient().post(REFRESH, {"refresh": token}, format="json")
    for refused in (by_cookie, by_body):
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["code"] == "signed_out"


def test_logout_leaves_the_users_other_sessions_alone(api: APIClient, alice: User) -> None:
    sign_in(api)
    other_browser = APIClient()
    sign_in(other_browser)
    api.post(LOGOUT)
    assert other_browser.post(REFRESH).status_code == 200


@pytest.mark.parametrize("value", [None, "garbage"])
def test_logout_needs_no_token_nor_a_valid_cookie(api: APIClient, value: str | None) -> None:
    if value is not None:
        api.cookies[REFRESH_COOKIE] = value
    assert api.post(LOGOUT).status_code == 204
    assert not SignedOutToken.objects.exists()
