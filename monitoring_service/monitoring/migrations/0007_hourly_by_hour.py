from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0006_period_rollups'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='hourlyconsumption',
            index=models.Index(fields=['hour_start'], name='hourly_hour_start_idx'),
        ),
    ]
