"""`make bench`: the simulator's backfill rate against a bare pika publisher with confirms.

    python bench/simulator_backfill.py [--days 30] [--devices 1] [--rounds 3]

Each round backfills ``days`` of 10-minute readings with the real CLI (its own figure: from the
first connection attempt to the last confirm), then publishes the same messages from a bare pika
``BlockingConnection`` with ``confirm_delivery``, one by one (publish, wait for the confirm), same
properties, into the same kind of queue (durable, plain). Both run on private queues
``bench.<pid>.*``, deleted after each round. Prints both rates in readings/s, the median of the
rounds, and the ratio (target >= 0.7).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import pika

ROOT = Path(__file__).resolve().parent.parent
SIMULATOR = ROOT / "device_simulator" / "simulator.py"
sys.path[:0] = [str(SIMULATOR.parent), str(ROOT)]

from options import settings_from  # noqa: E402 (the simulator's own modules)
from readings import plan  # noqa: E402

from ems_common.messaging.connection import connection_parameters  # noqa: E402
from ems_common.settings import broker_config  # noqa: E402

DEVICE = "3f0c2b1e-8d1e-4a57-9a35-2b6c8f0b7a11"
FIRST_DAY = date(2025, 1, 1)
DONE = re.compile(r"done: (\d+) reading\(s\) confirmed in ([\d.]+) s")


def parameters() -> pika.ConnectionParameters:
    return connection_parameters(broker_config(), name="ems bench")


def simulator_args(config: Path, queue: str, days: int, devices: int) -> list[str]:
    broker = broker_config()
    last = FIRST_DAY + timedelta(days=days - 1)
    # The default exchange, straight to the queue: the same path as the bare pika publisher.
    args = ["--config", str(config), "--exchange", "", "--queue", queue, "--seed", "1",
            "--backfill-from", FIRST_DAY.isoformat(), "--backfill-to", last.isoformat(),
            "--rabbitmq-host", broker.host, "--rabbitmq-port", str(broker.port),
            "--rabbitmq-user", broker.user, "--rabbitmq-password", broker.password,
            "--rabbitmq-vhost", broker.vhost]  # fmt: skip
    return [*args, "--devices", str(devices)] if devices > 1 else [*args, "--device-id", DEVICE]


def simulator_rate(args: list[str]) -> tuple[int, float]:
    """(readings, readings/s) of one backfill by the CLI, as it reports them."""
    result = subprocess.run(
        [sys.executable, str(SIMULATOR), *args], capture_output=True, text=True, check=False
    )
    found = DONE.findall(result.stderr)
    if result.returncode != 0 or not found:
        raise SystemExit(f"bench: the simulator failed:\n{result.stderr[-2000:]}")
    count, seconds = int(found[-1][0]), float(found[-1][1])
    return count, count / seconds


def bare_rate(queue: str, messages: list[tuple[str, bytes]]) -> float:
    """readings/s of a BlockingConnection publishing each message and waiting for its confirm."""
    started = time.monotonic()
    connection = pika.BlockingConnection(parameters())
    channel = connection.channel()
    channel.queue_declare(queue, durable=True)
    channel.confirm_delivery()
    for message_id, body in messages:
        properties = pika.BasicProperties(
            content_type="application/json", delivery_mode=2, message_id=message_id
        )
        channel.basic_publish("", queue, body, properties, mandatory=True)
    connection.close()
    return len(messages) / (time.monotonic() - started)


def delete_queues(*queues: str) -> None:
    connection = pika.BlockingConnection(parameters())
    try:
        channel = connection.channel()
        for queue in queues:
            channel.queue_delete(queue)
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=30, help="days of 10-minute readings")
    parser.add_argument("--devices", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="rounds (median)")
    args = parser.parse_args(argv)

    run_id = os.getpid()
    sim_queue, bare_queue = f"bench.{run_id}.simulator", f"bench.{run_id}.bare"
    rounds: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.json"
        config.write_text(json.dumps({}))
        cli_args = simulator_args(config, sim_queue, args.days, args.devices)
        # The very messages the CLI sends (same seed, same plan), for the bare publisher.
        settings = settings_from(cli_args)
        messages = [(r.message_id, r.body) for _, r in plan(settings, time.time()).items]
        print(
            f"simulator backfill: {len(messages)} readings ({args.days} days x "
            f"{args.devices} device(s)), {args.rounds} rounds",
            flush=True,
        )
        try:
            for number in range(1, args.rounds + 1):
                count, simulator = simulator_rate(cli_args)
                assert count == len(messages), (count, len(messages))
                bare = bare_rate(bare_queue, messages)
                delete_queues(sim_queue, bare_queue)
                rounds.append((simulator, bare))
                print(
                    f"  round {number}: simulator {simulator:,.0f}/s, bare pika {bare:,.0f}/s, "
                    f"ratio {simulator / bare:.2f}",
                    flush=True,
                )
        finally:
            delete_queues(sim_queue, bare_queue)
    simulator = statistics.median(rate for rate, _ in rounds)
    bare = statistics.median(rate for _, rate in rounds)
    ratio = statistics.median(s / b for s, b in rounds)
    verdict = "meets" if ratio >= 0.7 else "misses"
    print(
        f"simulator backfill {simulator:,.0f} readings/s vs bare pika publisher with confirms "
        f"{bare:,.0f} readings/s: ratio {ratio:.2f} (median of {len(rounds)}; {verdict} >= 0.7)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
