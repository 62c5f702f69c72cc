"""Helpers the whole-system tests share: signing in through the gateway, and waiting."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import requests

from harness.stack import Stack

SYNC_SECONDS = 15.0
T = TypeVar("T")


def login(stack: Stack, username: str, password: str) -> requests.Session:
    """A session sending the access token of ``username``, signed in through the gateway."""
    body = {"username": username, "password": password}
    response = requests.post(stack.url("/api/auth/login/"), json=body, timeout=10)
    assert response.status_code == 200, response.text
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {response.json()['access']}"
    return session


def poll(check: Callable[[], T], seconds: float = SYNC_SECONDS, every: float = 0.05) -> T:
    """``check()``'s first truthy answer, or its last answer once ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(every)
