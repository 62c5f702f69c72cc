"""The ``consume_measurements`` callback: decode a batch of readings, store it, name the rejects.

Where a reading came from decides whose it may be (docs/ARCHITECTURE.md, "Meter keys"):

- ``amq.topic`` with routing key ``ems.meters.<id>.readings``: a meter key, whose topic
  permission pins device ``<id>``'s subtree; a payload naming another device is dead-lettered;
- ``amq.topic`` with ``ems.meters.<id>.tele.SENSOR`` (Tasmota) or ``.status.switch:0`` (Shelly
  Gen2): the same key, a vendor's payload for device ``<id>`` (monitoring.ingestion.vendor),
  counted only while the device's ``meter_format`` says that vendor (one lookup per batch that
  has such readings; our own JSON needs none);
- ``ems.readings``: the shared meter identity of the local demo, accepted only while
  ``EMS_SHARED_METER_READINGS`` is on (the local default; off in compose);
- the default exchange: only the services' identity may write to it (replays, tests).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence

from ems_common.contracts import DEFAULT_METER_FORMAT
from ems_common.messaging.consumer import Message
from ems_common.messaging.topology import (
    METER_EXCHANGE,
    METER_TOPICS,
    READINGS_EXCHANGE,
    MeterRoute,
    routed_device,
    routed_meter,
)
from ems_common.settings import env_bool
from monitoring.ingestion.lifecycle import retention_days
from monitoring.ingestion.readings import InvalidReading, Reading, RegisterReading, parse_reading
from monitoring.ingestion.store import meter_formats, store_readings
from monitoring.ingestion.vendor import parse_vendor_reading

log = logging.getLogger(__name__)

UNKNOWN_DEVICE = "unknown device {device_id}: not (yet) synced to monitoring"
SHARED_OFF = (
    "sent through the shared meter identity (exchange ems.readings), which is switched off "
    "here (EMS_SHARED_METER_READINGS=0): publish with the device's meter key"
)


WRONG_FORMAT = (
    "a {payload} payload (routing key {routing_key}) for device {device_id}, whose meter_format"
    " is {actual!r}: set the device's meter_format to {wanted!r} (admin devices page, Meter"
    " payload), or publish our JSON to ems/meters/{device_id}/readings"
)
PAYLOAD_NAMES = {"tasmota": "Tasmota", "shelly": "Shelly Gen2"}
# Our own JSON's topic end: such a reading needs no route of its own (the usual case, kept cheap).
READINGS_SUFFIX = "." + METER_TOPICS[DEFAULT_METER_FORMAT]


def canonical_id(device: str | None) -> str | None:
    """The device a meter's routing key names as canonical UUID text, or None if it names none."""
    if device is None:
        return None
    try:
        return str(uuid.UUID(device))
    except ValueError:
        return None


def vendor_route(message: Message) -> MeterRoute | None:
    """The route of a Tasmota's or a Shelly's payload (a vendor topic of a meter key), or None."""
    if message.exchange != METER_EXCHANGE or message.routing_key.endswith(READINGS_SUFFIX):
        return None
    route = routed_meter(message.exchange, message.routing_key)
    return route if route is not None and route.meter_format != DEFAULT_METER_FORMAT else None


def origin_problem(message: Message, device_id: str, shared_allowed: bool) -> str | None:
    """Why this sender may not report for ``device_id``, or None when it may."""
    if message.exchange == METER_EXCHANGE:
        pinned = routed_device(message.exchange, message.routing_key)
        if pinned == device_id:  # the usual case: canonical on both sides, no parsing
            return None
        pinned_id = canonical_id(pinned)
        if pinned_id is None:
            return f"routing key {message.routing_key[:120]!r} names no device"
        if pinned_id != device_id:
            return (
                f"device_id {device_id} is not the device of the meter key that sent it "
                f"(routing key {message.routing_key})"
            )
    elif message.exchange == READINGS_EXCHANGE and not shared_allowed:
        return SHARED_OFF
    return None


def vendor_reading(message: Message, route: MeterRoute) -> RegisterReading:
    """A Tasmota or Shelly payload's register reading, for the device its routing key names."""
    device_id = canonical_id(route.device)
    if device_id is None:
        raise InvalidReading(f"routing key {message.routing_key[:120]!r} names no device")
    return parse_vendor_reading(route.meter_format, device_id, message.body)


def format_problem(
    message: Message, route: MeterRoute, reading: RegisterReading, formats: Mapping[str, str]
) -> str | None:
    """Why a vendor's payload may not count for its device (another meter_format), or None.
    A device monitoring does not know is left to store_readings, which names it."""
    actual = formats.get(str(reading.device_id))
    if actual is None or actual == route.meter_format:
        return None
    return WRONG_FORMAT.format(
        payload=PAYLOAD_NAMES[route.meter_format],
        routing_key=message.routing_key,
        device_id=reading.device_id,
        actual=actual,
        wanted=route.meter_format,
    )


EXPIRED = (
    "timestamp: {ts} is older than the raw readings' retention ({days} days,"
    " EMS_RAW_RETENTION_DAYS); its totals are kept, the reading is not stored again"
)


def handle_batch(messages: Sequence[Message]) -> Mapping[int, str]:
    """ConsumerRunner handler: store the valid readings; return the others with their reason."""
    rejects: dict[int, str] = {}
    parsed: list[tuple[int, Reading | RegisterReading]] = []
    vendor: list[tuple[Message, MeterRoute, RegisterReading]] = []
    shared_allowed = env_bool("EMS_SHARED_METER_READINGS", True)
    for message in messages:
        try:
            route = vendor_route(message)
            if route is not None:
                vendor.append((message, route, vendor_reading(message, route)))
                continue
            reading = parse_reading(message.body)
        except InvalidReading as exc:
            rejects[message.delivery_tag] = str(exc)
            continue
        problem = origin_problem(message, str(reading.device_id), shared_allowed)
        if problem is None:
            parsed.append((message.delivery_tag, reading))
        else:
            rejects[message.delivery_tag] = problem
    if vendor:
        formats = meter_formats({str(reading.device_id) for _, _, reading in vendor})
        for message, route, reading in vendor:
            problem = format_problem(message, route, reading, formats)
            if problem is None:
                parsed.append((message.delivery_tag, reading))
            else:
                rejects[message.delivery_tag] = problem
    result = store_readings([reading for _, reading in parsed])
    for index in result.expired:
        tag, reading = parsed[index]
        rejects[tag] = EXPIRED.format(ts=reading.ts.isoformat(), days=retention_days())
    if result.unknown_devices:
        for tag, reading in parsed:
            if str(reading.device_id) in result.unknown_devices:
                rejects[tag] = UNKNOWN_DEVICE.format(device_id=reading.device_id)
    log.debug(
        "batch of %d: %d stored, %d dead-lettered",
        len(messages),
        result.stored,
        len(rejects),
    )
    return rejects
