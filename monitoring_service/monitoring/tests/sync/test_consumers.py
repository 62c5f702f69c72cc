import uuid
from decimal import Decimal
from typing import Any

import pytest

from ems_common.events import InvalidEvent, encode_envelope, make_envelope, parse_envelope
from monitoring.models import Device, User
from monitoring.sync.consumers import sync

pytestmark = pytest.mark.django_db


def apply(event_type: str, version: int, data: dict[str, Any]) -> None:
    envelope = make_envelope(event_type, data, version=version, source="test")
    sync(parse_envelope(encode_envelope(envelope)))


def device_data(device_id: uuid.UUID, **changes: Any) -> dict[str, Any]:
    return {
        "id": str(device_id),
        "name": "Meter",
        "description": "",
        "address": "1 Main St",
        "owner_id": None,
        "max_hourly_consumption_kwh": 2.5,
        **changes,
    }


def user_data(user_id: uuid.UUID, **changes: Any) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": "ann",
        "role": "client",
        "full_name": "Ann",
        "email": "ann@example.com",
        **changes,
    }


def test_device_created_stores_the_full_state() -> None:
    device_id, owner_id = uuid.uuid4(), uuid.uuid4()

    apply("device.created", 1, device_data(device_id, owner_id=str(owner_id)))

    device = Device.objects.get(id=device_id)
    assert (device.name, device.owner_id, device.version) == ("Meter", owner_id, 1)
    assert device.max_hourly_consumption_kwh == Decimal("2.5")


def test_device_events_carry_the_reading_interval_and_older_ones_mean_10_minutes() -> None:
    device_id = uuid.uuid4()

    apply("device.created", 1, device_data(device_id))
    assert Device.objects.get(id=device_id).reading_interval_minutes == 10

    apply("device.updated", 2, device_data(device_id, reading_interval_minutes=15))
    assert Device.objects.get(id=device_id).reading_interval_minutes == 15


def test_device_updated_for_an_unknown_device_creates_it() -> None:
    device_id = uuid.uuid4()

    apply("device.updated", 4, device_data(device_id, name="Late"))

    assert Device.objects.get(id=device_id).name == "Late"


def test_device_updated_v3_before_v2_leaves_v3() -> None:
    device_id = uuid.uuid4()
    apply("device.created", 1, device_data(device_id))

    apply("device.updated", 3, device_data(device_id, name="third"))
    apply("device.updated", 2, device_data(device_id, name="second"))

    device = Device.objects.get(id=device_id)
    assert (device.name, device.version) == ("third", 3)


def test_the_same_event_twice_changes_nothing() -> None:
    device_id = uuid.uuid4()
    data = device_data(device_id, name="once")
    apply("device.updated", 2, data)
    synced_at = Device.objects.get(id=device_id).synced_at

    apply("device.updated", 2, {**data, "name": "replayed but different"})

    device = Device.objects.get(id=device_id)
    assert (device.name, device.synced_at) == ("once", synced_at)


def test_device_deleted_removes_it_and_a_late_update_does_not_bring_it_back() -> None:
    device_id = uuid.uuid4()
    apply("device.created", 1, device_data(device_id))

    apply("device.deleted", 3, {"id": str(device_id)})
    apply("device.updated", 2, device_data(device_id))

    assert not Device.objects.filter(id=device_id).exists()


def test_user_events_keep_a_versioned_copy() -> None:
    user_id = uuid.uuid4()

    apply("user.created", 1, user_data(user_id))
    apply("user.updated", 2, user_data(user_id, role="admin"))
    apply("user.updated", 1, user_data(user_id, role="client"))

    user = User.objects.get(id=user_id)
    assert (user.role, user.email, user.version) == ("admin", "ann@example.com", 2)


def test_user_deleted_forgets_the_user_and_unassigns_its_devices() -> None:
    user_id = uuid.uuid4()
    apply("user.created", 1, user_data(user_id))
    owned, other = uuid.uuid4(), uuid.uuid4()
    apply("device.created", 1, device_data(owned, owner_id=str(user_id)))
    apply("device.created", 1, device_data(other, owner_id=str(uuid.uuid4())))

    apply("user.deleted", 2, {"id": str(user_id)})

    assert not User.objects.filter(id=user_id).exists()
    assert Device.objects.get(id=owned).owner_id is None
    assert Device.objects.get(id=other).owner_id is not None
    # device_service's device.updated (owner null, next version) still applies afterwards.
    apply("device.updated", 2, device_data(owned, name="unassigned"))
    assert Device.objects.get(id=owned).name == "unassigned"


@pytest.mark.parametrize(
    ("event_type", "data", "reason"),
    [
        ("device.created", {"name": "no id", "max_hourly_consumption_kwh": 1}, "id is missing"),
        ("device.created", {"id": "nope"}, "id is not a UUID"),
        ("device.updated", {"id": str(uuid.uuid4()), "max_hourly_consumption_kwh": 1}, "name"),
        (
            "device.updated",
            {"id": str(uuid.uuid4()), "name": "x", "max_hourly_consumption_kwh": 0},
            "max_hourly_consumption_kwh",
        ),
        (
            "device.updated",
            {"id": str(uuid.uuid4()), "name": "x", "max_hourly_consumption_kwh": "many"},
            "max_hourly_consumption_kwh",
        ),
        (
            "device.updated",
            {
                "id": str(uuid.uuid4()),
                "name": "x",
                "owner_id": "bob",
                "max_hourly_consumption_kwh": 1,
            },
            "owner_id",
        ),
        ("user.created", {"id": str(uuid.uuid4()), "role": "client"}, "username"),
        ("invoice.paid", {"id": str(uuid.uuid4())}, "unknown event type 'invoice.paid'"),
        (
            "alert.overconsumption",
            {"owner_id": None, "alert": {}},
            "unexpected event type 'alert.overconsumption' on sync_queue.monitoring_service",
        ),
    ],
)
def test_an_invalid_event_is_rejected_with_its_reason(
    event_type: str, data: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidEvent, match=reason):
        apply(event_type, 1, data)

    assert not Device.objects.exists()
    assert not User.objects.exists()
