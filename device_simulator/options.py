"""The simulator's settings: config.json, overridden by command-line flags, then validated.

Every bad value raises ``ConfigError`` with one line naming it; ``simulator.py`` prints that line
and exits with code 2 (argparse's own errors included, so a bad flag never prints a traceback).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pattern import DEFAULT_PERIODS, PatternError, Period, multipliers_by_hour

DEFAULT_CONFIG = Path(__file__).with_name("config.json")
DEFAULT_QUEUE = "device_data_queue"
# EMS's readings exchange, bound to DEFAULT_QUEUE: all a meter identity may write to.
DEFAULT_EXCHANGE = "ems.readings"
# EMS's local meter identity (.env.example: RABBITMQ_METER_USER / RABBITMQ_METER_PASS).
DEFAULT_USER = DEFAULT_PASSWORD = "ems-meter"
TIMESTAMP_FORMATS = ("epoch-ms", "iso")
# What monitoring stores of a register (NUMERIC(14, 6)): 6 decimals, below 10^8 kWh.
REGISTER_QUANTUM = Decimal("0.000001")
REGISTER_LIMIT = Decimal(100_000_000)
USAGE_ERROR = 2


class ConfigError(Exception):
    """A setting is missing, unreadable or out of range."""


@dataclass(frozen=True)
class BrokerSettings:
    host: str  # one host, or the nodes of a cluster: host[:port],host[:port] (see nodes)
    port: int
    user: str
    password: str
    vhost: str
    exchange: str  # "": the default exchange, straight to ``queue`` (declared first)
    queue: str  # the routing key; with the default exchange, the queue

    @property
    def nodes(self) -> list[tuple[str, int]]:
        """The nodes to publish to, in turn when one goes: ``host`` split at commas, each with
        its own ``:port`` or ``port``."""
        nodes = []
        for entry in self.host.split(","):
            name, colon, number = entry.strip().rpartition(":")
            nodes.append((name, _port(number)) if colon else (entry.strip(), self.port))
        return nodes


@dataclass(frozen=True)
class MqttSettings:
    """Where and as whom a meter key publishes over MQTT (QoS 1, one topic for its device)."""

    host: str
    port: int
    username: str
    password: str
    topic: str


@dataclass(frozen=True)
class Settings:
    broker: BrokerSettings
    mqtt: MqttSettings | None  # --mqtt: publish over MQTT with the meter key instead of AMQP
    device_ids: list[str]
    generated_devices: bool  # --devices N made them up: print them
    interval_seconds: float
    base_load_kwh: float
    periods: tuple[Period, ...]
    timezone: tzinfo
    seed: int | None
    timestamp_format: str
    backfill_from: date | None
    backfill_to: date | None
    csv_path: Path | None
    csv_values: list[float] | None
    start: datetime | None  # live mode: timestamp of the first reading (default: next boundary)
    speed: float  # live mode: simulated seconds per wall-clock second
    count: int | None  # live mode: readings per device, None: until stopped
    window: int  # publishes awaiting their confirm at most
    print_json: bool
    spread: bool = False  # live mode: device i of n reads at i/n of each interval, not at its end
    register: Decimal | None = None  # --register: send the running total from this kWh on
    register_reset_after: int | None = None  # the register reads 0 after this many readings

    @property
    def backfill(self) -> bool:
        return self.backfill_from is not None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ConfigError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="simulator.py",
        description="Send simulated smart-meter readings (kWh per interval) to RabbitMQ.",
    )
    add = parser.add_argument
    add("--config", default=str(DEFAULT_CONFIG), help="JSON config (default: %(default)s)")
    add(
        "--device-id",
        action="append",
        dest="device_ids",
        metavar="UUID",
        help="device to simulate (repeatable; replaces the config's device_id/device_ids)",
    )
    add("--devices", metavar="N", help="simulate N new random devices and print their ids")
    add("--interval", metavar="S", help="seconds between a device's readings (600)")
    add("--base-load", metavar="KWH", help="kWh of one reading before the daily pattern")
    add("--rabbitmq-host", help="host, or a cluster's nodes: host[:port],host[:port]")
    add("--rabbitmq-port")
    add("--rabbitmq-user")
    add("--rabbitmq-password")
    add("--rabbitmq-vhost", help="virtual host (default /)")
    add(
        "--exchange",
        help=f"exchange to publish to (default {DEFAULT_EXCHANGE}); '' for the "
        "default exchange, straight to --queue (declared first), as older setups take readings",
    )
    add("--queue", help=f"routing key, and with --exchange '' the queue (default {DEFAULT_QUEUE})")
    add("--seed", help="integer seed: the same seed gives the same readings (and --devices ids)")
    add("--timestamp-format", help="epoch-ms (default) or iso")
    add("--timezone", help="IANA zone whose clock the daily pattern follows (default UTC)")
    add("--backfill-from", metavar="YYYY-MM-DD", help="backfill: first UTC day")
    add("--backfill-to", metavar="YYYY-MM-DD", help="backfill: last UTC day (inclusive)")
    add("--csv", metavar="FILE", help="replay one kWh value per line instead of the pattern")
    add("--start", metavar="ISO", help="live: timestamp of the first reading (no offset: UTC)")
    add("--speed", metavar="X", help="live with --start: run the clock X times faster")
    add("--count", metavar="N", help="live: stop after N readings per device")
    add("--window", metavar="N", help="publishes awaiting a confirm at most (default 1000)")
    add("--print-json", action="store_true", help="print each confirmed reading on stdout")
    add(
        "--meter-key",
        metavar="FILE",
        help="the device's meter key, as POST /api/devices/{id}/credentials/ answered (JSON); "
        "replaces the config's meter_key",
    )
    add(
        "--mqtt",
        action="store_true",
        help="publish over MQTT (QoS 1) with the meter key, instead of AMQP",
    )
    add(
        "--spread",
        action="store_true",
        help="live: each device at its own moment of the interval (device i of n at i/n of it), "
        "as a fleet of meters sends, instead of all at its end",
    )
    register = "the running total of the kWh as energy_total_kwh, not each interval's"
    add("--register", action="store_true", help=f"a cumulative register: {register}")
    add("--register-start", metavar="KWH", help="with --register: the register's first value (0)")
    reset = "with --register: after N readings of a device the register drops to 0, then grows"
    add("--register-reset-after", metavar="N", help=reset)
    return parser  # fmt: skip


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
    rabbitmq = config.get("rabbitmq", {})
    if not isinstance(rabbitmq, dict):
        raise ConfigError(f"config 'rabbitmq' must be an object, got {rabbitmq!r}")

    def pick(flag: Any, value: Any, default: Any) -> Any:
        return flag if flag is not None else value if value is not None else default

    key = load_config(args.meter_key) if args.meter_key else config.get("meter_key")
    if key is not None:
        rabbitmq = {**rabbitmq, **_key_broker(key)}
    broker = BrokerSettings(
        host=_hosts(pick(args.rabbitmq_host, rabbitmq.get("host"), "127.0.0.1")),
        port=_port(pick(args.rabbitmq_port, rabbitmq.get("port"), 5672)),
        user=_text("rabbitmq.user", pick(args.rabbitmq_user, rabbitmq.get("user"), DEFAULT_USER)),
        password=str(pick(args.rabbitmq_password, rabbitmq.get("password"), DEFAULT_PASSWORD)),
        vhost=_text("rabbitmq.vhost", pick(args.rabbitmq_vhost, rabbitmq.get("vhost"), "/")),
        exchange=_name("exchange", pick(args.exchange, rabbitmq.get("exchange"), DEFAULT_EXCHANGE)),
        queue=_text("queue", pick(args.queue, rabbitmq.get("queue"), DEFAULT_QUEUE)),
    )
    seed = _optional_int("seed", pick(args.seed, config.get("seed"), None))
    if key is not None and args.device_ids is None and args.devices is None:
        args.device_ids = [meter_key_device(key)]  # a key is one device's: that one
    device_ids, generated = _devices(args, config, seed)
    csv_path = Path(args.csv) if args.csv is not None else None
    if key is not None:
        _check_key_device(key, device_ids)
    if args.mqtt and key is None:
        raise ConfigError("--mqtt needs a meter key: --meter-key FILE or meter_key in the config")
    settings = Settings(
        broker=broker,
        mqtt=_key_mqtt(key, broker) if args.mqtt else None,
        device_ids=device_ids,
        generated_devices=generated,
        interval_seconds=_interval(pick(args.interval, config.get("interval_seconds"), 600)),
        base_load_kwh=_positive(
            "base_load_kwh", pick(args.base_load, config.get("base_load_kwh"), 0.25)
        ),
        periods=_periods(config.get("patterns")),
        timezone=_zone(pick(args.timezone, config.get("timezone"), "UTC")),
        seed=seed,
        timestamp_format=_timestamp_format(
            pick(args.timestamp_format, config.get("timestamp_format"), "epoch-ms")
        ),
        backfill_from=_day("--backfill-from", args.backfill_from),
        backfill_to=_day("--backfill-to", args.backfill_to),
        csv_path=csv_path,
        csv_values=read_csv(csv_path) if csv_path is not None else None,
        start=_start(args.start),
        speed=_positive("--speed", pick(args.speed, None, 1)),
        count=_optional_positive_int("--count", args.count),
        window=_optional_positive_int("--window", args.window) or 1000,
        print_json=args.print_json,
        spread=args.spread,
        **_register(args),
    )  # fmt: skip
    _check_mode(settings)
    return settings


METER_KEY_FIELDS = ("username", "password", "amqp", "mqtt")


def _key(key: Any) -> dict[str, Any]:
    if not isinstance(key, dict) or any(name not in key for name in METER_KEY_FIELDS):
        raise ConfigError(
            "meter_key must be the JSON of POST /api/devices/{id}/credentials/ "
            f"(with {', '.join(METER_KEY_FIELDS)})"
        )
    for part in ("amqp", "mqtt"):
        if not isinstance(key[part], dict):
            raise ConfigError(f"meter_key.{part} must be an object, got {key[part]!r}")
    return key


def meter_key_device(key: dict[str, Any]) -> str:
    return str(key["username"]).removeprefix("meter-")


def _key_broker(key: Any) -> dict[str, Any]:
    """The AMQP settings of a meter key: its user, the topic exchange and its routing key."""
    key = _key(key)
    amqp = key["amqp"]
    return {
        "user": key["username"],
        "password": key["password"],
        **{name: amqp[name] for name in ("host", "port", "vhost", "exchange") if name in amqp},
        "queue": amqp.get("routing_key"),
    }


def _key_mqtt(key: Any, broker: BrokerSettings) -> MqttSettings:
    mqtt = _key(key)["mqtt"]
    return MqttSettings(
        host=_text("meter_key.mqtt.host", mqtt.get("host", broker.host)),
        port=_port(mqtt.get("port", 1883)),
        username=_text("meter_key.mqtt.username", mqtt.get("username", key["username"])),
        password=str(key["password"]),
        topic=_text("meter_key.mqtt.topic", mqtt.get("topic")),
    )


def _check_key_device(key: dict[str, Any], device_ids: list[str]) -> None:
    """A meter key publishes one device's readings: that device, and only it."""
    own = meter_key_device(key)
    if device_ids != [own]:
        raise ConfigError(
            f"the meter key is device {own}'s: simulate that device alone "
            f"(--device-id {own}), not {', '.join(device_ids)}"
        )


