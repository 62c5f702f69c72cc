"""Local days: IANA time zones by name, where a day starts, how many days a period holds."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from ems_common.exceptions import InvalidField

# Files in the zoneinfo folder that are not IANA zone names.
NOT_ZONES = {"localtime", "posixrules", "posix", "right"}


class UnknownTimeZone(ValueError):
    """A name that is not an IANA time zone; ``str()`` says so, naming it."""


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones() - NOT_ZONES) | {"UTC"}


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (e.g. Europe/Bucharest), or UnknownTimeZone."""
    if name not in known_zones():
        raise UnknownTimeZone(f"{name[:60]!r} is not an IANA time zone.")
    return ZoneInfo(name)


def day_start(day: date, zone: tzinfo) -> datetime:
    """The first instant of ``day`` in ``zone``, in UTC (a skipped local midnight moves it on)."""
    local = datetime(day.year, day.month, day.day, tzinfo=zone)
    return local.astimezone(UTC)


class InvalidPeriod(InvalidField):
    """A period of local days that cannot be asked for; the fault is its ``end``."""

    def __init__(self, message: str) -> None:
        super().__init__("end", message)


def period_days(first: date, last: date, max_days: int | None = None) -> int:
    """How many local days ``first..last`` holds (both included), or InvalidPeriod."""
    days = (last - first).days + 1
    if days < 1:
        raise InvalidPeriod("end is before start.")
    if max_days is not None and days > max_days:
        raise InvalidPeriod(f"At most {max_days} days per request ({days} asked).")
    return days
