from django.db import models


class SyncedEntity(models.Model):
    """A local copy of another service's entity, at the version of the last event applied."""

    id = models.UUIDField(primary_key=True)
    version = models.PositiveBigIntegerField(default=0)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
