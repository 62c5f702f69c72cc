"""Users registered in auth_service reach user_service through the outbox, relay and broker."""

from __future__ import annotations

import time
import uuid
from typing import Any

import requests
from harness import Stack

SYNC_SECONDS = 15.0


def unique_username() -> str:
    return f"e2e_{uuid.uuid4().hex[:10]}"


def register(stack: Stack, username: str, password: str | None = None) -> dict[str, Any]:
    body = {
        "username": username,
        "password": password or f"kite-{uuid.uuid4().hex[:12]}",
        "full_name": "End To End",
        "email": f"{username}@example.com",
    }
    response = requests.post(stack.url("/api/auth/register/"), json=body, timeout=10)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


def profile_status(stack: Stack, admin: requests.Session, user_id: str) -> int:
    return admin.get(stack.url(f"/api/users/{user_id}/"), timeout=10).status_code


def wait_for_status(
    stack: Stack, admin: requests.Session, user_id: str, expected: int, seconds: float
) -> int:
    deadline = time.monotonic() + seconds
    while True:
        status = profile_status(stack, admin, user_id)
        if status == expected or time.monotonic() >= deadline:
            return status
        time.sleep(0.05)


def test_registered_user_appears_in_user_service_within_seconds(
    stack: Stack, admin: requests.Session
) -> None:
    user = register(stack, unique_username())

    status = wait_for_status(stack, admin, user["id"], 200, SYNC_SECONDS)

    assert status == 200, stack.log_tail("users_sync")
    profile = admin.get(stack.url(f"/api/users/{user['id']}/"), timeout=10).json()
    assert (profile["username"], profile["email"]) == (user["username"], user["email"])


def test_admin_deleted_user_disappears_from_user_service(
    stack: Stack, admin: requests.Session
) -> None:
    user = register(stack, unique_username())
    assert wait_for_status(stack, admin, user["id"], 200, SYNC_SECONDS) == 200

    deleted = admin.delete(stack.url(f"/api/auth/users/{user['id']}/"), timeout=10)
    assert deleted.status_code == 204, deleted.text

    assert wait_for_status(stack, admin, user["id"], 404, SYNC_SECONDS) == 404


def test_registration_while_the_broker_is_down_syncs_once_it_is_back(
    stack: Stack, admin: requests.Session
) -> None:
    stack.broker.down()
    user = register(stack, unique_username())
    # An absence cannot be polled for: give a (wrong) delivery the time a normal sync takes.
    time.sleep(1.0)
    assert profile_status(stack, admin, user["id"]) == 404

    stack.broker.up()

    status = wait_for_status(stack, admin, user["id"], 200, 60.0)
    assert status == 200, stack.log_tail("auth_relay") + stack.log_tail("users_sync")


def test_restarted_auth_service_keeps_its_signing_key(stack: Stack) -> None:
    username, password = unique_username(), f"kite-{uuid.uuid4().hex[:12]}"
    register(stack, username, password)
    login = requests.post(
        stack.url("/api/auth/login/"), json={"username": username, "password": password}, timeout=10
    )
    assert login.status_code == 200, login.text
    bearer = {"Authorization": f"Bearer {login.json()['access']}"}
    jwks_before = requests.get(stack.url("/api/auth/jwks.json"), timeout=10).json()

    stack.restart("auth")
    stack.wait_healthy(timeout=30)

    assert requests.get(stack.url("/api/auth/jwks.json"), timeout=10).json() == jwks_before
    me = requests.get(stack.url("/api/auth/me/"), headers=bearer, timeout=10)
    assert me.status_code == 200, me.text
    assert me.json()["username"] == username
