"""A pledge keeps its flattr column (its primary key) without a database foreign-key constraint:
settlement inserts 10^5 pledges in one transaction and PostgreSQL re-checked each one at commit.
What the constraint guaranteed is kept another way (docs/settlement.md): settlement writes
pledges only for flattrs it has just read, Django's PROTECT refuses deleting a pledged flattr, and
`ruisseau ledger check` verifies that every pledge names an existing flattr."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('flattrs', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='pledge',
            name='flattr',
            field=models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='pledge', serialize=False, to='flattrs.flattr'),
        ),
    ]
