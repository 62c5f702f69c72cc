"""`make bench`: measurements ingestion and the hourly API, on private data; prints figures.

    python bench/run.py [--readings 100000] [--devices 1000] [--skip-api] [--skip-ingestion]
    python bench/run.py --periods [--cold-samples 20]   # the period and fleet views alone
    python bench/run.py --export                        # the all-device CSV export alone

Ingestion: N readings published into a private queue, time until all are stored with exact
hourly totals, through 1 and then 2 `consume_measurements` processes, against a bare pika drain
of the same messages. API: p50/p99 and requests/s of /api/monitoring/hourly/daily/ through the
nginx gateway, 16 concurrent clients, 100 devices with a year of 10-minute readings each.
Periods: p50/p99 of /api/monitoring/consumption/ (day, month, year) on those 100 devices and of
/api/monitoring/fleet/ at 1,000 devices, warm and cold (a private PostgreSQL cluster restarted,
its files evicted from the OS page cache), and the year view's p99 against the day view's.
Export: an admin's CSV of those 100 devices' year of hours (876,000 rows) through the gateway:
rows/s and the exporting gunicorn worker's RSS before, at its peak and after (bench/export_load.py).
Everything runs on its own database (bench_<id>_monitoring), queues, ports; all removed after.
`make bench` also runs bench/sync_latency.py, bench/alert_latency.py, bench/simulator_backfill.py
and bench/fleet.py (100,000 simulated meters live with dashboards and admins on the API: lag,
API latency idle and live, CPU per stored reading, database growth; see its docstring).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from bench_env import BenchEnv, bench_database, bench_vhost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readings", type=int, default=100_000, help="ingestion readings")
    parser.add_argument("--devices", type=int, default=1000, help="ingestion devices")
    parser.add_argument(
        "--batch-size", type=int, default=5000, help="consumer batch size (the service's default)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="ingestion rounds (median ratio)")
    parser.add_argument("--api-devices", type=int, default=100)
    parser.add_argument("--api-days", type=int, default=365)
    parser.add_argument("--clients", type=int, default=16, help="concurrent API clients")
    parser.add_argument("--api-seconds", type=float, default=15.0, help="API measuring time")
    parser.add_argument(
        "--web-workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY") or 4),
        help="gunicorn workers of the monitoring web (WEB_CONCURRENCY, default 4)",
    )
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--skip-ingestion", action="store_true")
    parser.add_argument("--skip-periods", action="store_true")
    parser.add_argument(
        "--periods", action="store_true", help="only the period and fleet views (and quickly)"
    )
    parser.add_argument("--fleet-devices", type=int, default=1000)
    parser.add_argument("--period-clients", type=int, default=4, help="clients, warm periods")
    parser.add_argument("--period-seconds", type=float, default=8.0, help="per view, warm")
    parser.add_argument("--cold-samples", type=int, default=20, help="cold starts")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--export", action="store_true", help="only the CSV export")
    args = parser.parse_args(argv)
    if args.periods:
        args.skip_api = args.skip_ingestion = args.skip_export = True
    if args.export:
        args.skip_api = args.skip_ingestion = args.skip_periods = True

    bench = BenchEnv(run_id=f"{os.getpid()}")
    bench.env["WEB_CONCURRENCY"] = str(args.web_workers)
    began = time.monotonic()
    # A vhost of its own: the bench does not depend on the default vhost's permissions.
    with bench_database(bench), bench_vhost(bench):
        if not args.skip_ingestion:
            from ingest import run_ingestion

            run_ingestion(bench, args.readings, args.devices, args.batch_size, args.rounds)
        if not args.skip_api:
            from api_load import run_api

            run_api(bench, args.api_devices, args.api_days, args.clients, args.api_seconds)
    if not args.skip_periods:
        from api_load import PeriodsPlan, run_periods

        plan = PeriodsPlan(
            device_count=args.api_devices,
            days=args.api_days,
            fleet_devices=args.fleet_devices,
            clients=args.period_clients,
            seconds=args.period_seconds,
            cold_samples=args.cold_samples,
        )
        run_periods(plan, str(args.web_workers))
    if not args.skip_export:
        from export_load import run_export

        run_export(args.api_devices, args.api_days)
    load = os.getloadavg()[0]
    print(f"bench finished in {time.monotonic() - began:.0f} s (load average now {load:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
