"""The raw readings' life: a partition per UTC month, created ahead, dropped whole when expired.

``monitoring_reading`` is partitioned by range of ``ts``, one partition per UTC calendar month,
named ``monitoring_reading_yYYYYmMM``. ``run_lifecycle`` (``manage.py readings_lifecycle``, and
``consume_measurements`` at start and every few hours) creates the current month's partition and
the next ones, and drops every partition whose whole month is older than the raw retention
(``EMS_RAW_RETENTION_DAYS``, default 400; 0 keeps every reading), and rebuilds the primary key
of a month once it is over (compact_closed). Nothing is lost with the dropped ones: the
hourly totals (with their quarter-hours) and the daily totals were added when each reading was
stored, and every view reads those.

A reading older than the retention is never stored (monitoring.ingestion.store dead-letters it):
its raw row may be gone, so ``ON CONFLICT DO NOTHING`` could not tell that it was counted already.
A reading in a month without its partition (the parser accepts 2000..2100) gets its partition
created on demand, then stored.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, connection, transaction

from ems_common.settings import env_int

log = logging.getLogger(__name__)

RETENTION_ENV = "EMS_RAW_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 400
DEFAULT_MONTHS_AHEAD = 2
CLOSED_AFTER = timedelta(days=1)  # a month's late readings mostly arrive within a day
COMPACTED = "compacted"
EVERY_SECONDS = 6 * 3600  # how often a long-running process runs the lifecycle
TABLE = "monitoring_reading"
NAME = re.compile(r"^monitoring_reading_y(\d{4})m(\d{2})$")
# One creator or dropper of partitions at a time (concurrent consumers, the command).
LOCK_KEY = 0x6D6F6E5F72617721  # "mon_raw!"

PARTITIONS_SQL = """
SELECT c.relname FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
WHERE i.inhparent = %s::regclass ORDER BY 1
"""


@dataclass(frozen=True)
class Partition:
    name: str
    lo: datetime  # UTC first of a month, included
    hi: datetime  # the next month's, excluded


@dataclass(frozen=True)
class LifecycleReport:
    created: list[str]
    dropped: list[str]
    compacted: list[str]  # primary keys rebuilt (compact_closed)
    kept: list[str]  # every partition after the run, oldest first


def retention_days() -> int:
    """Days raw readings are kept (``EMS_RAW_RETENTION_DAYS``); 0: forever."""
    return env_int(RETENTION_ENV, DEFAULT_RETENTION_DAYS)


def raw_cutoff(now: datetime | None = None, days: int | None = None) -> datetime | None:
    """Readings before this instant are expired (None: the retention keeps every reading)."""
    days = retention_days() if days is None else days
    if days <= 0:
        return None
    return (now or datetime.now(UTC)) - timedelta(days=days)


def month_of(ts: datetime) -> datetime:
    utc = ts.astimezone(UTC)
    return utc.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month(month: datetime) -> datetime:
    return (month + timedelta(days=32)).replace(day=1)


def partition_of(month: datetime) -> Partition:
    return Partition(f"{TABLE}_y{month.year:04d}m{month.month:02d}", month, next_month(month))


def partitions() -> list[Partition]:
    """The monthly partitions of the raw readings, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(PARTITIONS_SQL, [TABLE])
        names = [name for (name,) in cursor.fetchall()]
    found = []
    for name in names:
        match = NAME.match(name)
        if match:
            found.append(partition_of(datetime(int(match[1]), int(match[2]), 1, tzinfo=UTC)))
    return found


def ensure_partitions(instants: Iterable[datetime]) -> list[str]:
    """Create the partitions of the months of ``instants`` that do not exist; their names."""
    months = sorted({month_of(ts) for ts in instants})
    created = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        existing = {p.name for p in partitions()}
        for month in months:
            part = partition_of(month)
            if part.name in existing:
                continue
            # Names and bounds are ours (a fixed pattern, ISO instants): nothing to quote.
            cursor.execute(
                f"CREATE TABLE {part.name} PARTITION OF {TABLE}"
                f" FOR VALUES FROM ('{part.lo.isoformat()}') TO ('{part.hi.isoformat()}')"
            )
            created.append(part.name)
    return created


def drop_expired(now: datetime | None = None, days: int | None = None) -> list[str]:
    """Drop the partitions whose whole month is before the retention's cutoff; their names."""
    cutoff = raw_cutoff(now, days)
    if cutoff is None:
        return []
    dropped = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        for part in partitions():
            if part.hi <= cutoff:
                cursor.execute(f"DROP TABLE {part.name}")
                dropped.append(part.name)
    return dropped


def compact_closed(now: datetime | None = None) -> list[str]:
    """Rebuild the primary key of every partition whose month ended more than a day ago, once
    (marked by a comment on the index); their names. An empty one waits (history to load).

    While a month fills, each device appends inside its own key range, so the B-tree's pages
    split in half and stay about two-thirds full; rebuilt, they are 90 % full (about 12 B less
    per reading). ``REINDEX ... CONCURRENTLY`` lets the ingestion go on meanwhile, and cannot run
    inside a transaction: inside one, nothing is done.
    """
    if connection.in_atomic_block:
        return []
    closed_before = (now or datetime.now(UTC)) - CLOSED_AFTER
    compacted = []
    with connection.cursor() as cursor:
        for part in partitions():
            if part.hi > closed_before:
                continue
            index = f"{part.name}_pkey"
            cursor.execute(
                "SELECT obj_description(%s::regclass, 'pg_class'),"
                f" EXISTS (SELECT FROM {part.name})",
                [index],
            )
            row = cursor.fetchone()
            if row is None or row[0] == COMPACTED or not row[1]:  # done, or nothing yet (history)
                continue
            cursor.execute(f"REINDEX INDEX CONCURRENTLY {index}")
            cursor.execute(f"COMMENT ON INDEX {index} IS '{COMPACTED}'")
            compacted.append(part.name)
    return compacted


def run_lifecycle(
    now: datetime | None = None,
    days: int | None = None,
    months_ahead: int = DEFAULT_MONTHS_AHEAD,
    since: datetime | None = None,
) -> LifecycleReport:
    """Partitions for this month and ``months_ahead`` more (and every month from ``since``, to
    load history); the expired ones dropped."""
    month = month_of(now or datetime.now(UTC))
    months = [month_of(since)] if since is not None and since < month else [month]
    while months[-1] < month:
        months.append(next_month(months[-1]))
    for _ in range(months_ahead):
        months.append(next_month(months[-1]))
    created = ensure_partitions(months)
    dropped = drop_expired(now, days)
    compacted = compact_closed(now)
    return LifecycleReport(created, dropped, compacted, [p.name for p in partitions()])


def is_missing_partition(exc: IntegrityError) -> bool:
    """The insert failed because no partition holds one of its rows (SQLSTATE 23514)."""
    return "no partition of relation" in str(exc)


def start_periodic(every: float = EVERY_SECONDS) -> threading.Thread:
    """Run the lifecycle now and every ``every`` seconds in a daemon thread (its own database
    connection, closed after each run); a failed run is logged and tried again next time."""

    def loop() -> None:
        while True:
            try:
                report = run_lifecycle()
                if report.created or report.dropped or report.compacted:
                    log.info(
                        "raw readings: created %s, dropped %s, compacted %s",
                        report.created,
                        report.dropped,
                        report.compacted,
                    )
            except Exception:
                log.exception("raw readings' lifecycle failed; next try in %.0f s", every)
            finally:
                connection.close()
            time.sleep(every)

    thread = threading.Thread(target=loop, name="readings-lifecycle", daemon=True)
    thread.start()
    return thread
