from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ems_common.messaging.signals import stop_on_signals
from ems_common.outbox.relay import OutboxRelay, RelayFailed


class Command(BaseCommand):
    help = "Publish outbox events to RabbitMQ (ems.sync) with confirms; runs until SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="publish what is pending, then exit"
        )
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument(
            "--poll", type=float, default=1.0, help="seconds between scans without a NOTIFY"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        relay = OutboxRelay(batch_size=options["batch_size"], poll_interval=options["poll"])
        try:
            with stop_on_signals(relay.stop, "outbox relay"):
                sent = relay.run(once=options["once"])
        except RelayFailed as exc:
            raise CommandError(f"outbox relay failed: {exc}") from exc
        if options["once"]:
            self.stdout.write(f"published {sent} event(s)")
