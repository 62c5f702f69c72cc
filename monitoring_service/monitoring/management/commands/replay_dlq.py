from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ems_common.messaging.topology import DEVICE_DATA_QUEUE, dlq_name
from ems_common.settings import add_env_option
from monitoring.ingestion.dlq import replay_dead_letters


class Command(BaseCommand):
    help = "Move dead-lettered readings from <queue>.dlq back to <queue> (all, or --limit N)."

    def add_arguments(self, parser: CommandParser) -> None:
        what = "the queue whose dead letters to replay"
        add_env_option(parser, "--queue", "EMS_MEASUREMENTS_QUEUE", DEVICE_DATA_QUEUE, what)
        parser.add_argument("--limit", type=int, default=None, help="move at most N messages")

    def handle(self, *args: Any, **options: Any) -> None:
        queue = options["queue"]
        moved = replay_dead_letters(queue, limit=options["limit"])
        self.stdout.write(f"moved {moved} message(s) from {dlq_name(queue)} to {queue}")
