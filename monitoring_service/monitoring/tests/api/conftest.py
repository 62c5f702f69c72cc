"""Fixtures of the API tests: a device's owner and an APIClient signed in as that owner."""

import uuid
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def owner() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def owner_api(client_for: Callable[..., APIClient], owner: uuid.UUID) -> APIClient:
    """An APIClient with the access token of ``owner`` (a client)."""
    client: APIClient = client_for(owner)
    return client
