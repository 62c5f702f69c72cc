import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitoring.ingestion.readings import InvalidReading, Reading, RegisterReading, parse_reading

DEVICE = uuid.UUID("6f1c2d3e-0000-4000-8000-000000000001")
INSTANT = datetime(2026, 3, 29, 12, 30, tzinfo=UTC)


def value_of(raw: bytes) -> Decimal | str:
    parsed = parse_reading(raw)
    assert isinstance(parsed, Reading)
    return parsed.value


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
    assert value_of(reading(measurement_value=0.1)) == "0.1"  # the text, as sent


def test_value_is_rounded_half_even_to_six_places() -> None:
    raw = b'{"timestamp": 1774787400, "device_id": "%s", "measurement_value": 0.0000025}'
    assert value_of(raw % str(DEVICE).encode()) == "0.000002"


def test_unknown_extra_keys_are_ignored() -> None:
    assert parse_reading(reading(sequence=7)).device_id == str(DEVICE)


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


def reference_value(text: str) -> Decimal | None:
    """The rule of the module docstring, through Decimal: None where the value is refused."""
    value = Decimal(text)
    if value < 0:
        return None
    rounded = value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)
    return rounded if rounded < 10**8 else None


def reading_with_value(text: str) -> bytes:
    body = b'{"timestamp": 1774787400, "device_id": "%s", "measurement_value": %s}'
    return body % (str(DEVICE).encode(), text.encode())


json_numbers = st.one_of(
    st.decimals(min_value=-10, max_value=10**8 + 1, allow_nan=False, places=8).map(str),
    st.integers(min_value=0, max_value=10**9).map(str),
    st.floats(min_value=0, max_value=2e8, allow_nan=False).map(json.dumps),
    st.builds(
        lambda digits, exponent: f"{digits}e{exponent}",
        st.integers(min_value=0, max_value=10**9),
        st.integers(min_value=-12, max_value=8),
    ),
    st.sampled_from(["0.0000005", "0.0000015", "0.0000025", "99999999.9999995", "-0.0", "0.0"]),
)


@given(json_numbers)
def test_a_value_is_the_exact_rounded_decimal_whether_or_not_it_takes_the_text_path(
    text: str,
) -> None:
    """What goes to PostgreSQL (whose numeric would round half away from zero, not half-even) is
    exactly the half-even rounded value: the text only when it needs no rounding."""
    expected = reference_value(text)
    raw = reading_with_value(text)
    if expected is None:
        with pytest.raises(InvalidReading):
            parse_reading(raw)
        return
    stored = value_of(raw)
    assert isinstance(stored, str)
    assert Decimal(stored) == expected
    # Nothing left for the database to round: plain digits, at most 6 decimals.
    assert "e" not in stored.lower() and len(stored.partition(".")[2]) <= 6


@given(st.lists(json_numbers, max_size=50))
def test_a_sum_of_parsed_values_is_the_sum_of_the_rounded_decimals(texts: list[str]) -> None:
    kept = [text for text in texts if reference_value(text) is not None]
    parsed = [value_of(reading_with_value(text)) for text in kept]
    assert sum((Decimal(value) for value in parsed), Decimal(0)) == sum(
        (reference_value(text) or Decimal(0) for text in kept), Decimal(0)
    )


def test_a_string_holding_a_number_is_not_a_value() -> None:
    with pytest.raises(InvalidReading, match="expected a number, got a string"):
        parse_reading(reading(measurement_value="0.5"))
    with pytest.raises(InvalidReading, match="expected a UUID string, got a number"):
        parse_reading(reading(device_id=1.5))


@given(
    st.uuids(),
    st.sampled_from(
        [str, lambda u: str(u).upper(), lambda u: u.hex, lambda u: f"{{{u}}}", lambda u: u.urn]
    ),
)
def test_every_form_of_uuid_gives_the_canonical_text(device: uuid.UUID, form: object) -> None:
    text = form(device)  # type: ignore[operator]
    assert parse_reading(reading(device_id=text)).device_id == str(device)


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_an_integer_timestamp_is_the_instant_of_the_decimal_rule_or_refused(raw: int) -> None:
    milliseconds = raw if abs(raw) >= 10**11 else raw * 1000
    try:
        expected = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=milliseconds)
    except OverflowError:  # before the year 1
        expected = datetime(1, 1, 1, tzinfo=UTC)
    if datetime(2000, 1, 1, tzinfo=UTC) <= expected < datetime(2100, 1, 1, tzinfo=UTC):
        assert parse_reading(reading(timestamp=raw)).ts == expected
    else:
        with pytest.raises(InvalidReading, match="timestamp"):
            parse_reading(reading(timestamp=raw))


def test_a_register_reading_is_read_exactly_and_rounded_half_even() -> None:
    parsed = parse_reading(reading(measurement_value=..., energy_total_kwh=12345.6789125))

    assert parsed == RegisterReading(str(DEVICE), INSTANT, "12345.678912")
    assert parsed == parse_reading(reading(measurement_value=..., energy_total_kwh=12345.6789125))
    assert parse_reading(reading(measurement_value=..., energy_total_kwh=7)) == RegisterReading(
        str(DEVICE), INSTANT, "7"
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (
            reading(energy_total_kwh=3),
            "measurement_value and energy_total_kwh: a reading has exactly one of them",
        ),
        (
            reading(measurement_value=...),
            "missing field(s): measurement_value (or energy_total_kwh)",
        ),
        (reading(measurement_value=..., energy_total_kwh=-1), "energy_total_kwh: -1 is negative"),
        (
            reading(measurement_value=..., energy_total_kwh="5"),
            "energy_total_kwh: expected a number, got a string",
        ),
        (
            reading(measurement_value=..., energy_total_kwh=1e9),
            "energy_total_kwh: 1000000000.0 is too large (limit 10^8 kWh)",
        ),
        (
            reading(measurement_value=..., energy_total_kwh=1, device_id=...),
            "missing field(s): device_id",
        ),
    ],
)
def test_a_bad_register_reading_is_refused_naming_its_field(raw: bytes, reason: str) -> None:
    with pytest.raises(InvalidReading) as caught:
        parse_reading(raw)
    assert str(caught.value) == reason