def _register(args: argparse.Namespace) -> dict[str, Any]:
    """``register`` and ``register_reset_after`` of the flags; the others need --register."""
    if not args.register:
        for flag, value in (("--register-start", args.register_start),
                            ("--register-reset-after", args.register_reset_after)):  # fmt: skip
            if value is not None:
                raise ConfigError(f"{flag} needs --register")
        return {}
    start = args.register_start if args.register_start is not None else "0"
    try:
        value = Decimal(start)
    except InvalidOperation:
        value = Decimal("NaN")
    if not (value.is_finite() and 0 <= value < REGISTER_LIMIT):
        raise ConfigError(f"--register-start must be a kWh value 0 <= x < 10^8, got {start!r}")
    if value != value.quantize(REGISTER_QUANTUM):
        raise ConfigError(
            f"--register-start {start} has more than 6 decimals (monitoring keeps 6: "
            "the register would not add up exactly)"
        )
    reset_after = _optional_positive_int("--register-reset-after", args.register_reset_after)
    return {"register": value.quantize(REGISTER_QUANTUM), "register_reset_after": reset_after}


def _check_mode(settings: Settings) -> None:
    start, end = settings.backfill_from, settings.backfill_to
    if (start is None) != (end is None):
        raise ConfigError("--backfill-from and --backfill-to go together")
    if start is not None and end is not None:
        if start > end:
            raise ConfigError(f"--backfill-from {start} is after --backfill-to {end}")
        live_only = (("--start", settings.start), ("--count", settings.count),
                     ("--spread", settings.spread or None))  # fmt: skip
        for flag, value in live_only:
            if value is not None:
                raise ConfigError(
                    f"{flag} is for live mode, not with --backfill-from/--backfill-to"
                )
    if settings.speed != 1 and settings.start is None:
        raise ConfigError(
            f"--speed {settings.speed:g} needs --start (else readings from the future)"
        )


