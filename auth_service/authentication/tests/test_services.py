from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import pytest
from conftest import STRONG_PASSWORD
from django.core.management import call_command
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from authentication import services
from authentication.models import SignedOutToken, User
from ems_common import auth
from ems_common.exceptions import InvalidField, NotAuthenticated, NotFound
from ems_common.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db


def events() -> list[tuple[str, int, dict]]:
    return [
        (row.routing_key, row.payload["version"], row.payload["data"])
        for row in OutboxEvent.objects.order_by("created_at", "id")
    ]


def test_registration_writes_exactly_one_user_created_event(api: APIClient) -> None:
    body = {"username": "alice", "password": STRONG_PASSWORD, "full_name": "A", "email": "a@x.io"}
    user_id = api.post("/api/auth/register/", body, format="json").json()["id"]
    assert events() == [
        (
            "user.created",
            1,
            {
                "id": user_id,
                "username": "alice",
                "role": "client",
                "full_name": "A",
                "email": "a@x.io",
            },
        )
    ]
    assert OutboxEvent.objects.get().payload["source"] == "auth_service"


def test_user_and_event_are_stored_in_one_transaction() -> None:
    # The event write fails after the user row was inserted: neither may remain.
    failing = mock.patch.object(services, "publish_event", side_effect=RuntimeError("outbox down"))
    with failing, pytest.raises(RuntimeError):
        services.create_user(username="alice", password=STRONG_PASSWORD)
    assert not User.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_rejected_registration_writes_no_event(api: APIClient) -> None:
    api.post("/api/auth/register/", {"username": "alice", "password": "1"}, format="json")
    assert not OutboxEvent.objects.exists()


def test_update_and_delete_write_versioned_events(make_user: Callable[..., User]) -> None:
    admin = make_user("root", role="admin")
    user = make_user("alice")
    user = services.update_user(user, acting_user_id=admin.id, role="admin")
    services.delete_user(user, acting_user_id=admin.id)
    mine = [event for event in events() if event[2]["id"] == str(user.id)]
    assert [(kind, version) for kind, version, _ in mine] == [
        ("user.created", 1),
        ("user.updated", 2),
        ("user.deleted", 3),
    ]
    assert mine[1][2]["role"] == "admin"
    assert mine[2][2] == {"id": str(user.id)}


def test_ensure_admin_is_idempotent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMS_ADMIN_USERNAME", "boss")
    monkeypatch.setenv("EMS_ADMIN_PASSWORD", "admin")
    call_command("ensure_admin")
    call_command("ensure_admin")
    admin = User.objects.get()
    assert (admin.username, admin.role) == ("boss", "admin")
    # The bootstrap password skips the validators ("admin" is too short) but works for login.
    assert admin.check_password("admin")
    assert [kind for kind, _, _ in events()] == ["user.created"]


def test_ensure_user_creates_a_weak_password_client_once() -> None:
    call_command("ensure_user", "--username", "demo", "--password", "demo", "--role", "client")
    call_command("ensure_user", "--username", "Demo", "--password", "other", "--role", "admin")
    user = User.objects.get()
    assert (user.username, user.role) == ("demo", "client")
    assert user.check_password("demo")
    assert [kind for kind, _, _ in events()] == ["user.created"]


def test_passwords_are_hashed_with_argon2(make_user: Callable[..., User]) -> None:
    assert make_user("alice").password.startswith("argon2")


def test_an_update_that_changes_nothing_writes_no_event(make_user: Callable[..., User]) -> None:
    admin = make_user("root", role="admin")
    user = make_user("alice")
    services.update_user(user, acting_user_id=admin.id, role="client")
    user.refresh_from_db()
    assert user.version == 1
    assert [kind for kind, _, _ in events()] == ["user.created", "user.created"]


def test_a_taken_username_is_refused_naming_it_whatever_its_case(
    make_user: Callable[..., User],
) -> None:
    make_user("alice")
    with pytest.raises(InvalidField) as caught:
        services.create_user(username="ALICE", password=STRONG_PASSWORD)
    assert (caught.value.field, caught.value.code) == ("username", "unique")


def test_a_weak_password_is_refused_naming_the_field_with_every_reason() -> None:
    with pytest.raises(InvalidField) as caught:
        services.create_user(username="bob", password="1")
    assert caught.value.field == "password" and len(caught.value.messages) >= 2


def test_changing_a_user_deleted_meanwhile_is_not_found(make_user: Callable[..., User]) -> None:
    user = make_user("carol")
    User.objects.filter(pk=user.pk).delete()
    with pytest.raises(NotFound, match="No user with that id"):
        services.update_user(user, role="admin")


def test_sign_out_drops_the_signed_out_tokens_past_their_expiry(
    make_user: Callable[..., User], settings: Settings
) -> None:
    alice = make_user("alice")
    settings.EMS_REFRESH_TOKEN_SECONDS = -1  # expired as soon as issued: refused anyway
    stale = services.issue_pair(alice).refresh
    SignedOutToken.objects.create(jti="old", expires_at=timezone.now() - timedelta(seconds=1))
    settings.EMS_REFRESH_TOKEN_SECONDS = 3600
    fresh = services.issue_pair(alice).refresh

    services.sign_out(stale)  # not valid: nothing to record
    services.sign_out(fresh)
    services.sign_out(fresh)  # twice: one row

    [kept] = SignedOutToken.objects.all()
    assert kept.jti == auth.decode_token(fresh, expected_type="refresh")["jti"]
    with pytest.raises(NotAuthenticated):
        services.refresh_access(fresh)
