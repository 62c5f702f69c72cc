"""The day summary: total, the first busiest hour (none when all are 0), average per hour."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from monitoring.consumption.buckets import HourTotal
from monitoring.consumption.summary import summarize_day

MIDNIGHT = datetime(2026, 3, 2, tzinfo=UTC)


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
