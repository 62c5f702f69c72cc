import gc
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from ems_common.messaging.consumer import ConsumerRunner
from ems_common.messaging.sync import with_fresh_db_connection
from ems_common.messaging.topology import DEVICE_DATA_QUEUE
from ems_common.settings import add_env_option
from monitoring.ingestion.consumer import handle_batch
from monitoring.ingestion.lifecycle import start_periodic


class Command(BaseCommand):
    help = (
        "Store meter readings from device_data_queue in batches (hourly totals in the same "
        "transaction) until SIGTERM; bad readings go to <queue>.dlq with the reason. Also keeps "
        "the raw readings' partitions (readings_lifecycle) every 6 hours."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_env_option(
            parser, "--queue", "EMS_MEASUREMENTS_QUEUE", DEVICE_DATA_QUEUE, "queue to consume"
        )
        add_env_option(
            parser,
            "--batch-size",
            "EMS_MEASUREMENTS_BATCH_SIZE",
            5000,
            "most readings per transaction",
        )
        add_env_option(
            parser, "--max-wait", "EMS_MEASUREMENTS_MAX_WAIT", 0.15, "seconds a batch waits to fill"
        )
        add_env_option(
            parser,
            "--prefetch",
            "EMS_MEASUREMENTS_PREFETCH",
            0,
            "unacked readings in flight (0: 3 batches: one stored, one waiting, one arriving)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Django's start-up objects live as long as the process: keep the cyclic collector
        # from walking them again and again while batches allocate readings.
        gc.collect()
        gc.freeze()
        # Raw readings' partitions created ahead and expired ones dropped, now and every 6 hours.
        start_periodic()
        ConsumerRunner(
            options["queue"],
            # A connection broken while PostgreSQL was down is replaced before the retry.
            with_fresh_db_connection(handle_batch),
            batch_size=options["batch_size"],
            max_wait=options["max_wait"],
            prefetch=options["prefetch"] or None,
            # The next batch arrives while this one waits on PostgreSQL.
            overlap=True,
            worker_teardown=connections.close_all,  # the handler thread's connection
        ).run()
