"""Price segments: the history (own over default), local wall time, DST both ways, :30 zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from monitoring.tariffs.pricing import PriceSegment, price_segments
from monitoring.tests.ingestion.helpers import make_device
from monitoring.tests.tariffs.helpers import make_tariff, night_day_rates, rate

pytestmark = pytest.mark.django_db


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def prices(segments: list[PriceSegment]) -> list[tuple[datetime, datetime, Decimal]]:
    return [(s.lo, s.hi, s.price) for s in segments]


def test_night_and_day_in_bucharest_winter_time() -> None:
    device = make_device()
    make_tariff(rates=night_day_rates("0.1", "0.25"))

    segments = price_segments(device.id, utc(2026, 1, 14, 22), utc(2026, 1, 15, 22))

    # Bucharest is UTC+2 in winter: 07:00 local = 05:00 UTC, 23:00 local = 21:00 UTC.
    assert prices(segments) == [
        (utc(2026, 1, 14, 22), utc(2026, 1, 15, 5), Decimal("0.1")),
        (utc(2026, 1, 15, 5), utc(2026, 1, 15, 21), Decimal("0.25")),
        (utc(2026, 1, 15, 21), utc(2026, 1, 15, 22), Decimal("0.1")),
    ]


def test_adjacent_equal_prices_are_merged_across_midnight() -> None:
    device = make_device()
    make_tariff(rates=night_day_rates())

    segments = price_segments(device.id, utc(2026, 1, 14, 0), utc(2026, 1, 16, 0))

    nights = [s for s in segments if s.price == Decimal("0.1")]
    assert (nights[1].lo, nights[1].hi) == (utc(2026, 1, 14, 21), utc(2026, 1, 15, 5))


def test_spring_forward_night_is_an_hour_shorter() -> None:
    device = make_device()
    make_tariff(rates=night_day_rates())

    # 2026-03-29: 03:00 EET becomes 04:00 EEST (01:00 UTC). Night 23:00 (21:00 UTC) .. 07:00
    # EEST (04:00 UTC): 7 hours.
    segments = price_segments(device.id, utc(2026, 3, 28, 21), utc(2026, 3, 29, 12))

    assert prices(segments)[0] == (utc(2026, 3, 28, 21), utc(2026, 3, 29, 4), Decimal("0.1"))


def test_fall_back_hour_is_priced_by_its_wall_time_both_times() -> None:
    device = make_device()
    # 03:00–04:00 local costs 1; 2026-10-25 04:00 EEST becomes 03:00 EET: 03:00–04:00 twice.
    make_tariff(
        rates=[
            rate("00:00", "03:00", "0.1"),
            rate("03:00", "04:00", "1"),
            rate("04:00", "24:00", "0.1"),
        ]
    )

    segments = price_segments(device.id, utc(2026, 10, 24, 23), utc(2026, 10, 25, 3))

    assert prices(segments) == [
        (utc(2026, 10, 24, 23), utc(2026, 10, 25, 0), Decimal("0.1")),
        (utc(2026, 10, 25, 0), utc(2026, 10, 25, 2), Decimal("1")),  # 03:00 EEST .. 04:00 EET
        (utc(2026, 10, 25, 2), utc(2026, 10, 25, 3), Decimal("0.1")),
    ]


def test_a_half_hour_zone_changes_rate_at_its_own_0730() -> None:
    device = make_device()
    make_tariff(
        tz="Asia/Kolkata", rates=[rate("00:00", "07:30", "0.1"), rate("07:30", "24:00", "0.3")]
    )

    segments = price_segments(device.id, utc(2026, 6, 1, 0), utc(2026, 6, 1, 6))

    assert prices(segments) == [
        (utc(2026, 6, 1, 0), utc(2026, 6, 1, 2), Decimal("0.1")),  # 07:30 IST = 02:00 UTC
        (utc(2026, 6, 1, 2), utc(2026, 6, 1, 6), Decimal("0.3")),
    ]


def test_own_tariff_history_over_the_default_one() -> None:
    device, other = make_device(), make_device()
    default = make_tariff(valid_from=date(2026, 1, 1), rates=[rate("00:00", "24:00", "0.2")])
    own = make_tariff(device.id, date(2026, 1, 10), [rate("00:00", "24:00", "0.5")])
    later_default = make_tariff(valid_from=date(2026, 1, 20), rates=[rate("00:00", "24:00", "0.3")])
    lo, hi = utc(2025, 12, 1), utc(2026, 2, 1)

    mine = price_segments(device.id, lo, hi)
    theirs = price_segments(other.id, lo, hi)

    start = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(hours=2)  # Bucharest midnight
    assert [(s.lo, s.price, s.tariff_id) for s in mine] == [
        (start, Decimal("0.2"), default.id),
        (start + timedelta(days=9), Decimal("0.5"), own.id),  # the later default: not for it
    ]
    assert [(s.lo, s.price, s.tariff_id) for s in theirs] == [
        (start, Decimal("0.2"), default.id),
        (start + timedelta(days=19), Decimal("0.3"), later_default.id),
    ]
    assert mine[-1].hi == theirs[-1].hi == hi


def test_no_tariff_no_segments() -> None:
    device = make_device()
    make_tariff(valid_from=date(2026, 6, 1))

    assert price_segments(device.id, utc(2026, 1, 1), utc(2026, 5, 1)) == []
