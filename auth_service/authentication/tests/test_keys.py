from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from authentication import keys, services
from authentication.models import SigningKey, User
from ems_common import auth
from ems_common.testing.threads import at_once


@pytest.mark.django_db
def test_signing_key_survives_a_restart(make_user: Callable[..., User], api: APIClient) -> None:
    token = services.issue_access(make_user("alice"))
    kid_before = keys.current_key().kid

    # A restarted process: no cached keys, no resolver until the app sets it up again.
    keys.reload_keys()
    auth.set_key_resolver(None)
    from authentication.apps import AuthenticationConfig

    AuthenticationConfig.ready(None)  # type: ignore[arg-type]

    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/auth/me/").status_code == 200
    assert keys.current_key().kid == kid_before
    assert SigningKey.objects.count() == 1


@pytest.mark.django_db
def test_token_signed_by_an_unknown_key_is_401(
    make_user: Callable[..., User], api: APIClient
) -> None:
    token = services.issue_access(make_user("alice"))
    SigningKey.objects.all().delete()
    keys.reload_keys()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/auth/me/").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_workers_starting_at_once_create_one_key() -> None:
    kids = at_once(lambda _: keys._newest_or_create().kid, range(4))
    assert len(kids) == 4
    assert len(set(kids)) == 1
    assert SigningKey.objects.count() == 1
