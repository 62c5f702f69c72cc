"""Writing events to the outbox, and relaying pending ones to RabbitMQ."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from ems_common.contracts import Event
from ems_common.events import encode_envelope, make_envelope
from ems_common.messaging.publisher import MessageUnroutable, Publisher, PublishError
from ems_common.outbox.models import OutboxEvent
from ems_common.settings import service_module

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "ems_outbox"


def default_source() -> str:
    """This service's name in envelopes, e.g. ``auth_service`` for EMS_SERVICE=auth."""
    return service_module(settings.EMS_SERVICE)


def publish_event(
    event: Event,
    *,
    version: int,
    source: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> OutboxEvent:
    """Queue ``event`` (on its type's exchange) in the caller's transaction; published after commit.

    Must run inside ``transaction.atomic()`` together with the change it announces, so that
    either both are stored or neither is.
    """
    [row] = publish_events([(event, version)], source=source, using=using)
    return row


def publish_events(
    events: Iterable[tuple[Event, int]],
    *,
    source: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> list[OutboxEvent]:
    """``publish_event`` for many ``(event, version)`` at once: one INSERT, one NOTIFY."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "publish_event() must run inside transaction.atomic(), with the change it announces"
        )
    source = source or default_source()
    rows = []
    for event, version in events:
        envelope = make_envelope(event.type, event.data(), version=version, source=source)
        rows.append(
            OutboxEvent(
                id=uuid.UUID(envelope["event_id"]),
                exchange=event.exchange,
                routing_key=event.type,
                payload=envelope,
            )
        )
    if not rows:
        return []
    created = OutboxEvent.objects.using(using).bulk_create(rows)
    # Delivered on commit only (dropped on rollback): exactly when the relay should wake.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, '')", [NOTIFY_CHANNEL])
    return created


def relay_pending(publisher: Publisher, limit: int = 100, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Publish up to ``limit`` unsent events, oldest first; returns how many were marked sent.

    Rows are locked with ``FOR UPDATE SKIP LOCKED``, so relays running at once take different
    rows. When the broker fails, the rows published so far are marked sent, the failing row
    records the error, and the ``PublishError`` is re-raised: nothing is dropped.
    """
    failure: PublishError | None = None
    done: list[OutboxEvent] = []
    with transaction.atomic(using=using):
        rows = list(
            OutboxEvent.objects.using(using)
            .select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .order_by("created_at", "id")[:limit]
        )
        for row in rows:
            row.attempts += 1
            try:
                publisher.publish(
                    row.exchange,
                    row.routing_key,
                    encode_envelope(row.payload),
                    message_id=str(row.id),
                )
            except MessageUnroutable as exc:
                # Confirmed but no queue subscribes to this type: retrying cannot change that.
                log.warning("outbox event %s had no subscriber: %s", row.id, exc)
                row.last_error = str(exc)
            except PublishError as exc:
                row.last_error = str(exc)
                row.save(using=using, update_fields=["attempts", "last_error"])
                failure = exc
                break
            row.sent_at = timezone.now()
            done.append(row)
        OutboxEvent.objects.using(using).bulk_update(done, ["sent_at", "attempts", "last_error"])
    if failure is not None:
        raise failure
    return len(done)


def prune_sent(retention: timedelta, *, chunk: int = 10_000, using: str = DEFAULT_DB_ALIAS) -> int:
    """Delete events sent longer than ``retention`` ago, in chunks; returns how many.

    Sent rows are only a record of what went out; without this the table grows forever.
    Unsent rows are never touched, however old.
    """
    cutoff = timezone.now() - retention
    deleted = 0
    while True:
        ids = list(
            OutboxEvent.objects.using(using)
            .filter(sent_at__lt=cutoff)
            .values_list("id", flat=True)[:chunk]
        )
        if not ids:
            return deleted
        deleted += OutboxEvent.objects.using(using).filter(id__in=ids).delete()[0]
