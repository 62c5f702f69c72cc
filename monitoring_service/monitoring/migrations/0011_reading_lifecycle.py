"""Raw readings: compact rows (device key, micro-kWh) in monthly partitions; quarter-hours kept.

Existing data is converted: every device gets its key (the sequence), the hourly totals get their
first three quarter-hours and their latest reading's instant from the readings stored so far, and the readings move
to the partitioned table (a partition per month they fall in, and the current month and the next
two), exactly: a value of at most 6 decimals times 10^6 is an integer. Readings of a device no
longer in monitoring_device (unreachable since its deletion) are left behind.
"""

import django.db.models.deletion
from django.db import migrations, models

CREATE_KEY_SEQUENCE = "CREATE SEQUENCE monitoring_device_key_seq AS integer"
OWN_KEY_SEQUENCE = "ALTER SEQUENCE monitoring_device_key_seq OWNED BY monitoring_device.key"

# A reading's place in its UTC hour: ts - hour_start (the same in every session time zone).
BACKFILL_QUARTERS = """
UPDATE monitoring_hourly_consumption AS h
SET q1_kwh = r.q1_kwh, q2_kwh = r.q2_kwh, q3_kwh = r.q3_kwh,
    q1_readings = r.q1_readings, q2_readings = r.q2_readings, q3_readings = r.q3_readings,
    last_ts = r.last_ts, q1_last_ts = r.q1_last_ts, q2_last_ts = r.q2_last_ts,
    q3_last_ts = r.q3_last_ts
FROM (
    SELECT device_id, hour_start, max(ts) AS last_ts,
           max(ts) FILTER (WHERE quarter = 0) AS q1_last_ts,
           max(ts) FILTER (WHERE quarter = 1) AS q2_last_ts,
           max(ts) FILTER (WHERE quarter = 2) AS q3_last_ts,
           coalesce(sum(value) FILTER (WHERE quarter = 0), 0) AS q1_kwh,
           coalesce(sum(value) FILTER (WHERE quarter = 1), 0) AS q2_kwh,
           coalesce(sum(value) FILTER (WHERE quarter = 2), 0) AS q3_kwh,
           count(*) FILTER (WHERE quarter = 0) AS q1_readings,
           count(*) FILTER (WHERE quarter = 1) AS q2_readings,
           count(*) FILTER (WHERE quarter = 2) AS q3_readings
    FROM (
        SELECT device_id, ts, value, hour_start,
               floor(extract(epoch FROM ts - hour_start) / 900)::int AS quarter
        FROM (SELECT device_id, ts, value,
                     date_bin('1 hour', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS hour_start
              FROM monitoring_reading) AS r
    ) AS r
    GROUP BY 1, 2
) AS r
WHERE h.device_id = r.device_id AND h.hour_start = r.hour_start
"""

PARTITION_READINGS = """
ALTER TABLE monitoring_reading RENAME TO monitoring_reading_unpartitioned;
ALTER TABLE monitoring_reading_unpartitioned
    RENAME CONSTRAINT monitoring_reading_pkey TO monitoring_reading_unpartitioned_pkey;
CREATE TABLE monitoring_reading (
    device_key integer NOT NULL,
    ts timestamptz NOT NULL,
    value bigint NOT NULL,
    CONSTRAINT monitoring_reading_pkey PRIMARY KEY (device_key, ts)
) PARTITION BY RANGE (ts);
DO $$
DECLARE
    month timestamptz;
BEGIN
    FOR month IN
        SELECT DISTINCT date_trunc('month', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
        FROM monitoring_reading_unpartitioned
        UNION
        SELECT date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
               + n * INTERVAL '1 month'
        FROM generate_series(0, 2) AS n
    LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF monitoring_reading FOR VALUES FROM (%L) TO (%L)',
            to_char(month AT TIME ZONE 'UTC', '"monitoring_reading_y"YYYY"m"MM'),
            month, month + INTERVAL '1 month'
        );
    END LOOP;
END $$;
INSERT INTO monitoring_reading (device_key, ts, value)
SELECT d.key, r.ts, (r.value * 1000000)::bigint
FROM monitoring_reading_unpartitioned AS r
JOIN monitoring_device AS d ON d.id = r.device_id
ORDER BY 1, 2;
DROP TABLE monitoring_reading_unpartitioned;
"""

