"""The day summary: total, the first busiest hour (none when all are 0), average per hour."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from monitoring.consumption.buckets import HourTotal
from monitoring.consumption.summary import elapsed_hours, summarize_day

MIDNIGHT = datetime(2026, 3, 2, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


def hours(*kwh: str) -> list[HourTotal]:
    return [HourTotal(MIDNIGHT + timedelta(hours=i), Decimal(v)) for i, v in enumerate(kwh)]


def test_total_peak_and_average_of_a_day() -> None:
    day = hours(*["0"] * 20, "1.5", "2", "2", "0.5")

    summary = summarize_day(day)

    assert summary.total == Decimal("6.0")
    assert summary.peak == day[21]  # the first of two equal busiest hours
    assert summary.average == Decimal("0.25")


def test_a_day_without_consumption_has_no_peak() -> None:
    summary = summarize_day(hours(*["0"] * 23))

    assert (summary.total, summary.peak, summary.average) == (0, None, 0)


def test_the_average_is_rounded_to_six_places() -> None:
    summary = summarize_day(hours("1", *["0"] * 23))  # 1/24 = 0.041666...

    assert summary.average == Decimal("0.041667")


def test_a_running_day_averages_over_its_elapsed_hours_only() -> None:
    day = hours("1", "2", "3", *["0"] * 21)

    summary = summarize_day(
        day, elapsed_hours(MIDNIGHT.date(), UTC_ZONE, MIDNIGHT + timedelta(hours=2, minutes=30))
    )

    assert summary.average == Decimal("2.4")  # 6 kWh over 2.5 hours, not 24


def test_a_future_day_has_no_elapsed_hours_and_averages_0() -> None:
    elapsed = elapsed_hours(MIDNIGHT.date(), UTC_ZONE, MIDNIGHT - timedelta(hours=1))

    assert elapsed == 0
    assert summarize_day(hours(*["0"] * 24), elapsed).average == 0


def test_a_past_dst_day_averages_over_its_23_hours() -> None:
    zone = ZoneInfo("Europe/Bucharest")
    elapsed = elapsed_hours(datetime(2026, 3, 29).date(), zone, MIDNIGHT + timedelta(days=60))

    assert elapsed == 23
