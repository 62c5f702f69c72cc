"""The ``consume_measurements`` callback: decode a batch of readings, store it, name the rejects."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from ems_common.messaging.consumer import Message
from monitoring.ingestion.lifecycle import retention_days
from monitoring.ingestion.readings import InvalidReading, Reading, parse_reading
from monitoring.ingestion.store import store_readings

log = logging.getLogger(__name__)

UNKNOWN_DEVICE = "unknown device {device_id}: not (yet) synced to monitoring"
EXPIRED = (
    "timestamp: {ts} is older than the raw readings' retention ({days} days,"
    " EMS_RAW_RETENTION_DAYS); its totals are kept, the reading is not stored again"
)


def handle_batch(messages: Sequence[Message]) -> Mapping[int, str]:
    """ConsumerRunner handler: store the valid readings; return the others with their reason."""
    rejects: dict[int, str] = {}
    parsed: list[tuple[int, Reading]] = []
    for message in messages:
        try:
            parsed.append((message.delivery_tag, parse_reading(message.body)))
        except InvalidReading as exc:
            rejects[message.delivery_tag] = str(exc)
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
