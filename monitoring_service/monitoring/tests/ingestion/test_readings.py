import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitoring.ingestion.readings import InvalidReading, parse_reading

DEVICE = uuid.UUID("6f1c2d3e-0000-4000-8000-000000000001")
INSTANT = datetime(2026, 3, 29, 12, 30, tzinfo=UTC)


def reading(**fields: object) -> bytes:
    data: dict[str, object] = {
        "timestamp": 1_774_787_400_000,
        "device_id": str(DEVICE),
        "measurement_value": 0.42,
    }
    data.update(fields)
    return json.dumps({k: v for k, v in data.items() if v is not ...}).encode()


@pytest.mark.parametrize(
    "timestamp",
    [1_774_787_400_000, 1_774_787_400, "2026-03-29T12:30:00Z", "2026-03-29T15:30:00+03:00"],
    ids=["epoch-ms", "epoch-s", "iso-z", "iso-offset"],
)
def test_every_timestamp_format_gives_the_same_instant(timestamp: object) -> None:
    assert parse_reading(reading(timestamp=timestamp)).ts == INSTANT


def test_value_is_read_exactly_without_float_rounding() -> None:
    assert parse_reading(reading(measurement_value=0.1)).value == Decimal("0.100000")


def test_value_is_rounded_half_even_to_six_places() -> None:
    raw = b'{"timestamp": 1774787400, "device_id": "%s", "measurement_value": 0.0000025}'
    assert parse_reading(raw % str(DEVICE).encode()).value == Decimal("0.000002")


def test_unknown_extra_keys_are_ignored() -> None:
    assert parse_reading(reading(sequence=7)).device_id == DEVICE


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (reading(device_id=...), "missing field(s): device_id"),
        (reading(timestamp=..., measurement_value=...), "timestamp, measurement_value"),
        (reading(device_id="meter-1"), "device_id: 'meter-1' is not a UUID"),
        (reading(device_id=17), "device_id: expected a UUID string"),
        (reading(measurement_value=-0.5), "measurement_value: -0.5 is negative"),
        (reading(measurement_value="0.4"), "measurement_value: expected a number, got a string"),
        (reading(measurement_value=None), "measurement_value: expected a number, got null"),
        (reading(measurement_value=True), "measurement_value: expected a number, got a boolean"),
        (
            b'{"timestamp": 1774787400, "device_id": "%s", "measurement_value": NaN}'
            % str(DEVICE).encode(),
            "not a finite number",
        ),
        (
            b'{"timestamp": 1774787400, "device_id": "%s", "measurement_value": -Infinity}'
            % str(DEVICE).encode(),
            "not a finite number",
        ),
        (reading(measurement_value=1e9), "too large"),
        (reading(measurement_value=1e300), "too large"),
        (reading(timestamp="yesterday"), "not ISO-8601"),
        (reading(timestamp="2026-03-29T12:30:00"), "has no UTC offset"),
        (reading(timestamp=-5), "outside 2000-01-01..2100-01-01"),
        (reading(timestamp=0), "outside"),
        (reading(timestamp=1e300), "not a possible instant"),
        (reading(timestamp=[1]), "timestamp: expected epoch ms/s or an ISO-8601 string"),
    ],
)
def test_bad_reading_is_refused_with_its_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(InvalidReading, match=None) as caught:
        parse_reading(raw)
    assert reason in str(caught.value)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)))
def test_epoch_ms_and_s_round_trip_for_any_instant_of_the_century(when: datetime) -> None:
    ts = when.replace(tzinfo=UTC, microsecond=0)
    seconds = int(ts.timestamp())
    assert parse_reading(reading(timestamp=seconds)).ts == ts
    assert parse_reading(reading(timestamp=seconds * 1000)).ts == ts