# Backwards: one plain table again, by device id and in kWh.
UNPARTITION_READINGS = """
CREATE TABLE monitoring_reading_unpartitioned (
    device_id uuid NOT NULL,
    ts timestamptz NOT NULL,
    value numeric(14, 6) NOT NULL,
    CONSTRAINT monitoring_reading_unpartitioned_pkey PRIMARY KEY (device_id, ts)
);
INSERT INTO monitoring_reading_unpartitioned (device_id, ts, value)
SELECT d.id, r.ts, r.value * 0.000001
FROM monitoring_reading AS r
JOIN monitoring_device AS d ON d.key = r.device_key
ORDER BY 1, 2;
DROP TABLE monitoring_reading;
ALTER TABLE monitoring_reading_unpartitioned RENAME TO monitoring_reading;
ALTER TABLE monitoring_reading
    RENAME CONSTRAINT monitoring_reading_unpartitioned_pkey TO monitoring_reading_pkey;
"""

# The readings by device id and in kWh (exact: micro-kWh times 10^-6 has scale 6), and the hourly
# totals as one row per UTC quarter-hour; a query on a range of quarter_start also bounds
# hour_start, so that it is a range of the hourly primary key.
CREATE_VIEWS = """
CREATE VIEW monitoring_reading_kwh AS
SELECT d.id AS device_id, r.ts, r.value * 0.000001 AS value
FROM monitoring_reading AS r
JOIN monitoring_device AS d ON d.key = r.device_key;
CREATE VIEW monitoring_quarter_consumption AS
SELECT h.device_id, h.hour_start, h.hour_start + q.n * INTERVAL '15 minutes' AS quarter_start,
       q.kwh, q.readings, q.last_ts
FROM monitoring_hourly_consumption AS h
CROSS JOIN LATERAL (VALUES
    (0, h.q1_kwh, h.q1_readings, h.q1_last_ts),
    (1, h.q2_kwh, h.q2_readings, h.q2_last_ts),
    (2, h.q3_kwh, h.q3_readings, h.q3_last_ts),
    (3, h.kwh - h.q1_kwh - h.q2_kwh - h.q3_kwh,
        h.readings - h.q1_readings - h.q2_readings - h.q3_readings,
        CASE WHEN h.last_ts >= h.hour_start + INTERVAL '45 minutes' THEN h.last_ts END)
) AS q(n, kwh, readings, last_ts);
"""


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("monitoring", "0010_alert_read_per_user"),
    ]

    operations = [
        migrations.RunSQL(CREATE_KEY_SEQUENCE, "DROP SEQUENCE IF EXISTS monitoring_device_key_seq"),
        migrations.AddField(
            model_name="device",
            name="key",
            field=models.IntegerField(
                db_default=models.Func(
                    models.Value("monitoring_device_key_seq"),
                    function="nextval",
                    output_field=models.IntegerField(),
                ),
                editable=False,
                unique=True,
            ),
        ),
        migrations.RunSQL(OWN_KEY_SEQUENCE, migrations.RunSQL.noop),
        migrations.AddField(
            model_name="hourlyconsumption",
            name="q1_kwh",
            field=models.DecimalField(db_default=0, decimal_places=6, default=0, max_digits=20),
        ),
        migrations.AddField(
            model_name="hourlyconsumption",
            name="q1_readings",
            field=models.IntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name="hourlyconsumption",
            name="q2_kwh",
            field=models.DecimalField(db_default=0, decimal_places=6, default=0, max_digits=20),
        ),
        migrations.AddField(
            model_name="hourlyconsumption",
            name="q2_readings",
            field=models.IntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name="hourlyconsumption",
            name="q3_kwh",
            field=models.DecimalField(db_default=0, decimal_places=6, default=0, max_digits=20),
        ),
        migrations.AddField(
            model_name="hourlyconsumption",
            name="q3_readings",
            field=models.IntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name="hourlyconsumption",
            name="last_ts",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="hourlyconsumption",
            name="q1_last_ts",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="hourlyconsumption",
            name="q2_last_ts",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="hourlyconsumption",
            name="q3_last_ts",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunSQL(BACKFILL_QUARTERS, migrations.RunSQL.noop),
        migrations.RunSQL(
            PARTITION_READINGS,
            UNPARTITION_READINGS,
            state_operations=[
                migrations.AlterField(
                    model_name="reading",
                    name="device",
                    field=models.ForeignKey(
                        db_column="device_key",
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="monitoring.device",
                        to_field="key",
                    ),
                ),
                migrations.AlterField(
                    model_name="reading",
                    name="value",
                    field=models.BigIntegerField(),
                ),
            ],
        ),
        migrations.RunSQL(
            CREATE_VIEWS,
            "DROP VIEW monitoring_quarter_consumption; DROP VIEW monitoring_reading_kwh;",
        ),
    ]
