import datetime as dt
import fnmatch
import json
import uuid
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from ems_common.contracts import (
    EVENT_TYPES,
    AlertRaised,
    DeviceCreated,
    DeviceDeleted,
    DeviceUpdated,
    Event,
    UserCreated,
    UserDeleted,
    UserUpdated,
    decode,
)
from ems_common.events import InvalidEvent, encode_envelope, make_envelope, parse_envelope
from ems_common.messaging.topology import ALERTS_EXCHANGE, SYNC_BINDINGS, SYNC_EXCHANGE

USER_ID, DEVICE_ID, ALERT_ID = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

# A valid ``data`` of every type, as its producer publishes it.
VALID: dict[str, dict[str, Any]] = {
    "user.created": {
        "id": str(USER_ID),
        "username": "ann",
        "role": "client",
        "full_name": "Ann A",
        "email": "ann@example.com",
    },
    "user.deleted": {"id": str(USER_ID)},
    "device.created": {
        "id": str(DEVICE_ID),
        "name": "Meter",
        "description": "",
        "address": "1 Main St",
        "owner_id": str(USER_ID),
        "max_hourly_consumption_kwh": 2.5,
        "reading_interval_minutes": 10,
        "meter_format": "ems",
    },
    "device.deleted": {"id": str(DEVICE_ID)},
    "alert.overconsumption": {
        "owner_id": str(USER_ID),
        "alert": {
            "id": str(ALERT_ID),
            "device_id": str(DEVICE_ID),
            "device_name": "Meter",
            "owner_id": str(USER_ID),
            "owner_username": "ann",
            "hour_start": "2025-03-01T10:00:00Z",
            "kwh": 2.75,
            "max_kwh": 2.5,
            "created_at": "2025-03-01T10:50:00.123456Z",
            "read_at": None,
        },
    },
}
VALID["user.updated"] = VALID["user.created"]
VALID["device.updated"] = VALID["device.created"]


def received(event_type: str, data: dict[str, Any]) -> Event:
    envelope = make_envelope(event_type, data, version=1, source="test")
    return decode(parse_envelope(encode_envelope(envelope)))


def test_the_registry_holds_every_event_type_once():
    assert set(EVENT_TYPES) == {
        "user.created",
        "user.updated",
        "user.deleted",
        "device.created",
        "device.updated",
        "device.deleted",
        "alert.overconsumption",
    }
    assert all(model.type == name for name, model in EVENT_TYPES.items())


def test_every_sync_event_reaches_a_consuming_service_and_alerts_go_to_their_exchange():
    keys = [key for service_keys in SYNC_BINDINGS.values() for key in service_keys]
    for name, model in EVENT_TYPES.items():
        if model is AlertRaised:
            assert model.exchange == ALERTS_EXCHANGE
            continue
        assert model.exchange == SYNC_EXCHANGE
        # A topic key's ``*`` matches one word, as fnmatch's does here (types have one dot).
        assert any(fnmatch.fnmatchcase(name, key) for key in keys), name


@pytest.mark.parametrize("event_type", sorted(VALID))
def test_a_published_event_decodes_to_the_same_data_byte_for_byte(event_type):
    event = received(event_type, VALID[event_type])

    assert type(event) is EVENT_TYPES[event_type]
    assert json.dumps(event.data()) == json.dumps(VALID[event_type])


def test_producers_build_the_wire_format_from_python_values():
    event = DeviceUpdated(
        id=DEVICE_ID,
        name="Meter",
        description="",
        address="1 Main St",
        owner_id=None,
        max_hourly_consumption_kwh=Decimal("2.5000"),
    )

    assert event.data() == {**VALID["device.created"], "owner_id": None}
    assert UserDeleted(id=USER_ID).data() == {"id": str(USER_ID)}
    assert DeviceDeleted(id=DEVICE_ID).data() == {"id": str(DEVICE_ID)}


def test_an_event_is_read_from_a_models_attributes():
    user = SimpleNamespace(
        id=USER_ID, username="ann", role="client", full_name="Ann A", email="ann@example.com"
    )

    assert UserCreated.of(user).data() == VALID["user.created"]


def test_decoded_fields_are_typed():
    device = received("device.created", {**VALID["device.created"], "owner_id": None})
    alert = received("alert.overconsumption", VALID["alert.overconsumption"])

    assert isinstance(device, DeviceCreated)
    assert device.id == DEVICE_ID and device.owner_id is None
    assert device.max_hourly_consumption_kwh == Decimal("2.500")
    assert isinstance(alert, AlertRaised)
    assert alert.alert.hour_start == dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC)
    assert alert.alert.kwh == Decimal("2.75")


def test_text_that_older_publishers_leave_out_or_send_as_null_is_empty():
    user = {**VALID["user.created"], "full_name": None}
    del user["email"]
    device = {**VALID["device.created"], "description": None}
    del device["address"]

    decoded_user = received("user.updated", user)
    decoded_device = received("device.updated", device)

    assert isinstance(decoded_user, UserUpdated) and isinstance(decoded_device, DeviceUpdated)
    assert (decoded_user.full_name, decoded_user.email) == ("", "")
    assert (decoded_device.description, decoded_device.address) == ("", "")


