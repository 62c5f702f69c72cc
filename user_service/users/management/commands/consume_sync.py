"""Apply user.* events from sync_queue.user_service until SIGTERM."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from users.consumers import user_event_consumer


class Command(BaseCommand):
    help = "Consume user.created / user.updated / user.deleted into local profiles."

    def handle(self, *args: Any, **options: Any) -> None:
        user_event_consumer().run()
