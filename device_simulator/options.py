"""The simulator's settings: config.json, overridden by command-line flags, then validated.

Every bad value raises ``ConfigError`` with a message naming it; ``simulator.py`` prints the
message and exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_CONFIG = Path(__file__).with_name("config.json")
DEFAULT_QUEUE = "device_data_queue"
USAGE_ERROR = 2


class ConfigError(Exception):
    """A setting is missing, unreadable or out of range."""


@dataclass(frozen=True)
class BrokerSettings:
    host: str
    port: int
    user: str
    password: str
    vhost: str


@dataclass(frozen=True)
class Settings:
    broker: BrokerSettings
    queue: str
    device_ids: list[str]
    interval_seconds: float
    base_load_kwh: float
    tz: tzinfo
    seed: int | None
    count: int | None  # readings per device, None: until stopped
    start: datetime | None
    backfill_days: float | None
    print_json: bool
    log_every: int


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simulator.py",
        description="Send simulated smart-meter readings (kWh per 10 minutes) to RabbitMQ.",
    )
    add = parser.add_argument
    add("--config", default=str(DEFAULT_CONFIG), help="JSON config (default: %(default)s)")
    add(
        "--device-id",
        action="append",
        dest="device_ids",
        metavar="UUID",
        help="device to simulate (repeatable; replaces the config's device_ids)",
    )
    add("--interval", type=float, help="wall-clock seconds between readings (600 = real time)")
    add("--count", type=int, help="stop after N readings per device (default: run until stopped)")
    add("--start", help="timestamp of the first reading, ISO-8601 (default: now)")
    add("--backfill-days", type=float, help="first send the last N days at once, then go live")
    add("--seed", type=int, help="seed the noise, for reproducible readings")
    add("--host", help="RabbitMQ host")
    add("--port", type=int, help="RabbitMQ port")
    add("--user", help="RabbitMQ user")
    add("--password", help="RabbitMQ password")
    add("--vhost", help="RabbitMQ virtual host")
    add("--queue", help=f"queue to publish to (default {DEFAULT_QUEUE})")
    add("--base-load", type=float, dest="base_load_kwh", help="kWh per 10 minutes before pattern")
    add("--timezone", help="IANA zone whose clock the daily pattern follows (default UTC)")
    add("--print-json", action="store_true", help="print each confirmed reading as JSON on stdout")
    add("--log-every", type=int, help="log every Nth reading while backfilling (default 144)")
    return parser


def load_config(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path!r}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {path!r} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config {path!r} must hold a JSON object")
    return data


def settings_from(argv: list[str] | None = None) -> Settings:
    args = build_parser().parse_args(argv)
    config = load_config(args.config)
    rabbitmq = config.get("rabbitmq") or {}
    if not isinstance(rabbitmq, dict):
        raise ConfigError("config 'rabbitmq' must be an object")

    def pick(flag: Any, value: Any, default: Any) -> Any:
        return flag if flag is not None else value if value is not None else default

    configured_ids = config.get("device_ids")
    if configured_ids is None and config.get("device_id"):
        configured_ids = [config["device_id"]]
    broker = BrokerSettings(
        host=str(pick(args.host, rabbitmq.get("host"), "127.0.0.1")),
        port=_port(pick(args.port, rabbitmq.get("port"), 5672)),
        user=str(pick(args.user, rabbitmq.get("user"), "guest")),
        password=str(pick(args.password, rabbitmq.get("password"), "guest")),
        vhost=str(pick(args.vhost, rabbitmq.get("vhost"), "/")),
    )
    settings = Settings(
        broker=broker,
        queue=str(pick(args.queue, config.get("queue"), DEFAULT_QUEUE)),
        device_ids=_device_ids(args.device_ids or configured_ids or []),
        interval_seconds=_positive(
            "interval_seconds", pick(args.interval, config.get("interval_seconds"), 600)
        ),
        base_load_kwh=_non_negative(
            "base_load_kwh", pick(args.base_load_kwh, config.get("base_load_kwh"), 0.25)
        ),
        tz=_zone(pick(args.timezone, config.get("timezone"), "UTC")),
        seed=_optional_int("seed", pick(args.seed, config.get("seed"), None)),
        count=_optional_positive_int("count", args.count),
        start=_start(args.start),
        backfill_days=_optional_positive("backfill_days", args.backfill_days),
        print_json=args.print_json,
        log_every=_optional_positive_int("log_every", pick(args.log_every, None, 144)) or 144,
    )
    if settings.start is not None and settings.backfill_days is not None:
        raise ConfigError("--start and --backfill-days exclude each other")
    if not settings.queue:
        raise ConfigError("queue must not be empty")
    return settings


def _device_ids(values: Any) -> list[str]:
    if not isinstance(values, list):
        raise ConfigError(f"device_ids must be a list of UUIDs, got {values!r}")
    if not values:
        raise ConfigError("no device id: set device_ids in the config or pass --device-id UUID")
    ids = []
    for value in values:
        try:
            ids.append(str(uuid.UUID(str(value))))
        except ValueError:
            raise ConfigError(f"device id {value!r} is not a UUID") from None
    return ids


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ConfigError(f"{name} must be a number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, got {value!r}") from None


def _positive(name: str, value: Any) -> float:
    number = _number(name, value)
    if not number > 0 or number == float("inf"):
        raise ConfigError(f"{name} must be a positive number, got {value!r}")
    return number


def _non_negative(name: str, value: Any) -> float:
    number = _number(name, value)
    if not 0 <= number < float("inf"):
        raise ConfigError(f"{name} must be >= 0, got {value!r}")
    return number


def _optional_positive(name: str, value: Any) -> float | None:
    return None if value is None else _positive(name, value)


def _optional_int(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be an integer, got {value!r}")
    return value


def _optional_positive_int(name: str, value: Any) -> int | None:
    number = _optional_int(name, value)
    if number is not None and number <= 0:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    return number


def _port(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
        raise ConfigError(f"RabbitMQ port must be an integer 1-65535, got {value!r}")
    return value


def _zone(name: Any) -> tzinfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"timezone {name!r} is not a known IANA zone") from None


def _start(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--start {value!r} is not an ISO-8601 datetime") from None
    return start if start.tzinfo is not None else start.replace(tzinfo=UTC)
