"""kWh, readings and cost of one device over any ranges: the rollups (monitoring.consumption.
rollups) split at the device's price segments (monitoring.tariffs.pricing), in one query.

Each range is cut into its pieces under one constant price and the unpriced rest (time without
a tariff); all pieces of all ranges go to one ``rollup_sums`` query; a range's cost is the sum of
its pieces' kWh × price, exact (Decimal). The rule of a range's cost:

- None when no tariff is in force anywhere in it, when some of its energy lies in time without a
  tariff, or when it spans two currencies (the costs cannot be added);
- otherwise the exact sum; 0 for a range without energy where a tariff applies.

Costs are computed when asked, from the tariffs as they are now: a corrected price or a late
reading changes the cost of the past.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, localcontext

from monitoring.consumption.rollups import rollup_sums
from monitoring.tariffs.pricing import PriceSegment, history, segments, tariffs_for

# Digits enough for any kWh (20 digits) × price (18 digits) and their sums: exact, never rounded.
EXACT_DIGITS = 60


# Pieces shorter than this are read from hour rows only: a time-of-use day's pieces (a night,
# a day) are one index range scan each rather than a UTC day plus or minus hours.
HOURS_BELOW = timedelta(days=2)


@dataclass(frozen=True)
class RangeCost:
    """What a range's cost is made of; ranges combine by adding these (``combined``)."""

    kwh: Decimal = Decimal(0)
    readings: int = 0
    priced_cost: Decimal = Decimal(0)  # sum of kWh × price of its priced pieces
    currencies: frozenset[str] = frozenset()  # of the price segments in it
    unpriced_kwh: Decimal = Decimal(0)  # kWh in time without a tariff

    @property
    def cost(self) -> Decimal | None:
        if len(self.currencies) != 1 or self.unpriced_kwh != 0:
            return None
        return self.priced_cost

    @property
    def currency(self) -> str | None:
        return next(iter(self.currencies)) if self.cost is not None else None


def combined(parts: Iterable[RangeCost]) -> RangeCost:
    """The cost of the union of disjoint ranges."""
    total = RangeCost()
    with localcontext(prec=EXACT_DIGITS):
        for part in parts:
            total = RangeCost(
                total.kwh + part.kwh,
                total.readings + part.readings,
                total.priced_cost + part.priced_cost,
                total.currencies | part.currencies,
                total.unpriced_kwh + part.unpriced_kwh,
            )
    return total


@dataclass(frozen=True)
class PricedSums:
    kwh: list[Decimal]  # one per range, as rollups.Sums
    readings: list[int]
    cost: list[Decimal | None]  # per range, the rule above
    currency: str | None  # the one currency of all priced ranges, else None
    interval_minutes: int
    last_reading_at: datetime | None
    parts: list[RangeCost] = field(default_factory=list)  # per range, to combine ranges
    estimated_kwh: list[Decimal] = field(default_factory=list)  # per range, as rollups.Sums


def one_currency(parts: Iterable[RangeCost]) -> str | None:
    currencies = {part.currency for part in parts if part.cost is not None}
    return currencies.pop() if len(currencies) == 1 else None


def split(
    lo: datetime, hi: datetime, prices: Sequence[PriceSegment]
) -> list[tuple[datetime, datetime, PriceSegment | None]]:
    """[lo, hi) as its pieces under one price segment, and the rest (None), in order."""
    result: list[tuple[datetime, datetime, PriceSegment | None]] = []
    at = lo
    for segment in prices:
        a, b = max(at, segment.lo), min(hi, segment.hi)
        if a >= b:
            continue
        if at < a:
            result.append((at, a, None))
        result.append((a, b, segment))
        at = b
    if at < hi:
        result.append((at, hi, None))
    return result


def priced_sums(
    device_id: uuid.UUID,
    ranges: list[tuple[datetime, datetime]],
    last_reading_in: tuple[datetime, datetime],
    owner_id: uuid.UUID | None = None,
) -> PricedSums:
    """kWh, readings and cost of the device in each [lo, hi) of ``ranges``: the tariff lookup
    and one rollup query. Also the device's interval and its latest reading in
    ``last_reading_in``; DeviceNotVisible as ``rollup_sums``."""
    chain = history(tariffs_for([device_id]), device_id)
    pieces: list[tuple[datetime, datetime]] = []
    owners: list[tuple[int, PriceSegment | None]] = []
    currencies: list[set[str]] = [set() for _ in ranges]
    for index, (lo, hi) in enumerate(ranges):
        for a, b, segment in split(lo, hi, segments(chain, lo, hi) if lo < hi else []):
            pieces.append((a, b))
            owners.append((index, segment))
            if segment is not None:
                currencies[index].add(segment.currency)
    sums = rollup_sums(device_id, pieces, last_reading_in, owner_id, hours_below=HOURS_BELOW)
    kwh = [Decimal(0)] * len(ranges)
    readings = [0] * len(ranges)
    estimated = [Decimal(0)] * len(ranges)
    cost = [Decimal(0)] * len(ranges)
    unpriced = [Decimal(0)] * len(ranges)
    with localcontext(prec=EXACT_DIGITS):
        for (index, segment), piece_kwh, piece_readings, piece_estimated in zip(
            owners, sums.kwh, sums.readings, sums.estimated_kwh, strict=True
        ):
            kwh[index] += piece_kwh
            readings[index] += piece_readings
            estimated[index] += piece_estimated
            if segment is None:
                unpriced[index] += piece_kwh
            else:
                cost[index] += piece_kwh * segment.price
    parts = [
        RangeCost(kwh[i], readings[i], cost[i], frozenset(currencies[i]), unpriced[i])
        for i in range(len(ranges))
    ]
    return PricedSums(
        kwh=kwh,
        readings=readings,
        cost=[part.cost for part in parts],
        currency=one_currency(parts),
        interval_minutes=sums.interval_minutes,
        last_reading_at=sums.last_reading_at,
        parts=parts,
        estimated_kwh=estimated,
    )