def test_an_alert_published_before_its_owner_fields_has_no_owner():
    alert = {
        k: v
        for k, v in VALID["alert.overconsumption"]["alert"].items()
        if k not in ("owner_id", "owner_username")
    }

    event = received("alert.overconsumption", {"owner_id": str(USER_ID), "alert": alert})

    assert isinstance(event, AlertRaised)
    assert (event.alert.owner_id, event.alert.owner_username) == (None, None)


def test_a_field_a_newer_publisher_adds_is_ignored():
    event = received("user.created", {**VALID["user.created"], "locale": "de"})

    assert isinstance(event, UserCreated)
    assert "locale" not in event.data()


def test_a_numeric_string_is_still_accepted_as_an_amount():
    event = received(
        "device.created", {**VALID["device.created"], "max_hourly_consumption_kwh": "3"}
    )

    assert isinstance(event, DeviceCreated)
    assert event.max_hourly_consumption_kwh == Decimal("3.000")


def test_a_device_event_without_an_interval_gets_the_default_of_10_minutes():
    data = {k: v for k, v in VALID["device.created"].items() if k != "reading_interval_minutes"}

    event = received("device.created", data)

    assert isinstance(event, DeviceCreated)
    assert event.reading_interval_minutes == 10


def test_a_device_event_without_a_meter_format_keeps_our_own_json():
    data = {k: v for k, v in VALID["device.created"].items() if k != "meter_format"}

    event = received("device.created", data)

    assert isinstance(event, DeviceCreated)
    assert event.meter_format == "ems"


def test_a_device_event_carries_its_meter_format():
    event = received("device.updated", {**VALID["device.updated"], "meter_format": "shelly"})

    assert isinstance(event, DeviceUpdated)
    assert event.data()["meter_format"] == "shelly"


def test_every_meter_format_has_its_topic_and_no_topic_is_without_a_format():
    from ems_common.contracts import METER_FORMATS
    from ems_common.messaging.topology import METER_TOPICS

    assert set(METER_FORMATS) == set(METER_TOPICS)


def test_a_device_event_carries_its_interval():
    event = received("device.updated", {**VALID["device.updated"], "reading_interval_minutes": 15})

    assert isinstance(event, DeviceUpdated)
    assert event.data()["reading_interval_minutes"] == 15


# One malformed ``data`` per type and field check; the reason names the field at fault.
MALFORMED: list[tuple[str, dict[str, Any], str]] = [
    ("user.created", {"id": "nope"}, "id is not a UUID: 'nope'"),
    ("user.created", {"id": None}, "id must be a string, not null"),
    ("user.created", {"username": ""}, "username must not be empty"),
    ("user.created", {"username": 7}, "username must be a string, not an integer"),
    ("user.created", {"role": "root"}, "role must be one of admin, client, not 'root'"),
    ("user.updated", {"role": None}, "role must be a string, not null"),
    ("user.updated", {"email": 3}, "email must be a string, not an integer"),
    ("user.deleted", {"id": 12}, "id must be a string, not an integer"),
    ("device.created", {"name": ""}, "name must not be empty"),
    ("device.created", {"owner_id": "bob"}, "owner_id is not a UUID: 'bob'"),
    ("device.updated", {"max_hourly_consumption_kwh": "many"}, "max_hourly_consumption_kwh"),
    ("device.updated", {"max_hourly_consumption_kwh": True}, "max_hourly_consumption_kwh"),
    ("device.updated", {"max_hourly_consumption_kwh": 0}, "max_hourly_consumption_kwh"),
    ("device.updated", {"max_hourly_consumption_kwh": 1e9}, "max_hourly_consumption_kwh"),
    (
        "device.updated",
        {"max_hourly_consumption_kwh": "NaN"},
        "max_hourly_consumption_kwh must be a finite number",
    ),
    ("device.updated", {"reading_interval_minutes": 0}, "reading_interval_minutes"),
    ("device.updated", {"reading_interval_minutes": 1441}, "reading_interval_minutes"),
    ("device.updated", {"meter_format": "modbus"}, "meter_format"),
    ("device.deleted", {"id": "x"}, "id is not a UUID"),
    ("alert.overconsumption", {"owner_id": "x"}, "owner_id is not a UUID"),
    ("alert.overconsumption", {"alert": {"id": str(ALERT_ID)}}, "alert.device_id is missing"),
]


@pytest.mark.parametrize(("event_type", "changes", "reason"), MALFORMED)
def test_a_malformed_event_is_refused_naming_the_field(event_type, changes, reason):
    with pytest.raises(InvalidEvent) as caught:
        received(event_type, {**VALID[event_type], **changes})

    assert reason in caught.value.reason


@pytest.mark.parametrize(
    "event_type", ["user.created", "device.updated", "device.deleted", "alert.overconsumption"]
)
def test_a_missing_field_is_named(event_type):
    data = dict(VALID[event_type])
    field = next(name for name in data if name not in ("description", "address"))
    del data[field]

    with pytest.raises(InvalidEvent, match=f"{field} is missing"):
        received(event_type, data)


def test_an_unknown_type_is_refused():
    with pytest.raises(InvalidEvent, match="unknown event type 'user.renamed'"):
        received("user.renamed", {"id": str(USER_ID)})


def test_an_event_model_refuses_bad_values_on_the_way_out_too():
    with pytest.raises(ValueError, match="role"):
        UserCreated(id=USER_ID, username="ann", role="root")
