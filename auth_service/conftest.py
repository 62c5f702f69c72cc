"""auth_service tests use the service's own signing key (from the test database), not a test key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from authentication import keys, services
from authentication.models import User
from rest_framework.test import APIClient

from ems_common import auth
from ems_common.testing.jwt import bearer_client

STRONG_PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def local_key_resolver() -> Iterator[None]:
    """Each test starts with an empty key cache (its database has no key yet)."""
    keys.reload_keys()
    auth.set_key_resolver(keys.resolve_token_key)
    yield
    keys.reload_keys()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str = "alice", role: str = "client", **fields: Any) -> User:
        fields.setdefault("password", STRONG_PASSWORD)
        return services.create_user(username=username, role=role, **fields)

    return make


@pytest.fixture
def api_as() -> Callable[[User], APIClient]:
    def build(user: User) -> APIClient:
        return bearer_client(services.issue_access(user))

    return build


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("root", role="admin")


@pytest.fixture
def admin_api(admin: User, api_as: Callable[[User], APIClient]) -> APIClient:
    return api_as(admin)
