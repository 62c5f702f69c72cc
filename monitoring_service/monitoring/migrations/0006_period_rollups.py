import django.db.models.deletion
from django.db import migrations, models

# The counts of the hourly totals and the UTC-day rollup, from the readings stored so far (the
# ingestion statement keeps both current from here on, in the statement that stores a reading).
BACKFILL_HOURLY_READINGS = """
UPDATE monitoring_hourly_consumption AS h SET readings = r.readings
FROM (
    SELECT device_id, date_bin('1 hour', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS hour_start,
           count(*) AS readings
    FROM monitoring_reading GROUP BY 1, 2
) AS r
WHERE h.device_id = r.device_id AND h.hour_start = r.hour_start
"""
BACKFILL_DAILY = """
INSERT INTO monitoring_daily_consumption (device_id, day_start, kwh, readings)
SELECT device_id, date_bin('1 day', hour_start, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
       sum(kwh), sum(readings)
FROM monitoring_hourly_consumption
GROUP BY 1, 2
"""


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0005_alert_order_by_hour'),
    ]

    operations = [
        migrations.AddField(
            model_name='device',
            name='reading_interval_minutes',
            field=models.PositiveSmallIntegerField(db_default=10, default=10),
        ),
        migrations.AddField(
            model_name='hourlyconsumption',
            name='readings',
            field=models.IntegerField(db_default=0, default=0),
        ),
        migrations.CreateModel(
            name='DailyConsumption',
            fields=[
                ('pk', models.CompositePrimaryKey('device_id', 'day_start', blank=True, editable=False, primary_key=True, serialize=False)),
                ('day_start', models.DateTimeField()),
                ('kwh', models.DecimalField(decimal_places=6, max_digits=20)),
                ('readings', models.IntegerField(db_default=0, default=0)),
                ('device', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='monitoring.device')),
            ],
            options={
                'db_table': 'monitoring_daily_consumption',
            },
        ),
        migrations.RunSQL(BACKFILL_HOURLY_READINGS, migrations.RunSQL.noop),
        migrations.RunSQL(BACKFILL_DAILY, migrations.RunSQL.noop),
    ]
