"""The ``consume_measurements`` callback: decode a batch of readings, store it, name the rejects.

Where a reading came from decides whose it may be (docs/ARCHITECTURE.md, "Meter keys"):

- ``amq.topic`` with routing key ``ems.meters.<id>.readings``: a meter key, whose topic
  permission pins device ``<id>``; a payload naming another device is dead-lettered;
- ``ems.readings``: the shared meter identity of the local demo, accepted only while
  ``EMS_SHARED_METER_READINGS`` is on (the local default; off in compose);
- the default exchange: only the services' identity may write to it (replays, tests).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence

from ems_common.messaging.consumer import Message
from ems_common.messaging.topology import METER_EXCHANGE, READINGS_EXCHANGE, routed_device
from ems_common.settings import env_bool
from monitoring.ingestion.lifecycle import retention_days
from monitoring.ingestion.readings import InvalidReading, Reading, RegisterReading, parse_reading
from monitoring.ingestion.store import store_readings

log = logging.getLogger(__name__)

UNKNOWN_DEVICE = "unknown device {device_id}: not (yet) synced to monitoring"
SHARED_OFF = (
    "sent through the shared meter identity (exchange ems.readings), which is switched off "
    "here (EMS_SHARED_METER_READINGS=0): publish with the device's meter key"
)


def origin_problem(message: Message, device_id: str, shared_allowed: bool) -> str | None:
    """Why this sender may not report for ``device_id``, or None when it may."""
    if message.exchange == METER_EXCHANGE:
        pinned = routed_device(message.exchange, message.routing_key)
        if pinned == device_id:  # the usual case: canonical on both sides, no parsing
            return None
        try:
            pinned_id = None if pinned is None else str(uuid.UUID(pinned))
        except ValueError:
            pinned_id = None
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


EXPIRED = (
    "timestamp: {ts} is older than the raw readings' retention ({days} days,"
    " EMS_RAW_RETENTION_DAYS); its totals are kept, the reading is not stored again"
)


def handle_batch(messages: Sequence[Message]) -> Mapping[int, str]:
    """ConsumerRunner handler: store the valid readings; return the others with their reason."""
    rejects: dict[int, str] = {}
    parsed: list[tuple[int, Reading | RegisterReading]] = []
    shared_allowed = env_bool("EMS_SHARED_METER_READINGS", True)
    for message in messages:
        try:
            reading = parse_reading(message.body)
        except InvalidReading as exc:
            rejects[message.delivery_tag] = str(exc)
            continue
        problem = origin_problem(message, str(reading.device_id), shared_allowed)
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
