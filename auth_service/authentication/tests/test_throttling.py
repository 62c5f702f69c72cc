"""Login throttling: nobody can lock an owner out, guessing meets growing delays, the caller's
address is the gateway's word only when the gateway says it, and an unknown username costs the
same hashing as a known one."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import pytest
from conftest import STRONG_PASSWORD
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import override_settings
from rest_framework.test import APIClient

from authentication import throttling
from authentication.models import FailedLogin, User

pytestmark = pytest.mark.django_db

LOGIN = "/api/auth/login/"
WRONG = "wrong-password"
FAST = {
    "EMS_LOGIN_FREE_FAILURES": 3,
    "EMS_LOGIN_IP_FREE_FAILURES": 6,
    "EMS_LOGIN_FIRST_DELAY_SECONDS": 30,
    "EMS_LOGIN_MAX_DELAY_SECONDS": 100,
}


def login(api: APIClient, username: str, password: str, ip: str = "10.0.0.1") -> int:
    body = {"username": username, "password": password}
    return api.post(LOGIN, body, format="json", HTTP_X_REAL_IP=ip).status_code


def age_failures(seconds: float) -> None:
    """Move every recorded failure ``seconds`` into the past (time passing)."""
    for row in FailedLogin.objects.all():
        FailedLogin.objects.filter(pk=row.pk).update(at=row.at - timedelta(seconds=seconds))


@override_settings(**FAST)
def test_an_attacker_cannot_lock_the_owner_out(
    api: APIClient, make_user: Callable[..., User]
) -> None:
    make_user("alice")
    attacker = [login(api, "alice", WRONG, ip="10.6.6.6") for _ in range(5)]
    assert attacker == [401, 401, 401, 429, 429]
    # The owner, from their own address, signs in at once.
    assert login(api, "alice", STRONG_PASSWORD, ip="10.1.1.1") == 200


@override_settings(**FAST)
def test_throttled_login_says_when_to_try_again(api: APIClient) -> None:
    for _ in range(3):
        login(api, "bob", WRONG)
    response = api.post(
        LOGIN, {"username": "bob", "password": WRONG}, format="json", HTTP_X_REAL_IP="10.0.0.1"
    )
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 30
    assert response.json()["errors"][0]["code"] == "throttled"


@override_settings(**FAST)
def test_delays_grow_with_each_further_failure(
    api: APIClient, make_user: Callable[..., User]
) -> None:
    make_user("alice")
    for _ in range(3):
        assert login(api, "alice", WRONG) == 401
    assert throttling.seconds_until_allowed("alice", "10.0.0.1") == 30
    age_failures(31)
    assert login(api, "alice", WRONG) == 401  # the wait is over: one more try, failed
    assert throttling.seconds_until_allowed("alice", "10.0.0.1") == 60
    age_failures(61)
    assert login(api, "alice", WRONG) == 401
    assert throttling.seconds_until_allowed("alice", "10.0.0.1") == 100  # capped at the maximum
    age_failures(101)
    assert login(api, "alice", STRONG_PASSWORD) == 200
    assert not FailedLogin.objects.filter(username="alice").exists()  # a success starts afresh


@override_settings(**FAST)
def test_one_address_guessing_across_usernames_is_throttled(api: APIClient) -> None:
    statuses = [login(api, f"user{n}", WRONG, ip="10.6.6.6") for n in range(7)]
    assert statuses == [401] * 6 + [429]
    assert login(api, "user9", WRONG, ip="10.7.7.7") == 401  # another address is not affected


@override_settings(**FAST, EMS_LOGIN_FAILURE_WINDOW_SECONDS=600)
def test_failures_older_than_the_window_do_not_count(
    api: APIClient, make_user: Callable[..., User]
) -> None:
    make_user("alice")
    for _ in range(3):
        login(api, "alice", WRONG)
    age_failures(700)
    assert throttling.seconds_until_allowed("alice", "10.0.0.1") == 0


@override_settings(EMS_LOGIN_FREE_FAILURES=1, EMS_LOGIN_FIRST_DELAY_SECONDS=60)
def test_x_real_ip_from_a_caller_that_is_not_the_gateway_is_ignored(api: APIClient) -> None:
    # The test client's socket address is 127.0.0.1; here the only trusted proxy is elsewhere.
    with override_settings(EMS_TRUSTED_PROXIES=[ipaddress.ip_network("10.255.0.1")]):
        assert login(api, "carol", WRONG, ip="10.0.0.1") == 401
        # A new X-Real-IP does not make a new caller: the socket's address is what counts.
        assert login(api, "carol", WRONG, ip="10.0.0.2") == 429
    assert FailedLogin.objects.get().ip == "127.0.0.1"


@override_settings(EMS_LOGIN_FREE_FAILURES=1, EMS_LOGIN_FIRST_DELAY_SECONDS=60)
def test_x_real_ip_from_the_gateway_is_the_callers_address(api: APIClient) -> None:
    assert login(api, "carol", WRONG, ip="10.0.0.1") == 401
    assert login(api, "carol", WRONG, ip="10.0.0.2") == 401
    assert sorted(FailedLogin.objects.values_list("ip", flat=True)) == ["10.0.0.1", "10.0.0.2"]


def test_an_unknown_username_costs_the_same_hashing_as_a_known_one(
    api: APIClient, make_user: Callable[..., User]
) -> None:
    make_user("alice")
    work = mock.Mock()
    real_encode, real_verify = Argon2PasswordHasher.encode, Argon2PasswordHasher.verify

    def encode(self: Argon2PasswordHasher, password: str, salt: str) -> str:
        work("encode")
        return real_encode(self, password, salt)

    def verify(self: Argon2PasswordHasher, password: str, encoded: str) -> bool:
        work("verify")
        return real_verify(self, password, encoded)

    with (
        mock.patch.object(Argon2PasswordHasher, "encode", encode),
        mock.patch.object(Argon2PasswordHasher, "verify", verify),
    ):
        assert login(api, "alice", WRONG) == 401
        known = work.call_count
        assert login(api, "nobody-by-this-name", WRONG) == 401
        unknown = work.call_count - known
    assert known == unknown == 1
