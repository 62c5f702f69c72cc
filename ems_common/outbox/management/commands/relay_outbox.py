import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
        previous: dict[signal.Signals, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, lambda _signum, _frame: relay.stop())
        try:
            sent = relay.run(once=options["once"])
        except RelayFailed as exc:
            raise CommandError(f"outbox relay failed: {exc}") from exc
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if options["once"]:
            self.stdout.write(f"published {sent} event(s)")