def _devices(
    args: argparse.Namespace, config: dict[str, Any], seed: int | None
) -> tuple[list[str], bool]:
    if args.devices is not None:
        if args.device_ids:
            raise ConfigError("--devices N and --device-id exclude each other")
        count = _optional_positive_int("--devices", args.devices) or 0
        rng = random.Random(f"devices:{seed}") if seed is not None else None
        return [str(_random_uuid(rng)) for _ in range(count)], True
    values = args.device_ids
    if values is None:
        values = config.get("device_ids")
        if values is None and config.get("device_id") is not None:
            values = [config["device_id"]]
    if values is None or values == []:
        raise ConfigError(
            "no device: set device_id in the config, or pass --device-id or --devices"
        )
    if not isinstance(values, list):
        raise ConfigError(f"device_ids must be a list of UUIDs, got {values!r}")
    ids = []
    for value in values:
        try:
            ids.append(str(uuid.UUID(str(value))))
        except ValueError:
            raise ConfigError(f"device id {value!r} is not a UUID") from None
    return list(dict.fromkeys(ids)), False  # fmt: skip


def _random_uuid(rng: random.Random | None) -> uuid.UUID:
    if rng is None:
        return uuid.uuid4()
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def read_csv(path: Path) -> list[float]:
    """The kWh values of a file with one number per line (blank lines skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read --csv {str(path)!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"--csv {str(path)!r} is not a text file") from None
    values = []
    for number, line in enumerate(lines, start=1):
        text = line.strip().rstrip(",")
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not 0 <= value < math.inf:
            raise ConfigError(
                f"{path}:{number}: {line.strip()!r} is not a kWh value (a number >= 0)"
            )
        values.append(value)
    if not values:
        raise ConfigError(f"--csv {str(path)!r} holds no values")
    return values


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ConfigError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, got {value!r}") from None
    return number


def _positive(name: str, value: Any) -> float:
    number = _number(name, value)
    if not 0 < number < math.inf:
        raise ConfigError(f"{name} must be a positive number, got {value!r}")
    return number


def _interval(value: Any) -> float:
    number = _positive("interval_seconds", value)
    if round(number * 1000) < 1:
        raise ConfigError(f"interval_seconds must be at least 0.001, got {value!r}")
    return number


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _name(name: str, value: Any) -> str:
    """An AMQP name: a string of at most 255 bytes; may be empty (the default exchange)."""
    if not isinstance(value, str) or len(value.encode()) > 255:
        raise ConfigError(f"{name} must be a string of at most 255 bytes, got {value!r}")
    return value


def _optional_int(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ConfigError(f"{name} must be an integer, got {value!r}")


def _optional_positive_int(name: str, value: Any) -> int | None:
    number = _optional_int(name, value)
    if number is not None and number <= 0:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    return number


def _port(value: Any) -> int:
    port = _optional_int("rabbitmq.port", value)
    if port is None or not 0 < port < 65536:
        raise ConfigError(f"rabbitmq.port must be an integer 1-65535, got {value!r}")
    return port


def _hosts(value: Any) -> str:
    """One host, or a cluster's nodes as host[:port] entries separated by commas."""
    hosts = _text("rabbitmq.host", value)
    for entry in hosts.split(","):
        name, colon, number = entry.strip().rpartition(":")
        if not (name if colon else entry.strip()):
            raise ConfigError(
                f"rabbitmq.host must be host[:port] entries separated by commas, got {entry!r}"
            )
        if colon:
            _port(number)
    return hosts


