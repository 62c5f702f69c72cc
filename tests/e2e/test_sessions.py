"""An admin who is demoted or deleted loses its rights on every service within seconds."""

from __future__ import annotations

import time

import requests
from harness import Stack
from harness.api import create_client, login, poll

# An admin-only or caller-scoped read on each service: 200 while the token counts, 401 after.
READS = {
    "auth": "/api/auth/users/",
    "users": "/api/users/",
    "devices": "/api/devices/",
    "monitoring": "/api/monitoring/devices/",
}
SECONDS = 5.0


def second_admin(stack: Stack, admin: requests.Session) -> tuple[dict, requests.Session, str]:
    """A new admin, signed in, whose account has reached every service."""
    user, password = create_client(stack, admin, role="admin")
    body = {"username": user["username"], "password": password}
    tokens = requests.post(stack.url("/api/auth/login/"), json=body, timeout=10).json()
    session = login(stack, user["username"], password)
    synced = poll(lambda: admin.get(stack.url(f"/api/users/{user['id']}/"), timeout=10).ok)
    assert synced, stack.log_tail("users_sync")
    for service, path in READS.items():
        assert session.get(stack.url(path), timeout=10).status_code == 200, service
    return user, session, tokens["refresh"]


def refused_everywhere(stack: Stack, session: requests.Session) -> dict[str, float | None]:
    """Seconds until each service answered 401 to the session's token (None: it never did)."""
    started = time.monotonic()
    refused: dict[str, float | None] = dict.fromkeys(READS)
    while time.monotonic() - started < SECONDS and None in refused.values():
        for service, path in READS.items():
            if (
                refused[service] is None
                and session.get(stack.url(path), timeout=10).status_code == 401
            ):
                refused[service] = time.monotonic() - started
        time.sleep(0.02)
    return refused


def test_a_demoted_admin_loses_its_rights_on_every_service(
    stack: Stack, admin: requests.Session
) -> None:
    user, session, refresh = second_admin(stack, admin)
    demoted = admin.patch(
        stack.url(f"/api/auth/users/{user['id']}/"), json={"role": "client"}, timeout=10
    )
    assert demoted.status_code == 200, demoted.text

    refused = refused_everywhere(stack, session)

    assert None not in refused.values(), refused
    # It cannot make itself a new admin with the old token, nor mint a new one.
    body = {"username": f"{user['username']}_x", "password": "kite-0123456789", "role": "admin"}
    assert session.post(stack.url("/api/auth/users/"), json=body, timeout=10).status_code == 401
    again = requests.post(stack.url("/api/auth/refresh/"), json={"refresh": refresh}, timeout=10)
    assert again.status_code == 401


def test_a_deleted_admin_loses_its_rights_on_every_service(
    stack: Stack, admin: requests.Session
) -> None:
    user, session, refresh = second_admin(stack, admin)
    deleted = admin.delete(stack.url(f"/api/auth/users/{user['id']}/"), timeout=10)
    assert deleted.status_code == 204, deleted.text

    refused = refused_everywhere(stack, session)

    assert None not in refused.values(), refused
    again = requests.post(stack.url("/api/auth/refresh/"), json={"refresh": refresh}, timeout=10)
    assert again.status_code == 401


def cookie_session(stack: Stack, admin: requests.Session) -> tuple[requests.Session, str]:
    """A new client signed in through the gateway as a browser is: (its session, the cookie)."""
    user, password = create_client(stack, admin)
    browser = requests.Session()
    body = {"username": user["username"], "password": password}
    signed_in = browser.post(stack.url("/api/auth/login/"), json=body, timeout=10)
    assert signed_in.status_code == 200, signed_in.text
    set_cookie = signed_in.headers.get("Set-Cookie", "")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/api/auth/", "Max-Age="):
        assert attribute in set_cookie, set_cookie  # the gateway passed the header on whole
    return browser, browser.cookies["ems_refresh"]


def test_a_second_tab_with_only_the_cookie_is_signed_in(
    stack: Stack, admin: requests.Session
) -> None:
    _, cookie = cookie_session(stack, admin)
    tab = requests.Session()
    tab.cookies.set("ems_refresh", cookie, path="/api/auth/")

    refreshed = tab.post(stack.url("/api/auth/refresh/"), timeout=10)

    assert refreshed.status_code == 200, refreshed.text
    headers = {"Authorization": f"Bearer {refreshed.json()['access']}"}
    assert requests.get(stack.url("/api/auth/me/"), headers=headers, timeout=10).status_code == 200
    assert requests.get(stack.url("/api/devices/"), headers=headers, timeout=10).status_code == 200


def test_after_logout_neither_the_browser_nor_a_copy_of_its_cookie_can_refresh(
    stack: Stack, admin: requests.Session
) -> None:
    browser, cookie = cookie_session(stack, admin)
    assert browser.post(stack.url("/api/auth/refresh/"), json={}, timeout=10).status_code == 200

    logged_out = browser.post(stack.url("/api/auth/logout/"), timeout=10)

    assert logged_out.status_code == 204, logged_out.text
    assert "ems_refresh" not in browser.cookies
    again = browser.post(stack.url("/api/auth/refresh/"), timeout=10)
    assert again.status_code == 401
    assert again.json()["errors"][0]["code"] == "not_authenticated"
    # A copy of the cookie taken before the logout is refused too.
    copy = requests.Session()
    copy.cookies.set("ems_refresh", cookie, path="/api/auth/")
    replayed = copy.post(stack.url("/api/auth/refresh/"), timeout=10)
    assert replayed.status_code == 401
    assert replayed.json()["errors"][0]["code"] == "signed_out"
