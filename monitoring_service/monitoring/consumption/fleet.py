"""The fleet on one local day, for admins: its total, devices over their maximum, silent meters
and the biggest consumers — one SQL statement, whatever the number of devices.

- kWh of a device for the local day come from its UTC-hour totals inside the day, plus its
  quarter-hours in the partial hours at the day's edges (zones at :30 or :45 offsets;
  monitoring.consumption.rollups.pieces): a reading counts in the day holding its instant, as
  everywhere else.
- ``hours_over``: the device's UTC hours inside the local day whose total is above its
  ``max_hourly_consumption_kwh`` (the hours alerts are raised for).
- silent: the device's latest reading (ever) is more than 3 of its reading intervals before
  now; a device that never sent a reading is silent too, with ``last_reading_at`` None. Silence
  is about now, not about the day asked for.
- top: the 10 devices with the most kWh that day (ties by name), devices with 0 kWh left out.
- costs (monitoring.consumption.costs' rule, per top device and for the whole fleet): the devices
  are grouped by the tariff history that applies to them (each device with tariffs of its own
  is its own group, every other device is in the default group); each group's price segments
  of the day become hour, quarter-hour and raw pieces, priced in a second statement, whatever
  the number of devices. Two currencies across the fleet make its total null.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, localcontext
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from monitoring.consumption.costs import EXACT_DIGITS, RangeCost, combined
from monitoring.consumption.local_days import day_start
from monitoring.consumption.rollups import pieces
from monitoring.tariffs.pricing import history, segments, tariffs_for

TOP_COUNT = 10
SILENT_AFTER_INTERVALS = 3

# Every device's UTC hours of the day: one range scan of the hour_start index, and so the
# quarter-hours of the edges (zones at :30/:45 only); raw readings (a bound that is not a whole
# quarter-hour, none for a local day): one primary key range scan per device and edge, forced by
# the LATERAL aggregate; each device's latest reading: its latest hour's ``last_ts``, one backward
# probe of the hourly primary key (it outlives the raw readings).
FLEET_SQL = """
WITH devices AS (
    SELECT id, key, name, max_hourly_consumption_kwh AS max_kwh, reading_interval_minutes
    FROM monitoring_device
), parts AS (
    SELECT h.device_id AS id, sum(h.kwh) AS kwh,
           count(*) FILTER (WHERE h.kwh > d.max_kwh) AS hours_over
    FROM unnest(%(hour_lo)s::timestamptz[], %(hour_hi)s::timestamptz[]) AS p(lo, hi)
    CROSS JOIN LATERAL (
        SELECT device_id, kwh FROM monitoring_hourly_consumption
        WHERE hour_start >= p.lo AND hour_start < p.hi
    ) AS h
    JOIN devices AS d ON d.id = h.device_id
    GROUP BY h.device_id
    UNION ALL
    SELECT q.device_id, sum(q.kwh), 0
    FROM unnest(%(quarter_lo)s::timestamptz[], %(quarter_hi)s::timestamptz[]) AS p(lo, hi)
    CROSS JOIN LATERAL (
        SELECT device_id, kwh FROM monitoring_quarter_consumption
        WHERE hour_start > p.lo - INTERVAL '1 hour' AND hour_start < p.hi
          AND quarter_start >= p.lo AND quarter_start < p.hi
    ) AS q
    JOIN devices AS d ON d.id = q.device_id
    GROUP BY q.device_id
    UNION ALL
    SELECT d.id, s.kwh, 0
    FROM devices AS d
    CROSS JOIN unnest(%(raw_lo)s::timestamptz[], %(raw_hi)s::timestamptz[]) AS p(lo, hi)
    CROSS JOIN LATERAL (
        SELECT sum(r.value) * 0.000001 AS kwh
        FROM monitoring_reading AS r
        WHERE r.device_key = d.key AND r.ts >= p.lo AND r.ts < p.hi
    ) AS s
), per_device AS (
    SELECT id, coalesce(sum(kwh), 0) AS kwh, sum(hours_over)::int AS hours_over
    FROM parts GROUP BY id
), latest AS (
    SELECT d.id, d.name, l.ts
    FROM devices AS d
    LEFT JOIN LATERAL (
        SELECT last_ts AS ts FROM monitoring_hourly_consumption
        WHERE device_id = d.id ORDER BY hour_start DESC LIMIT 1
    ) AS l ON true
    WHERE l.ts IS NULL
       OR l.ts < %(now)s - d.reading_interval_minutes * %(silent_after)s * INTERVAL '1 minute'
)
SELECT
    (SELECT count(*) FROM devices),
    (SELECT coalesce(sum(kwh), 0) FROM per_device),
    (SELECT coalesce(json_agg(json_build_array(p.id, d.name, p.hours_over)
                              ORDER BY p.hours_over DESC, d.name, p.id), '[]')
     FROM per_device AS p JOIN devices AS d USING (id) WHERE p.hours_over > 0),
    (SELECT coalesce(json_agg(json_build_array(id, name, ts) ORDER BY ts NULLS FIRST, name, id),
                     '[]')
     FROM latest),
    (SELECT coalesce(json_agg(json_build_array(id, name, kwh::text) ORDER BY kwh DESC, name, id),
                     '[]')
     FROM (SELECT p.id, d.name, p.kwh FROM per_device AS p JOIN devices AS d USING (id)
           WHERE p.kwh > 0 ORDER BY p.kwh DESC, d.name, p.id LIMIT %(top)s) AS top)
