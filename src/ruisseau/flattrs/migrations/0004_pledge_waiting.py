"""A partial index of the waiting pledges by period: settlement's candidates and its lapse update
read only those, and without it scan every pledge paid or lapsed since the site opened."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('flattrs', '0003_pledge_three_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='pledge',
            index=models.Index(condition=models.Q(('state', 'waiting')), fields=['since_period'], name='pledge_waiting'),
        ),
    ]
