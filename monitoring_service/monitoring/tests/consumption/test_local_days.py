"""Time zones by name and periods of local days: the domain's refusals name what is wrong."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from monitoring.consumption.local_days import (
    InvalidPeriod,
    UnknownTimeZone,
    day_start,
    period_days,
    zone_named,
)


def test_a_known_zone_is_found_by_name() -> None:
    assert zone_named("Europe/Bucharest") == ZoneInfo("Europe/Bucharest")
    assert zone_named("UTC") == ZoneInfo("UTC")


@pytest.mark.parametrize("name", ["Mars/Olympus", "localtime", "posixrules", ""])
def test_an_unknown_zone_is_refused_naming_it(name: str) -> None:
    with pytest.raises(UnknownTimeZone, match="is not an IANA time zone"):
        zone_named(name)


def test_a_skipped_local_midnight_starts_the_day_at_the_next_instant() -> None:
    # Havana skips 00:00-01:00 on 2026-03-08: the day starts at 01:00 CDT, 05:00 UTC.
    assert day_start(date(2026, 3, 8), ZoneInfo("America/Havana")) == datetime(
        2026, 3, 8, 5, tzinfo=UTC
    )


def test_a_period_counts_both_ends() -> None:
    assert period_days(date(2026, 3, 1), date(2026, 3, 1)) == 1
    assert period_days(date(2026, 3, 1), date(2026, 3, 31), 366) == 31


def test_an_end_before_the_start_is_refused_naming_end() -> None:
    with pytest.raises(InvalidPeriod, match="end is before start") as caught:
        period_days(date(2026, 3, 2), date(2026, 3, 1))
    assert caught.value.field == "end"


def test_a_period_longer_than_allowed_is_refused() -> None:
    with pytest.raises(InvalidPeriod, match=r"At most 366 days per request \(367 asked\)"):
        period_days(date(2025, 1, 1), date(2026, 1, 2), 366)
