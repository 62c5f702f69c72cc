"""The rows of an export: each device's kWh, readings and cost per local hour, day or month.

Rows tile [first 00:00, after-last 00:00) in the zone (a month row clipped to the range, a
daylight-saving day 23 or 25 hour rows). They are generated lazily, device after device, one
priced rollup query (monitoring.consumption.costs.priced_sums) per chunk of at most
``CHUNK_BUCKETS`` buckets (a 31-day month of hours), so memory stays flat whatever the range.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ems_common.exceptions import InvalidField
from monitoring.consumption.buckets import DeviceNotVisible, hour_bounds
from monitoring.consumption.costs import priced_sums
from monitoring.consumption.local_days import InvalidPeriod, day_start, period_days
from monitoring.consumption.period_summary import BucketTotal, bucket_totals
from monitoring.consumption.periods import BucketKind, next_month
from monitoring.models import Device

MAX_HOUR_DAYS = 1827  # five years of hours (876,960 hours at most)
CHUNK_BUCKETS = 744  # buckets per query: a 31-day month of hours


@dataclass(frozen=True)
class ExportDevice:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ExportSpan:
    first: date  # local days, both included
    last: date
    bucket: BucketKind
    zone: ZoneInfo


@dataclass(frozen=True)
class ExportRow:
    device: ExportDevice
    bucket: BucketTotal  # as the period views give it (monitoring.consumption.period_summary)
    currency: str | None


def export_span(first: date, last: date, bucket: BucketKind, zone: ZoneInfo) -> ExportSpan:
    """The local days ``first..last``; InvalidPeriod (``end``) if reversed or 5+ years of hours."""
    days = period_days(first, last)
    if bucket is BucketKind.HOUR and days > MAX_HOUR_DAYS:
        raise InvalidPeriod(f"At most {MAX_HOUR_DAYS} days (5 years) of hours ({days} asked).")
    return ExportSpan(first, last, bucket, zone)


def export_devices(
    device_ids: list[uuid.UUID] | None, owner_id: uuid.UUID | None
) -> list[ExportDevice]:
    """The devices to export, ordered by name: the ones asked for, or (admins) every device.

    ``owner_id``: a client's own id; it must name exactly one device, its own (DeviceNotVisible
    for another's). None: an admin, who may name several or none.
    """
    if owner_id is not None and (not device_ids or len(set(device_ids)) != 1):
        raise InvalidField("device_id", "Give exactly one device_id: one of your devices.")
    devices = Device.objects.all() if owner_id is None else Device.objects.filter(owner_id=owner_id)
    if device_ids:
        devices = devices.filter(id__in=set(device_ids))
    found = [
        ExportDevice(id, name)
        for id, name in devices.order_by("name", "id").values_list("id", "name")
    ]
    if device_ids and len(found) != len(set(device_ids)):
        raise DeviceNotVisible()
    return found


def bucket_ranges(span: ExportSpan) -> Iterator[tuple[datetime, datetime]]:
    """The UTC [lo, hi) of every bucket of the span, in order."""
    after = span.last + timedelta(days=1)
    if span.bucket is BucketKind.HOUR:
        day = span.first
        while day < after:
            bounds = hour_bounds(day, span.zone)
            yield from zip(bounds[:-1], bounds[1:], strict=True)
            day += timedelta(days=1)
        return
    day = span.first
    while day < after:
        following = (
            day + timedelta(days=1)
            if span.bucket is BucketKind.DAY
            else next_month(day.replace(day=1))
        )
        following = min(following, after)
        yield day_start(day, span.zone), day_start(following, span.zone)
        day = following


def chunks(span: ExportSpan) -> Iterator[list[tuple[datetime, datetime]]]:
    """``bucket_ranges`` in lists of at most CHUNK_BUCKETS."""
    chunk: list[tuple[datetime, datetime]] = []
    for bucket in bucket_ranges(span):
        chunk.append(bucket)
        if len(chunk) == CHUNK_BUCKETS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def device_rows(
    device: ExportDevice, span: ExportSpan, now: datetime, owner_id: uuid.UUID | None = None
) -> Iterator[ExportRow]:
    """One device's rows, a query per chunk; they stop if the device goes (deleted, reassigned)."""
    zone = span.zone
    for chunk in chunks(span):
        try:
            sums = priced_sums(device.id, chunk, (chunk[0][0], chunk[0][0]), owner_id)
        except DeviceNotVisible:
            return
        for bucket, part in zip(bucket_totals(sums, chunk, zone, now), sums.parts, strict=True):
            yield ExportRow(device=device, bucket=bucket, currency=part.currency)


def export_rows(
    devices: list[ExportDevice], span: ExportSpan, now: datetime, owner_id: uuid.UUID | None = None
) -> Iterator[ExportRow]:
    """Every device's rows, device after device (lazily)."""
    for device in devices:
        yield from device_rows(device, span, now, owner_id)
