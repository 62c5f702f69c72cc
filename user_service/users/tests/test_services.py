import uuid

import pytest

from ems_common.events import InvalidEvent
from users.consumers import sync
from users.models import Profile
from users.tests.factories import user_event

pytestmark = pytest.mark.django_db


def test_user_created_makes_a_profile() -> None:
    user_id = uuid.uuid4()
    assert sync(user_event("user.created", user_id, 1, username="ann"))
    profile = Profile.objects.get(pk=user_id)
    assert (profile.username, profile.role, profile.full_name, profile.email, profile.version) == (
        "ann",
        "client",
        "Ann A",
        "ann@example.com",
        1,
    )


def test_the_same_event_twice_makes_one_profile() -> None:
    user_id = uuid.uuid4()
    event = user_event("user.created", user_id, 1)
    assert sync(event)
    assert not sync(event)
    assert Profile.objects.filter(pk=user_id).count() == 1


def test_an_older_version_does_not_overwrite_a_newer_one() -> None:
    user_id = uuid.uuid4()
    sync(user_event("user.created", user_id, 1))
    sync(user_event("user.updated", user_id, 3, role="admin"))
    assert not sync(user_event("user.updated", user_id, 2, role="client"))
    profile = Profile.objects.get(pk=user_id)
    assert (profile.role, profile.version) == ("admin", 3)


def test_user_updated_moves_username_and_role_but_keeps_local_contact_details() -> None:
    user_id = uuid.uuid4()
    sync(user_event("user.created", user_id, 1))
    Profile.objects.filter(pk=user_id).update(full_name="Edited Here", email="edited@example.com")
    sync(user_event("user.updated", user_id, 2, username="anna", full_name="Stale", email="s@x.io"))
    profile = Profile.objects.get(pk=user_id)
    assert (profile.username, profile.full_name, profile.email) == (
        "anna",
        "Edited Here",
        "edited@example.com",
    )


def test_user_updated_for_an_unknown_profile_creates_it_whole() -> None:
    user_id = uuid.uuid4()
    sync(user_event("user.updated", user_id, 2, full_name="Late Ann"))
    assert Profile.objects.get(pk=user_id).full_name == "Late Ann"


def test_user_deleted_removes_the_profile() -> None:
    user_id = uuid.uuid4()
    sync(user_event("user.created", user_id, 1))
    assert sync(user_event("user.deleted", user_id, 2))
    assert not Profile.objects.filter(pk=user_id).exists()


def test_an_update_after_the_delete_is_ignored() -> None:
    user_id = uuid.uuid4()
    sync(user_event("user.created", user_id, 1))
    sync(user_event("user.deleted", user_id, 3))
    # Published before the deletion, delivered after it.
    assert not sync(user_event("user.updated", user_id, 2))
    assert not Profile.objects.filter(pk=user_id).exists()


@pytest.mark.parametrize(
    ("event_type", "data", "reason"),
    [
        ("user.created", {"id": "nope"}, "id is not a UUID"),
        ("user.created", {"role": "root"}, "role must be one of"),
        ("user.created", {"username": ""}, "username must not be empty"),
        ("user.created", {"username": 7}, "username must be a string"),
        ("user.renamed", {}, "unknown event type"),
    ],
)
def test_invalid_user_events_are_rejected(event_type: str, data: dict, reason: str) -> None:
    with pytest.raises(InvalidEvent, match=reason):
        sync(user_event(event_type, uuid.uuid4(), 1, **data))
    assert not Profile.objects.exists()


def test_an_event_without_id_is_rejected() -> None:
    event = user_event("user.created", uuid.uuid4(), 1)
    del event.data["id"]
    with pytest.raises(InvalidEvent, match="id is missing"):
        sync(event)
