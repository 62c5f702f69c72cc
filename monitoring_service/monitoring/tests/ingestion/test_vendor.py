"""Tasmota and Shelly Gen2 payloads, as their documentation shows them, give the right kWh."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from ems_common.messaging.consumer import Message
from monitoring.ingestion.consumer import handle_batch
from monitoring.ingestion.readings import InvalidReading, RegisterReading
from monitoring.ingestion.vendor import parse_vendor_reading
from monitoring.models import Device, MeterReset
from monitoring.models import RegisterReading as StoredRegister
from monitoring.tests.ingestion.helpers import body, hourly, stored_count
from monitoring.tests.ingestion.vendor_payloads import (
    SHELLY_SWITCH_STATUS,
    TASMOTA_DUAL_SENSOR,
    TASMOTA_NO_ENERGY,
    TASMOTA_SENSOR,
)

DEVICE = "6f1d8f0e-8a57-4d4b-9a39-0f7c4b1f2a10"
ARRIVAL = datetime(2026, 12, 1, 9, 30, 15, 250000, tzinfo=UTC)


def with_offset(payload: bytes, time: str) -> bytes:
    """The payload as a Tasmota with ``SetOption52 1`` sends it: Time with its UTC offset."""
    data = json.loads(payload)
    data["Time"] = time
    return json.dumps(data).encode()


def edited(payload: bytes, path: tuple[str, ...], value: Any) -> bytes:
    """The payload with the field at ``path`` set to ``value`` (removed for ``...``)."""
    data = json.loads(payload)
    holder = data
    for name in path[:-1]:
        holder = holder[name]
    if value is ...:
        del holder[path[-1]]
    else:
        holder[path[-1]] = value
    return json.dumps(data).encode()


def parse(meter_format: str, payload: bytes) -> RegisterReading:
    return parse_vendor_reading(meter_format, DEVICE, payload, now=lambda: ARRIVAL)


def test_tasmotas_energy_total_is_the_register_in_kwh_at_its_time() -> None:
    payload = with_offset(TASMOTA_SENSOR, "2022-01-11T21:57:38+01:00")

    reading = parse("tasmota", payload)

    assert reading == RegisterReading(
        DEVICE, datetime(2022, 1, 11, 20, 57, 38, tzinfo=UTC), "3.705"
    )


def test_a_tasmota_time_without_offset_is_refused_with_the_setting_that_adds_it() -> None:
    with pytest.raises(InvalidReading) as refused:
        parse("tasmota", TASMOTA_SENSOR)  # as the documentation shows it: local time

    assert str(refused.value).startswith("Time: '2022-01-11T21:57:38' has no UTC offset")
    assert "`SetOption52 1`" in str(refused.value)


def test_a_tasmota_sensor_without_energy_is_refused_naming_what_it_holds() -> None:
    with pytest.raises(InvalidReading) as refused:
        parse("tasmota", with_offset(TASMOTA_NO_ENERGY, "2021-06-13T06:59:52Z"))

    assert str(refused.value) == (
        "ENERGY: missing (this SENSOR message holds ANALOG, DHT11, TempUnit): not an energy meter's"
    )


def test_a_tasmota_with_a_total_per_channel_is_refused() -> None:
    with pytest.raises(InvalidReading, match=r"^ENERGY\.Total: an array \(one total per channel"):
        parse("tasmota", with_offset(TASMOTA_DUAL_SENSOR, "2023-04-11T07:31:34+00:00"))


@pytest.mark.parametrize(
    "path, value, reason",
    [
        (("ENERGY", "Total"), "12.5", "ENERGY.Total: expected a number (kWh), got a string"),
        (("ENERGY", "Total"), None, "ENERGY.Total: expected a number, got null"),
        (("ENERGY", "Total"), True, "ENERGY.Total: expected a number, got a boolean"),
        (("ENERGY", "Total"), -1.5, "ENERGY.Total: -1.5 is negative"),
        (("ENERGY", "Total"), ..., "ENERGY.Total: missing"),
        (("ENERGY",), [1, 2], "ENERGY: expected an object, got a JSON array"),
        (("Time",), ..., "Time: missing"),
        (("Time",), 1641938258, "Time: expected an ISO-8601 string, got a number"),
        (("Time",), "yesterday", "Time: 'yesterday' is not ISO-8601"),
        (("Time",), "1999-12-31T23:00:00Z", "Time: 1999-12-31T23:00:00+00:00 is outside"),
    ],
)
def test_each_bad_tasmota_field_is_named(path: tuple[str, ...], value: Any, reason: str) -> None:
    payload = edited(with_offset(TASMOTA_SENSOR, "2022-01-11T21:57:38Z"), path, value)

    with pytest.raises(InvalidReading) as refused:
        parse("tasmota", payload)

    assert str(refused.value).startswith(reason)


def test_shellys_aenergy_total_in_wh_is_the_register_in_kwh_at_minute_ts() -> None:
    reading = parse("shelly", SHELLY_SWITCH_STATUS)

    assert reading == RegisterReading(DEVICE, datetime.fromtimestamp(1654511972, UTC), "0.011679")
    assert reading.ts == datetime(2022, 6, 6, 10, 39, 32, tzinfo=UTC)


@pytest.mark.parametrize(
    "watt_hours, kwh",
    [
        (6532.1, "6.5321"),
        (123456789, "123456.789"),
        (0, "0"),
        (0.0004, "0.0000004"),  # Wh with 4 places: kWh to 6 places, half-even
    ],
)
def test_watt_hours_become_kwh_exactly(watt_hours: Any, kwh: str) -> None:
    payload = edited(SHELLY_SWITCH_STATUS, ("aenergy", "total"), watt_hours)

    total = parse("shelly", payload).total

    assert Decimal(total) == Decimal(kwh).quantize(Decimal("0.000001"))


def test_a_shelly_status_without_minute_ts_is_at_its_arrival() -> None:
    payload = edited(SHELLY_SWITCH_STATUS, ("aenergy", "minute_ts"), ...)

    assert parse("shelly", payload).ts == ARRIVAL


@pytest.mark.parametrize(
    "path, value, reason",
    [
        (("aenergy",), ..., "aenergy: missing (not the status of a switch that meters energy)"),
        (("aenergy",), 5, "aenergy: expected an object, got a number"),
        (("aenergy", "total"), ..., "aenergy.total: missing"),
        (("aenergy", "total"), "6532.1", "aenergy.total: expected a number (Wh), got a string"),
        (("aenergy", "total"), None, "aenergy.total: expected a number (Wh), got null"),
        (("aenergy", "total"), -0.5, "aenergy.total: -0.5 Wh is negative"),
        (("aenergy", "total"), 1e14, "aenergy.total: 100000000000000.0 Wh is too large"),
        (("aenergy", "minute_ts"), "now", "aenergy.minute_ts: expected unix seconds, got a"),
        (("aenergy", "minute_ts"), 1654511972000, "aenergy.minute_ts: 1654511972000 is outside"),
        (("aenergy", "minute_ts"), 12, "aenergy.minute_ts: 12 is outside 2000-01-01..2100-01-01"),
    ],
)
def test_each_bad_shelly_field_is_named(path: tuple[str, ...], value: Any, reason: str) -> None:
    with pytest.raises(InvalidReading) as refused:
        parse("shelly", edited(SHELLY_SWITCH_STATUS, path, value))

    assert str(refused.value).startswith(reason)


@pytest.mark.parametrize("meter_format", ["tasmota", "shelly"])
@pytest.mark.parametrize(
    "payload, reason", [(b"{nope", "not JSON"), (b"[1]", "not a JSON object but list")]
)
def test_a_payload_that_is_no_json_object_is_refused(
    meter_format: str, payload: bytes, reason: str
) -> None:
    with pytest.raises(InvalidReading, match=f"^{reason}"):
        parse(meter_format, payload)


# Through the consumer (real PostgreSQL): the topic says the payload, the device's meter_format
# must agree, and the register path makes the consumption.


def device_of(meter_format: str) -> Device:
    return Device.objects.create(
        id=uuid.uuid4(), name="Plug", max_hourly_consumption_kwh=5, meter_format=meter_format
    )


def on_topic(tag: int, device_id: Any, suffix: str, payload: bytes) -> Message:
    return Message(
        delivery_tag=tag,
        body=payload,
        routing_key=f"ems.meters.{device_id}.{suffix}",
        exchange="amq.topic",
    )


def registers(device_id: uuid.UUID) -> int:
    return StoredRegister.objects.filter(device__id=device_id).count()


def tasmota_at(time: str, total: float) -> bytes:
    return edited(with_offset(TASMOTA_SENSOR, time), ("ENERGY", "Total"), total)


def shelly_at(minute_ts: int, watt_hours: float) -> bytes:
    payload = edited(SHELLY_SWITCH_STATUS, ("aenergy", "minute_ts"), minute_ts)
    return edited(payload, ("aenergy", "total"), watt_hours)


@pytest.mark.django_db(transaction=True)
def test_tasmota_registers_through_the_consumer_give_the_hours_kwh() -> None:
    device = device_of("tasmota")
    batch = [
        on_topic(1, device.id, "tele.SENSOR", tasmota_at("2026-12-01T10:00:00+01:00", 12.345)),
        on_topic(2, device.id, "tele.SENSOR", tasmota_at("2026-12-01T10:10:00+01:00", 12.4)),
        on_topic(3, device.id, "tele.SENSOR", tasmota_at("2026-12-01T10:20:00+01:00", 12.5)),
    ]

    assert handle_batch(batch) == {}

    assert hourly(device.id) == {datetime(2026, 12, 1, 9, tzinfo=UTC): Decimal("0.155")}


@pytest.mark.django_db(transaction=True)
def test_shelly_registers_through_the_consumer_give_the_hours_kwh_and_a_reset() -> None:
    device = device_of("shelly")
    start = int(datetime(2026, 12, 1, 9, tzinfo=UTC).timestamp())
    batch = [
        on_topic(1, device.id, "status.switch:0", shelly_at(start + 600, 6532.1)),
        on_topic(2, device.id, "status.switch:0", shelly_at(start, 6000)),
        on_topic(3, device.id, "status.switch:0", shelly_at(start + 1200, 7000.05)),
        on_topic(4, device.id, "status.switch:0", shelly_at(start + 1800, 10)),  # reset
        on_topic(5, device.id, "status.switch:0", shelly_at(start + 2400, 260)),
    ]

    assert handle_batch(batch) == {}

    assert hourly(device.id) == {datetime(2026, 12, 1, 9, tzinfo=UTC): Decimal("1.25005")}
    assert MeterReset.objects.filter(device__id=device.id).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "meter_format, suffix, payload, name, wanted",
    [
        ("ems", "tele.SENSOR", tasmota_at("2026-12-01T10:00:00Z", 1.0), "Tasmota", "tasmota"),
        ("shelly", "tele.SENSOR", tasmota_at("2026-12-01T10:00:00Z", 1.0), "Tasmota", "tasmota"),
        ("ems", "status.switch:0", SHELLY_SWITCH_STATUS, "Shelly Gen2", "shelly"),
        ("tasmota", "status.switch:0", SHELLY_SWITCH_STATUS, "Shelly Gen2", "shelly"),
    ],
)
def test_a_vendors_payload_for_a_device_set_otherwise_is_dead_lettered_naming_the_setting(
    meter_format: str, suffix: str, payload: bytes, name: str, wanted: str
) -> None:
    device = device_of(meter_format)

    rejects = handle_batch([on_topic(7, device.id, suffix, payload)])

    assert rejects == {
        7: f"a {name} payload (routing key ems.meters.{device.id}.{suffix}) for device "
        f"{device.id}, whose meter_format is {meter_format!r}: set the device's meter_format to "
        f"{wanted!r} (admin devices page, Meter payload), or publish our JSON to "
        f"ems/meters/{device.id}/readings"
    }
    assert registers(device.id) == 0


@pytest.mark.django_db(transaction=True)
def test_our_json_on_the_readings_topic_counts_whatever_the_meter_format() -> None:
    device = device_of("shelly")
    message = on_topic(1, device.id, "readings", body(device.id, 1780000000000, 0.5))

    assert handle_batch([message]) == {}
    assert stored_count(device.id) == 1


@pytest.mark.django_db(transaction=True)
def test_bad_vendor_payloads_are_dead_lettered_beside_good_ones_and_unknown_devices_named() -> None:
    device = device_of("tasmota")
    unknown = uuid.uuid4()
    batch = [
        on_topic(1, device.id, "tele.SENSOR", TASMOTA_SENSOR),  # no offset
        on_topic(2, device.id, "tele.SENSOR", tasmota_at("2026-12-01T10:00:00Z", 2.0)),
        on_topic(3, "not-a-device", "tele.SENSOR", tasmota_at("2026-12-01T10:00:00Z", 2.0)),
        on_topic(4, unknown, "status.switch:0", SHELLY_SWITCH_STATUS),
    ]

    rejects = handle_batch(batch)

    assert sorted(rejects) == [1, 3, 4]
    assert "SetOption52 1" in rejects[1]
    assert rejects[3] == "routing key 'ems.meters.not-a-device.tele.SENSOR' names no device"
    assert rejects[4] == f"unknown device {unknown}: not (yet) synced to monitoring"
    assert registers(device.id) == 1
