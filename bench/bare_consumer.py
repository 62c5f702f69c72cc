"""The fastest a Python pika consumer drains a queue: receive, count, ack in batches; store nothing.

    python bench/bare_consumer.py QUEUE N [--prefetch 2000] [--ack-every 1000]

Exits once N messages are received and acked. Same prefetch and batch acks as
consume_measurements, so the difference is what storing costs.
"""

from __future__ import annotations

import argparse
import sys

from bench_env import broker


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("queue")
    parser.add_argument("count", type=int)
    parser.add_argument("--prefetch", type=int, default=2000)
    parser.add_argument("--ack-every", type=int, default=1000)
    args = parser.parse_args()
    connection = broker()
    channel = connection.channel()
    channel.basic_qos(prefetch_count=args.prefetch)
    deliveries = channel.consume(args.queue, inactivity_timeout=30)
    for received, (method, _properties, _body) in enumerate(deliveries, start=1):
        if method is None:
            print("bare consumer: no message for 30 s", file=sys.stderr)
            return 1
        if received % args.ack_every == 0 or received == args.count:
            channel.basic_ack(method.delivery_tag, multiple=True)
        if received == args.count:
            break
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
