import uuid
from typing import Any

import pytest

from devices.consumers import sync
from devices.models import Device, User
from devices.tests.factories import DeviceFactory, UserFactory
from ems_common.events import Envelope, InvalidEvent, encode_envelope, make_envelope, parse_envelope
from ems_common.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db


def user_event(event_type: str, user_id: uuid.UUID, version: int, **data: Any) -> Envelope:
    payload = {"id": str(user_id), **data}
    if event_type != "user.deleted":
        payload = {"username": "ann", "role": "client", "full_name": "", "email": "", **payload}
    envelope = make_envelope(event_type, payload, version=version, source="auth_service")
    return parse_envelope(encode_envelope(envelope))


def test_user_created_stores_a_copy() -> None:
    user_id = uuid.uuid4()

    sync(user_event("user.created", user_id, 1, username="ann", role="admin"))

    user = User.objects.get(id=user_id)
    assert (user.username, user.role, user.version) == ("ann", "admin", 1)


def test_an_older_user_update_changes_nothing() -> None:
    user_id = uuid.uuid4()
    sync(user_event("user.updated", user_id, 3, username="new"))

    sync(user_event("user.updated", user_id, 2, username="old"))

    assert User.objects.get(id=user_id).username == "new"


def test_user_deleted_forgets_the_user_and_unassigns_its_devices_with_events() -> None:
    user = UserFactory.create()
    first, second = DeviceFactory.create(owner=user), DeviceFactory.create(owner=user, version=3)
    untouched = DeviceFactory.create()

    sync(user_event("user.deleted", user.id, 2))

    assert not User.objects.filter(id=user.id).exists()
    assert not Device.objects.filter(owner_id=user.id).exists()
    published = {
        row.payload["data"]["id"]: row.payload
        for row in OutboxEvent.objects.filter(routing_key="device.updated")
    }
    assert set(published) == {str(first.id), str(second.id)}
    assert published[str(first.id)]["version"] == 2
    assert published[str(second.id)]["version"] == 4
    assert all(event["data"]["owner_id"] is None for event in published.values())
    assert Device.objects.get(id=untouched.id).version == 1


def test_the_same_user_deleted_twice_publishes_once() -> None:
    user = UserFactory.create()
    DeviceFactory.create(owner=user)
    event = user_event("user.deleted", user.id, 2)

    sync(event)
    sync(event)

    assert OutboxEvent.objects.filter(routing_key="device.updated").count() == 1


def test_a_user_event_without_username_is_invalid() -> None:
    envelope = make_envelope(
        "user.created", {"id": str(uuid.uuid4()), "role": "client"}, version=1, source="t"
    )

    with pytest.raises(InvalidEvent, match="username"):
        sync(parse_envelope(encode_envelope(envelope)))


def test_an_unexpected_event_type_is_invalid() -> None:
    envelope = make_envelope("device.created", {"id": str(uuid.uuid4())}, version=1, source="t")

    with pytest.raises(
        InvalidEvent, match="unexpected event type 'device.created' on sync_queue.device_service"
    ):
        sync(parse_envelope(encode_envelope(envelope)))
