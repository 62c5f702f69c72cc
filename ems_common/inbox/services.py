"""Applying synced events: a version not newer than what is stored changes nothing.

Both functions take a transaction-scoped advisory lock on (entity, id), so two consumers that
race on the same entity (even one that does not exist yet) apply their events one after another.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from ems_common.inbox.models import SyncedEntity, Tombstone


def apply_upsert(
    model: type[SyncedEntity], entity_id: uuid.UUID, version: int, fields: dict[str, Any]
) -> bool:
    """Create or update the row with ``fields`` at ``version``; False if it is not newer."""
    with _locked(model, entity_id) as (using, entity, tombstone):
        if tombstone is not None and tombstone >= version:
            return False
        row = model._default_manager.using(using).filter(pk=entity_id).first()
        if row is not None and row.version >= version:
            return False
        created = row is None
        if row is None:
            row = model(id=entity_id)
        for name, value in fields.items():
            setattr(row, name, value)
        row.version = version
        row.save(using=using, force_insert=created)
        if tombstone is not None:
            # A version newer than the deletion brought the entity back.
            Tombstone.objects.using(using).filter(entity=entity, entity_id=entity_id).delete()
        return True


def apply_delete(model: type[SyncedEntity], entity_id: uuid.UUID, version: int) -> bool:
    """Delete the row and keep a tombstone at ``version``; False if it is not newer."""
    with _locked(model, entity_id) as (using, entity, tombstone):
        if tombstone is not None and tombstone >= version:
            return False
        rows = model._default_manager.using(using).filter(pk=entity_id)
        current = rows.values_list("version", flat=True).first()
        if current is not None and current >= version:
            return False
        rows.delete()
        Tombstone.objects.using(using).update_or_create(
            entity=entity,
            entity_id=entity_id,
            defaults={"version": version, "deleted_at": timezone.now()},
        )
        return True


@contextmanager
def _locked(
    model: type[SyncedEntity], entity_id: uuid.UUID
) -> Iterator[tuple[str, str, int | None]]:
    """A transaction holding the (entity, id) lock: its database, entity, tombstone version."""
    using = router.db_for_write(model)
    entity = model._meta.label_lower
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{entity}:{entity_id}"]
            )
        yield using, entity, _tombstone_version(using, entity, entity_id)


def _tombstone_version(using: str, entity: str, entity_id: uuid.UUID) -> int | None:
    return (
        Tombstone.objects.using(using)
        .filter(entity=entity, entity_id=entity_id)
        .values_list("version", flat=True)
        .first()
    )
