from django.db import models
from django.utils import timezone


class SyncedEntity(models.Model):
    """Base of a local copy of another service's entity, updated only by newer versions."""

    id = models.UUIDField(primary_key=True)
    version = models.PositiveBigIntegerField(default=0)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Tombstone(models.Model):
    """Remembers a deleted entity's version, so a late create or update cannot revive it."""

    entity = models.CharField(max_length=100, help_text="model label, e.g. devices.syncuser")
    entity_id = models.UUIDField()
    version = models.PositiveBigIntegerField()
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "entity_id"], name="inbox_tombstone_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.entity_id} deleted at v{self.version}"