"""


# Each priced piece: a range of hours or of quarter-hours (every device's rows of those hours, one
# range scan of the hour_start index) or, at a bound that is not a whole quarter-hour, of raw
# readings (one primary key range scan per device); ``device`` NULL: the default group (the
# devices not in %(own)s).
# Summed per device only for the top devices (%(top)s), and per currency for the whole fleet (the
# rows with device_id NULL): a fleet of 100,000 devices is a few rows, not 100,000 to add up in
# Python.
COST_SQL = """
WITH p AS (
    SELECT * FROM unnest(%(lo)s::timestamptz[], %(hi)s::timestamptz[], %(device)s::uuid[],
                         %(price)s::numeric[], %(currency)s::text[], %(kind)s::text[])
        AS p(lo, hi, device, price, currency, kind)
), priced AS (
    SELECT h.device_id, p.currency, h.kwh, p.price
    FROM (SELECT * FROM p WHERE kind = 'hour') AS p CROSS JOIN LATERAL (
        SELECT device_id, kwh FROM monitoring_hourly_consumption
        WHERE hour_start >= p.lo AND hour_start < p.hi
          AND (p.device IS NULL OR device_id = p.device)
    ) AS h
    WHERE p.device IS NOT NULL OR h.device_id <> ALL(%(own)s::uuid[])
    UNION ALL
    SELECT q.device_id, p.currency, q.kwh, p.price
    FROM (SELECT * FROM p WHERE kind = 'quarter') AS p CROSS JOIN LATERAL (
        SELECT device_id, kwh FROM monitoring_quarter_consumption
        WHERE hour_start > p.lo - INTERVAL '1 hour' AND hour_start < p.hi
          AND quarter_start >= p.lo AND quarter_start < p.hi
          AND (p.device IS NULL OR device_id = p.device)
    ) AS q
    WHERE p.device IS NOT NULL OR q.device_id <> ALL(%(own)s::uuid[])
    UNION ALL
    SELECT d.id, p.currency, s.kwh, p.price
    FROM (SELECT * FROM p WHERE kind = 'raw') AS p
    JOIN monitoring_device AS d
      ON (p.device IS NULL AND d.id <> ALL(%(own)s::uuid[])) OR d.id = p.device
    CROSS JOIN LATERAL (
        SELECT sum(r.value) * 0.000001 AS kwh FROM monitoring_reading AS r
        WHERE r.device_key = d.key AND r.ts >= p.lo AND r.ts < p.hi
    ) AS s
)
SELECT device_id, currency, sum(kwh), sum(kwh * price)
FROM priced WHERE kwh IS NOT NULL AND device_id = ANY(%(top)s::uuid[]) GROUP BY device_id, currency
UNION ALL
SELECT NULL, currency, sum(kwh), sum(kwh * price)
FROM priced WHERE kwh IS NOT NULL GROUP BY currency
"""


@dataclass(frozen=True)
class OverMax:
    device_id: uuid.UUID
    name: str
    hours_over: int


@dataclass(frozen=True)
class Silent:
    device_id: uuid.UUID
    name: str
    last_reading_at: datetime | None  # UTC


@dataclass(frozen=True)
class TopConsumer:
    device_id: uuid.UUID
    name: str
    kwh: Decimal
    cost: Decimal | None = None


@dataclass(frozen=True)
class FleetDay:
    devices: int
    total: Decimal
    over_max: list[OverMax]
    silent: list[Silent]
    top: list[TopConsumer]
    total_cost: Decimal | None = None
    currency: str | None = None


def fleet_day(day: date, zone: ZoneInfo, now: datetime | None = None) -> FleetDay:
    """Every device on the local ``day`` (see the module's docstring for the definitions)."""
    start, end = day_start(day, zone), day_start(day + timedelta(days=1), zone)
    ranges: dict[str, list[datetime]] = {
        f"{table}_{end}": [] for table in ("hour", "quarter", "raw") for end in ("lo", "hi")
    }
    for piece in pieces(start, end, days=False):  # hours_over needs the hours anyway
        ranges[f"{piece.table}_lo"].append(piece.lo)
        ranges[f"{piece.table}_hi"].append(piece.hi)
    params: dict[str, Any] = {
        **ranges,
        "now": now or datetime.now(UTC),
        "silent_after": SILENT_AFTER_INTERVALS,
        "top": TOP_COUNT,
    }
    with connection.cursor() as cursor:
        cursor.execute(FLEET_SQL, params)
        devices, total, over, silent, top = cursor.fetchone()
    top_rows = [(uuid.UUID(i), name, Decimal(kwh)) for i, name, kwh in loaded(top)]
    costs = FleetCosts(start, end, [device_id for device_id, _, _ in top_rows])
    top_consumers = [
        TopConsumer(device_id, name, kwh, costs.of(device_id, kwh).cost)
        for device_id, name, kwh in top_rows
    ]
    fleet = costs.fleet(total, devices)
    return FleetDay(
        devices=devices,
        total=total,
        over_max=[OverMax(uuid.UUID(i), name, n) for i, name, n in loaded(over)],
        silent=[Silent(uuid.UUID(i), name, instant(ts)) for i, name, ts in loaded(silent)],
        top=top_consumers,
        total_cost=fleet.cost,
        currency=fleet.currency,
    )


class FleetCosts:
    """The priced kWh and costs over [start, end) of the ``top`` devices and of the whole fleet:
    the tariffs (two queries) and one statement (COST_SQL)."""

    def __init__(self, start: datetime, end: datetime, top: list[uuid.UUID]) -> None:
        tariffs = tariffs_for(None)
        self.own = sorted({t.device_id for t in tariffs if t.device_id is not None})
        self.currencies: dict[uuid.UUID | None, frozenset[str]] = {}
        columns: dict[str, list[Any]] = {
            "lo": [], "hi": [], "device": [], "price": [], "currency": [], "kind": [],
        }  # fmt: skip
        for group in [None, *self.own]:
            prices = segments(history(tariffs, group), start, end)
            self.currencies[group] = frozenset(segment.currency for segment in prices)
            for segment in prices:
                for piece in pieces(segment.lo, segment.hi, days=False):
                    columns["lo"].append(piece.lo)
                    columns["hi"].append(piece.hi)
                    columns["device"].append(group)
                    columns["price"].append(segment.price)
                    columns["currency"].append(segment.currency)
                    columns["kind"].append(piece.table)
        # By device (the top's), and None: the fleet's, per currency.
        self.priced: dict[uuid.UUID | None, list[tuple[str, Decimal, Decimal]]] = {}
        if columns["lo"]:
            with connection.cursor() as cursor:
                cursor.execute(COST_SQL, {**columns, "own": self.own, "top": top})
                for device_id, currency, kwh, cost in cursor.fetchall():
                    self.priced.setdefault(device_id, []).append((currency, kwh, cost))

    def of(self, device_id: uuid.UUID, kwh: Decimal) -> RangeCost:
        """The device's cost for the day, its kWh being ``kwh``."""
        group = device_id if device_id in self.currencies else None
        rows = self.priced.get(device_id, [])
        with localcontext(prec=EXACT_DIGITS):
            priced_kwh = sum((row[1] for row in rows), Decimal(0))
            return RangeCost(
                kwh=kwh,
                priced_cost=sum((row[2] for row in rows), Decimal(0)),
                currencies=self.currencies[group],
                unpriced_kwh=kwh - priced_kwh,
            )

    def fleet(self, total: Decimal, devices: int) -> RangeCost:
        """The fleet's cost for the day, its kWh being ``total``."""
        parts = [
            RangeCost(kwh, 0, cost, frozenset([currency]))
            for currency, kwh, cost in self.priced.get(None, [])
        ]
        priced = combined(parts)
        groups = [*self.own, None] if devices > len(self.own) else list(self.own)
        currencies = frozenset().union(*(self.currencies[group] for group in groups))
        with localcontext(prec=EXACT_DIGITS):
            unpriced = total - priced.kwh
        return RangeCost(total, 0, priced.priced_cost, currencies, unpriced)


def loaded(value: Any) -> list[list[Any]]:
    """A json_agg result: psycopg decodes json itself; text if the column came as text."""
    rows: list[list[Any]] = json.loads(value) if isinstance(value, str) else value
    return rows


def instant(value: object) -> datetime | None:
    if value is None:
        return None
    ts = datetime.fromisoformat(str(value))
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)
