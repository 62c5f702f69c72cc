from datetime import UTC, date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ems_common.settings import add_env_option
from monitoring.ingestion.lifecycle import (
    DEFAULT_MONTHS_AHEAD,
    DEFAULT_RETENTION_DAYS,
    RETENTION_ENV,
    run_lifecycle,
)


class Command(BaseCommand):
    help = (
        "Raw readings' partitions: create this month's and the next ones, drop the months older "
        "than the retention (their totals stay in the hourly and daily rollups), rebuild the "
        "primary key of a month once it is over."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_env_option(
            parser,
            "--retention-days",
            RETENTION_ENV,
            DEFAULT_RETENTION_DAYS,
            "days raw readings are kept; 0 keeps all",
        )
        parser.add_argument(
            "--months-ahead",
            type=int,
            default=DEFAULT_MONTHS_AHEAD,
            help=f"months of partitions created after the current one (default "
            f"{DEFAULT_MONTHS_AHEAD})",
        )

        parser.add_argument(
            "--since",
            type=date.fromisoformat,
            help="also create the partitions of every month from this day's (YYYY-MM-DD), to"
            " load history",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = options["since"]
        report = run_lifecycle(
            days=options["retention_days"],
            months_ahead=options["months_ahead"],
            since=datetime(since.year, since.month, since.day, tzinfo=UTC) if since else None,
        )
        self.stdout.write(
            f"created {report.created or 'none'}; dropped {report.dropped or 'none'};"
            f" compacted {report.compacted or 'none'};"
            f" kept {len(report.kept)} partitions"
            + (f" ({report.kept[0]} .. {report.kept[-1]})" if report.kept else "")
        )
