from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0012_registers'),
    ]

    operations = [
        migrations.AddField(
            model_name='device',
            name='meter_format',
            field=models.CharField(db_default='ems', default='ems', max_length=16),
        ),
    ]
