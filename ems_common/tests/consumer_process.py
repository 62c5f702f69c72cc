"""A consumer in its own process, for the SIGTERM test: prints each message it handles."""

import sys
import time

from ems_common.messaging.consumer import ConsumerRunner, Message


def handle(batch: list[Message]) -> None:
    print("handled", batch[0].body.decode(), flush=True)
    time.sleep(0.3)  # long enough for the test's SIGTERM to land mid-message


if __name__ == "__main__":
    ConsumerRunner(sys.argv[1], handle, declare=None).run()
