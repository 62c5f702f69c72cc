"""The outbox relay loop behind ``manage.py relay_outbox``."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import timedelta
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import InterfaceError, OperationalError
from psycopg import sql

from ems_common.messaging.connection import Backoff, describe_error
from ems_common.messaging.publisher import Publisher, PublishError
from ems_common.messaging.sync import close_broken_connections
from ems_common.messaging.topology import declare_topology
from ems_common.outbox.services import NOTIFY_CHANNEL, prune_sent, relay_pending
from ems_common.settings import BrokerConfig, env_int

log = logging.getLogger(__name__)

STOP_CHECK_SECONDS = 0.5
PRUNE_EVERY_SECONDS = 3600.0


class RelayFailed(Exception):
    """``run(once=True)`` met a broker or database error."""


class OutboxRelay:
    """Publishes pending outbox rows; wakes on ``NOTIFY ems_outbox`` and polls as a fallback."""

    def __init__(
        self,
        *,
        batch_size: int = 100,
        poll_interval: float = 1.0,
        max_delay: float = 30.0,
        config: BrokerConfig | None = None,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_delay = max_delay
        self.using = using
        self.publisher = Publisher(config, declare=declare_topology, name="ems outbox relay")
        # Sent events are kept this many days (EMS_OUTBOX_RETENTION_DAYS; 0 keeps them all).
        self.retention_days = env_int("EMS_OUTBOX_RETENTION_DAYS", 7)
        self._next_prune = 0.0
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def run(self, *, once: bool = False) -> int:
        """Relay until stop(); with ``once``, until nothing is pending. Returns events sent."""
        listener = NotifyListener(connections[self.using].settings_dict, NOTIFY_CHANNEL)
        backoff = Backoff(maximum=self.max_delay)
        total = 0
        try:
            if not once:
                listener.listen()  # before the first scan, so no commit slips between the two
            while not self._stop.is_set():
                close_broken_connections()
                try:
                    count = relay_pending(self.publisher, self.batch_size, using=self.using)
                except (PublishError, OperationalError, InterfaceError) as exc:
                    if once:
                        raise RelayFailed(describe_error(exc)) from exc
                    delay = backoff.next_delay()
                    log.warning("outbox relay: %s; retrying in %.1fs", describe_error(exc), delay)
                    self._stop.wait(delay)
                    continue
                backoff.reset()
                total += count
                if count:
                    log.info("outbox relay published %d event(s)", count)
                if count == self.batch_size:
                    continue  # more may be waiting
                if once:
                    break
                self._prune_now_and_then()
                self.publisher.process_events()  # heartbeats of an idle connection
                listener.wait(self.poll_interval, self._stop)
        finally:
            listener.close()
            self.publisher.close()
        return total

    def _prune_now_and_then(self) -> None:
        if self.retention_days <= 0 or time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        try:
            pruned = prune_sent(timedelta(days=self.retention_days), using=self.using)
        except (OperationalError, InterfaceError) as exc:
            log.warning("outbox relay: pruning sent events failed: %s", describe_error(exc))
            return
        if pruned:
            log.info(
                "outbox relay pruned %d event(s) sent over %d days ago", pruned, self.retention_days
            )


class NotifyListener:
    """A separate autocommit psycopg connection LISTENing on one channel."""

    def __init__(self, settings_dict: dict[str, Any], channel: str) -> None:
        self.channel = channel
        self.params = {
            "dbname": settings_dict["NAME"],
            "user": settings_dict.get("USER") or None,
            "password": settings_dict.get("PASSWORD") or None,
            "host": settings_dict.get("HOST") or None,
            "port": settings_dict.get("PORT") or None,
            "connect_timeout": settings_dict.get("OPTIONS", {}).get("connect_timeout", 5),
            "application_name": "ems outbox relay listener",
        }
        self._conn: psycopg.Connection[Any] | None = None

    def listen(self) -> None:
        if self._conn is None:
            try:
                self._conn = psycopg.connect(**self.params, autocommit=True)
                self._conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            except psycopg.Error as exc:
                self.close()
                log.warning("outbox relay cannot LISTEN (%s); polling only", describe_error(exc))

    def wait(self, timeout: float, stop: threading.Event) -> bool:
        """True when notified within ``timeout``; False on timeout or stop.

        Sleeps the timeout when LISTEN is unavailable (the caller then simply polls).
        """
        self.listen()
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self._conn is None:
                stop.wait(remaining)
                return False
            # Short slices, so stop() is noticed even with a long poll interval.
            if self._notified(min(remaining, STOP_CHECK_SECONDS)):
                return True
        return False

    def _notified(self, timeout: float) -> bool:
        assert self._conn is not None
        try:
            if not any(True for _ in self._conn.notifies(timeout=timeout, stop_after=1)):
                return False
            # Many commits send many notifications; one scan covers them all.
            for _ in self._conn.notifies(timeout=0):
                pass
            return True
        except psycopg.Error as exc:
            log.warning("outbox relay lost its LISTEN connection: %s", describe_error(exc))
            self.close()
            return False

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None
