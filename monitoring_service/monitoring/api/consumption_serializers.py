"""The response shapes of /hourly/daily/ and /hourly/range/, for the OpenAPI schema.

The views build these bodies themselves (monitoring.api.hourly, from the domain's summaries in
monitoring.consumption.summary); the serializers describe them, for the frontend's generated
types. monitoring/tests/api/test_schema.py checks real responses against them, field by field.
"""

from __future__ import annotations

from rest_framework import serializers

COST_HELP = (
    "Exact decimal string (not rounded: round half-even to the currency's minor unit to show "
    "it); null when no tariff applies, some energy is in time without a tariff, or two "
    "currencies meet."
)


def cost_field(help_text: str = COST_HELP) -> serializers.CharField:
    """A cost: an exact decimal string, or null (monitoring.consumption.costs' rule)."""
    return serializers.CharField(allow_null=True, help_text=help_text)


def currency_field() -> serializers.CharField:
    return serializers.CharField(
        allow_null=True, help_text="ISO 4217 of the costs; null when there is no cost."
    )


class ConsumptionHourSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="The local hour's start, ISO-8601 with offset.")
    hour = serializers.IntegerField(min_value=0, max_value=23, help_text="Local hour of day.")
    kwh = serializers.FloatField()


class ConsumptionPeakSerializer(serializers.Serializer):
    hour = serializers.IntegerField(min_value=0, max_value=23)
    kwh = serializers.FloatField()


class DailyConsumptionSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    date = serializers.DateField()
    tz = serializers.CharField()
    hours = ConsumptionHourSerializer(many=True, help_text="23, 24 or 25 hours (daylight saving).")
    total_kwh = serializers.FloatField()
    peak = ConsumptionPeakSerializer(allow_null=True, help_text="The busiest hour; null if all 0.")
    average_kwh = serializers.FloatField()


class ConsumptionDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kwh = serializers.FloatField()


class RangeConsumptionSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    start = serializers.DateField()
    end = serializers.DateField()
    tz = serializers.CharField()
    days = ConsumptionDaySerializer(many=True, help_text="Every local day from start to end.")
    total_kwh = serializers.FloatField()


class PeriodBucketSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="The bucket's local start, ISO-8601 with offset.")
    kwh = serializers.FloatField()
    readings = serializers.IntegerField(min_value=0, help_text="Readings stored in the bucket.")
    expected_readings = serializers.IntegerField(
        min_value=0,
        help_text="Readings the device's interval gives for the elapsed part of the bucket.",
    )
    cost = cost_field()
    estimated = serializers.BooleanField(
        help_text="Part of kwh is estimated: a gap between two register readings, whose "
        "difference is spread over the hours it spans in proportion to time."
    )


class PeriodTotalSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(help_text="Exclusive.")
    total_kwh = serializers.FloatField()
    total_cost = cost_field()


class ProjectionSerializer(serializers.Serializer):
    total_kwh = serializers.FloatField(help_text="This period's kWh so far × length / basis.")
    total_cost = cost_field(
        "This period's cost so far × length / basis, rounded half-even to 6 decimal places "
        "(a decimal string); null when the period's cost is null."
    )
    basis_hours = serializers.FloatField(
        help_text="Hours from the period's start to the latest reading: the pace's basis."
    )


class PeriodConsumptionSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    period = serializers.ChoiceField(choices=["day", "week", "month", "year"])
    start = serializers.DateTimeField(help_text="The period's local start, with offset.")
    end = serializers.DateTimeField(help_text="The period's local end (exclusive), with offset.")
    tz = serializers.CharField()
    bucket = serializers.ChoiceField(choices=["hour", "day", "month"])
    buckets = PeriodBucketSerializer(many=True, help_text="They tile the period, in order.")
    total_kwh = serializers.FloatField()
    total_cost = cost_field()
    currency = currency_field()
    # Serializer.partial is DRF's own attribute; the metaclass takes the field out of the class.
    partial = serializers.BooleanField(help_text="The period is not over yet.")  # type: ignore[assignment]
    last_reading_at = serializers.DateTimeField(
        allow_null=True, help_text="The device's latest reading in the period."
    )
    previous = PeriodTotalSerializer(help_text="The period before this one.")
    last_year = PeriodTotalSerializer(help_text="The same kind of period, a year earlier.")
    projection = ProjectionSerializer(
        allow_null=True,
        help_text=(
            "A partial period with a reading: where it ends at its pace so far (totals × period "
            "length / time from its start to the latest reading); else null."
        ),
    )


class FleetOverMaxSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    name = serializers.CharField()
    hours_over = serializers.IntegerField(
        min_value=1, help_text="UTC hours of the local day whose kWh went over the maximum."
    )


class FleetSilentSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    name = serializers.CharField()
    last_reading_at = serializers.DateTimeField(
        allow_null=True, help_text="Its latest reading ever; null: it never sent one."
    )


class FleetTopSerializer(serializers.Serializer):
    device_id = serializers.UUIDField()
    name = serializers.CharField()
    kwh = serializers.FloatField()
    cost = cost_field()


class FleetOverviewSerializer(serializers.Serializer):
    date = serializers.DateField()
    tz = serializers.CharField()
    devices = serializers.IntegerField(min_value=0, help_text="How many devices there are.")
    total_kwh = serializers.FloatField(help_text="Every device's kWh on the local day.")
    total_cost = cost_field(COST_HELP[:-1] + " (across devices too: two currencies make it null).")
    currency = currency_field()
    over_max = FleetOverMaxSerializer(many=True, help_text="Most hours over first.")
    silent = FleetSilentSerializer(
        many=True, help_text="No reading for more than 3 of its intervals before now."
    )
    top = FleetTopSerializer(many=True, help_text="The 10 biggest consumers of the day.")
