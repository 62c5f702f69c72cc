"""Which price applies when: a device's tariff history as constant-price segments of UTC time.

In force for a device at an instant t: among the device's own tariffs, the one with the latest
``valid_from`` whose start (local midnight of ``valid_from`` in that tariff's tz) is <= t; if
none, the same among the default tariffs (device None); if none, no tariff (unpriced).

A reading at instant ts is priced by the rate whose window holds ts's local wall time (weekday,
HH:MM) in the tariff's tz, window [start, end). Within a stretch of constant UTC offset the wall
time moves with UTC, so each window is one UTC interval; at a change of offset the walk starts
again from the new wall time: a fall-back hour (wall time twice) is priced by that wall time both
times, a spring-forward gap is simply never reached.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q

from monitoring.consumption.local_days import day_start
from monitoring.models import Tariff
from monitoring.tariffs.schedule import Rate, Week

ONE_SECOND = timedelta(seconds=1)
ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class PriceSegment:
    lo: datetime  # UTC, [lo, hi)
    hi: datetime
    price: Decimal
    currency: str
    tariff_id: uuid.UUID


@dataclass(frozen=True)
class PricedTariff:
    """A tariff ready to price: its start as an instant, its zone and its week."""

    id: uuid.UUID
    name: str
    device_id: uuid.UUID | None
    currency: str
    zone: ZoneInfo
    start: datetime  # UTC: local midnight of valid_from in zone
    week: Week


def priced(tariff: Tariff) -> PricedTariff:
    """A Tariff with its rates prefetched (``rates``), ready to price."""
    zone = ZoneInfo(tariff.tz)
    rates = [
        Rate(tuple(r.days), r.start_minute, r.end_minute, r.price_per_kwh)
        for r in tariff.rates.all()
    ]
    start = day_start(tariff.valid_from, zone)
    return PricedTariff(
        tariff.id, tariff.name, tariff.device_id, tariff.currency, zone, start, Week(rates)
    )


def tariffs_for(device_ids: Iterable[uuid.UUID] | None) -> list[PricedTariff]:
    """The default tariffs and the own tariffs of ``device_ids`` (None: of every device), in one
    query for the tariffs and one for their rates."""
    tariffs = Tariff.objects.prefetch_related("rates")
    if device_ids is not None:
        tariffs = tariffs.filter(Q(device_id__isnull=True) | Q(device_id__in=list(device_ids)))
    return [priced(t) for t in tariffs]


def history(tariffs: Sequence[PricedTariff], device_id: uuid.UUID | None) -> list[PricedTariff]:
    """The tariffs in force for ``device_id`` one after the other, by start: the defaults until
    the device's first own tariff starts, then its own (None: the defaults only)."""
    own = sorted((t for t in tariffs if t.device_id == device_id and device_id), key=starts)
    defaults = sorted((t for t in tariffs if t.device_id is None), key=starts)
    if own:
        defaults = [t for t in defaults if t.start < own[0].start]
    return [*defaults, *own]


def in_force(chain: Sequence[PricedTariff], at: datetime) -> PricedTariff | None:
    """The tariff of the history ``chain`` in force at the instant ``at``."""
    current = None
    for tariff in chain:
        if tariff.start <= at:
            current = tariff
    return current


def starts(tariff: PricedTariff) -> datetime:
    return tariff.start


def segments(chain: Sequence[PricedTariff], lo: datetime, hi: datetime) -> list[PriceSegment]:
    """The constant-price segments of [lo, hi) under the history ``chain`` (see ``history``)."""
    result: list[PriceSegment] = []
    for index, tariff in enumerate(chain):
        end = chain[index + 1].start if index + 1 < len(chain) else hi
        a, b = max(lo, tariff.start), min(hi, end)
        if a < b:
            walk(tariff, a, b, result)
    return result


def walk(tariff: PricedTariff, lo: datetime, hi: datetime, into: list[PriceSegment]) -> None:
    """Append the segments of [lo, hi) under one tariff to ``into``, merging equal prices."""
    t = lo
    while t < hi:
        local = t.astimezone(tariff.zone)
        offset = local.utcoffset()
        wall = local.replace(tzinfo=None)
        price, end_minute = tariff.week.at(wall)
        monday = datetime(wall.year, wall.month, wall.day) - timedelta(days=wall.weekday())
        until = min(hi, t + (monday + timedelta(minutes=end_minute) - wall))
        if (until - ONE_MICROSECOND).astimezone(tariff.zone).utcoffset() != offset:
            until = offset_change(tariff.zone, t, until)
        if (
            into
            and into[-1].hi == t
            and (into[-1].price, into[-1].currency)
            == (
                price,
                tariff.currency,
            )
        ):
            last = into[-1]
            into[-1] = PriceSegment(last.lo, until, price, last.currency, last.tariff_id)
        else:
            into.append(PriceSegment(t, until, price, tariff.currency, tariff.id))
        t = until


def offset_change(zone: ZoneInfo, lo: datetime, hi: datetime) -> datetime:
    """The first instant in (lo, hi) where the zone's UTC offset is no longer lo's (offsets
    change at whole seconds)."""
    offset = lo.astimezone(zone).utcoffset()
    base = lo.replace(microsecond=0)
    low, high = 0, int((hi - base) // ONE_SECOND) + 1  # base + high s: a different offset
    while high - low > 1:
        middle = (low + high) // 2
        if (base + middle * ONE_SECOND).astimezone(zone).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return min(max(base + high * ONE_SECOND, lo + ONE_MICROSECOND), hi)


def price_segments(device_id: uuid.UUID, lo: datetime, hi: datetime) -> list[PriceSegment]:
    """The device's constant-price segments of [lo, hi) (UTC): ordered, non-overlapping,
    adjacent equal (price, currency) merged; time without a tariff omitted."""
    return segments(history(tariffs_for([device_id]), device_id), lo.astimezone(UTC), hi)
