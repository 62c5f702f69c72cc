from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('devices', '0002_device_reading_interval'),
    ]

    operations = [
        migrations.AddField(
            model_name='device',
            name='meter_format',
            field=models.CharField(choices=[('ems', 'EMS JSON'), ('tasmota', 'Tasmota'), ('shelly', 'Shelly Gen2')], default='ems', max_length=16),
        ),
        migrations.AddConstraint(
            model_name='device',
            constraint=models.CheckConstraint(condition=models.Q(('meter_format__in', ('ems', 'tasmota', 'shelly'))), name='device_meter_format_known'),
        ),
    ]
