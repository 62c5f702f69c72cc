from typing import Any

from django.core.management.base import BaseCommand

from ems_common.messaging.sync import run_event_consumer
from ems_common.messaging.topology import sync_queue
from monitoring.sync.consumers import SYNC_SERVICE, handle_event


class Command(BaseCommand):
    help = "Apply user.* and device.* events from sync_queue.monitoring_service until SIGTERM."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue", default=sync_queue(SYNC_SERVICE), help="queue to consume")

    def handle(self, *args: Any, **options: Any) -> None:
        run_event_consumer(options["queue"], handle_event)
