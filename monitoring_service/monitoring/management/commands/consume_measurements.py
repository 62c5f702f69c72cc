import gc
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connections

from ems_common.messaging.consumer import ConsumerRunner
from ems_common.messaging.sync import with_fresh_db_connection
from ems_common.messaging.topology import DEVICE_DATA_QUEUE
from ems_common.settings import env, env_float, env_int
from monitoring.ingestion.consumer import handle_batch


class Command(BaseCommand):
    help = (
        "Store meter readings from device_data_queue in batches (hourly totals in the same "
        "transaction) until SIGTERM; bad readings go to <queue>.dlq with the reason."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--queue",
            default=env("EMS_MEASUREMENTS_QUEUE", DEVICE_DATA_QUEUE),
            help="queue to consume (env EMS_MEASUREMENTS_QUEUE, default device_data_queue)",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=env_int("EMS_MEASUREMENTS_BATCH_SIZE", 1000),
            help="most readings per transaction (env EMS_MEASUREMENTS_BATCH_SIZE, default 1000)",
        )
        parser.add_argument(
            "--max-wait",
            type=float,
            default=env_float("EMS_MEASUREMENTS_MAX_WAIT", 0.15),
            help="seconds a batch waits to fill (env EMS_MEASUREMENTS_MAX_WAIT, default 0.15)",
        )

        parser.add_argument(
            "--prefetch",
            type=int,
            default=env_int("EMS_MEASUREMENTS_PREFETCH", 0) or None,
            help="unacked readings in flight (env EMS_MEASUREMENTS_PREFETCH, default 3 batches:"
            " one being stored, one waiting, one arriving)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Django's start-up objects live as long as the process: keep the cyclic collector
        # from walking them again and again while batches allocate readings.
        gc.collect()
        gc.freeze()
        ConsumerRunner(
            options["queue"],
            # A connection broken while PostgreSQL was down is replaced before the retry.
            with_fresh_db_connection(handle_batch),
            batch_size=options["batch_size"],
            max_wait=options["max_wait"],
            prefetch=options["prefetch"],
            # The next batch arrives while this one waits on PostgreSQL.
            overlap=True,
            worker_teardown=connections.close_all,  # the handler thread's connection
        ).run()
