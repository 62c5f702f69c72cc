import contextlib
import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ems_common.events import (
    InvalidEvent,
    encode_envelope,
    make_envelope,
    parse_envelope,
    require,
)


def envelope_bytes(**overrides: object) -> bytes:
    envelope = make_envelope("user.created", {"id": str(uuid.uuid4())}, version=1, source="x")
    envelope.update(overrides)
    return json.dumps(envelope).encode()


def test_envelope_round_trips_through_json():
    device_id, owner_id = uuid.uuid4(), uuid.uuid4()
    when = dt.datetime(2025, 3, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    envelope = make_envelope(
        "device.updated",
        {"id": device_id, "owner_id": owner_id, "max_hourly_consumption_kwh": Decimal("2.50")},
        version=7,
        source="device_service",
        occurred_at=when,
    )

    parsed = parse_envelope(encode_envelope(envelope))

    assert parsed.type == "device.updated"
    assert parsed.version == 7
    assert parsed.source == "device_service"
    assert parsed.occurred_at == when
    assert parsed.occurred_at.utcoffset() == dt.timedelta(0)
    assert envelope["occurred_at"] == "2025-03-01T10:30:00Z"
    assert parsed.data == {
        "id": str(device_id),
        "owner_id": str(owner_id),
        "max_hourly_consumption_kwh": 2.5,
    }
    assert parsed.event_id == uuid.UUID(envelope["event_id"])


def test_make_envelope_keeps_a_given_event_id():
    event_id = uuid.uuid4()
    envelope = make_envelope("user.deleted", {}, version=1, source="a", event_id=event_id)
    assert envelope["event_id"] == str(event_id)


@pytest.mark.parametrize("version", [-1, True, 1.5, "2"])
def test_make_envelope_refuses_a_bad_version(version):
    with pytest.raises(ValueError):
        make_envelope("user.created", {}, version=version, source="a")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{nope", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (envelope_bytes(event_id="not-a-uuid"), "event_id is not a UUID"),
        (envelope_bytes(event_id=None), "event_id must be a string"),
        (envelope_bytes(version=-3), "version must not be negative"),
        (envelope_bytes(version="3"), "version must be an integer"),
        (envelope_bytes(version=True), "version must be an integer"),
        (envelope_bytes(type=""), "type must not be empty"),
        (envelope_bytes(occurred_at="yesterday"), "occurred_at is not an ISO-8601 time"),
        (envelope_bytes(occurred_at="2025-01-01T00:00:00"), "occurred_at has no UTC offset"),
        (envelope_bytes(data=[1]), "data must be an object"),
    ],
)
def test_invalid_envelope_is_refused_with_a_reason(body, reason):
    with pytest.raises(InvalidEvent) as caught:
        parse_envelope(body)
    assert reason in caught.value.reason


def test_missing_field_is_named_in_the_reason():
    envelope = json.loads(envelope_bytes())
    del envelope["source"]
    with pytest.raises(InvalidEvent, match="source is missing"):
        parse_envelope(json.dumps(envelope).encode())


@given(st.binary())
def test_parse_envelope_raises_only_invalid_event_on_garbage(body):
    with contextlib.suppress(InvalidEvent):
        parse_envelope(body)


def test_require_names_the_field_and_the_type_it_wanted():
    data = {"name": "x", "flag": True, "nothing": None}

    assert require(data, "name", str) == "x"
    assert require(data, "nothing", str, nullable=True) is None
    with pytest.raises(InvalidEvent, match="missing is missing"):
        require(data, "missing", str)
    with pytest.raises(InvalidEvent, match="flag must be an integer, not a boolean"):
        require(data, "flag", int)
    with pytest.raises(InvalidEvent, match="nothing must be a string, not null"):
        require(data, "nothing", str)
