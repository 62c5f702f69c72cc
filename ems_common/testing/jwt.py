"""pytest fixtures for services that verify JWTs: a test key pair and authenticated clients.

Enable in a service's ``conftest.py`` with ``pytest_plugins = ["ems_common.testing.jwt"]``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from rest_framework.test import APIClient

from ems_common import auth

TEST_KID = "test-key"


def bearer_client(token: str) -> APIClient:
    """An APIClient that sends ``token`` as its Bearer token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture(scope="session")
def jwt_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(autouse=True)
def jwt_test_keys(jwt_private_key: rsa.RSAPrivateKey) -> Iterator[None]:
    """Tokens signed with the test key verify, as if the auth service had issued them."""
    public_key = jwt_private_key.public_key()
    auth.set_key_resolver(lambda token: public_key)
    yield
    auth.set_key_resolver(None)


@pytest.fixture
def make_token(jwt_private_key: rsa.RSAPrivateKey) -> Callable[..., str]:
    def make(
        user_id: uuid.UUID | str | None = None,
        *,
        username: str = "someone",
        role: str = "client",
        version: int = 1,
        token_type: str = "access",
        lifetime: timedelta = timedelta(minutes=5),
    ) -> str:
        return auth.issue_token(
            jwt_private_key,
            TEST_KID,
            user_id=user_id or uuid.uuid4(),
            username=username,
            role=role,
            version=version,
            token_type=token_type,
            lifetime=lifetime,
        )

    return make


@pytest.fixture
def client_for(make_token: Callable[..., str]) -> Callable[..., APIClient]:
    """``client_for(user_id, role="client")``: an APIClient sending that user's access token."""

    def build(user_id: uuid.UUID | str | None = None, role: str = "client", **kw: Any) -> APIClient:
        return bearer_client(make_token(user_id, role=role, **kw))

    return build


@pytest.fixture
def admin_api(client_for: Callable[..., APIClient]) -> APIClient:
    return client_for(uuid.uuid4(), role="admin", username="admin")


@pytest.fixture
def anonymous_api() -> APIClient:
    return APIClient()