def _zone(name: Any) -> tzinfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"timezone {name!r} is not a known IANA zone") from None


def _timestamp_format(value: Any) -> str:
    if value not in TIMESTAMP_FORMATS:
        raise ConfigError(
            f"timestamp format {value!r} is not one of {', '.join(TIMESTAMP_FORMATS)}"
        )
    return str(value)


def _day(flag: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{flag} {value!r} is not a date YYYY-MM-DD") from None


def _start(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--start {value!r} is not an ISO-8601 datetime") from None
    return start if start.tzinfo is not None else start.replace(tzinfo=UTC)


def _periods(value: Any) -> tuple[Period, ...]:
    """``patterns``: {"night": {"hours": [0, 6], "multiplier": 0.5}, ...}; default as shipped."""
    if value is None:
        return DEFAULT_PERIODS
    if not isinstance(value, dict) or not value:
        raise ConfigError(f"patterns must be an object of named periods, got {value!r}")
    periods = []
    for name, spec in value.items():
        hours = spec.get("hours") if isinstance(spec, dict) else None
        if (
            not isinstance(hours, list)
            or len(hours) != 2
            or not all(isinstance(h, int) and not isinstance(h, bool) for h in hours)
        ):
            raise ConfigError(
                f"pattern {name!r}: hours must be [start, end] integers, got {hours!r}"
            )
        multiplier = _number(f"pattern {name!r} multiplier", spec.get("multiplier"))
        if not 0 <= multiplier < math.inf:
            raise ConfigError(f"pattern {name!r} multiplier must be >= 0, got {multiplier!r}")
        periods.append(Period(str(name), hours[0], hours[1], multiplier))
    try:
        multipliers_by_hour(periods)
    except PatternError as exc:
        raise ConfigError(str(exc)) from None
    return tuple(periods)
