from django.db import models
from django.utils import timezone

from ems_common.messaging.topology import SYNC_EXCHANGE


class OutboxEvent(models.Model):
    """One event to publish; the primary key is the envelope's ``event_id``."""

    id = models.UUIDField(primary_key=True)
    exchange = models.CharField(max_length=255, default=SYNC_EXCHANGE)
    routing_key = models.CharField(max_length=255)
    payload = models.JSONField(help_text="The whole envelope, as published.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The relay only ever scans unsent rows; keep that index small as sent rows pile up.
            models.Index(
                fields=["created_at", "id"],
                name="outbox_unsent_idx",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else "pending"
        return f"{self.routing_key} {self.id} ({state})"
