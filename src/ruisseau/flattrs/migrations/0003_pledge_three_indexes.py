"""Pledges keep three indexes instead of five: settlement inserts about one pledge per ten flattrs
(10^5 a month at 10^6 flattrs) and updates those it pays, and each index costs every one of them.

* ``(thing, state)`` replaces both ``(state, thing)`` and the foreign key's ``thing`` index: every
  reader of a thing's pledges names the thing (a thing's waiting pledges on the creator and add
  pages, settlement's "has a waiting pledge" probe), and the thing alone is its prefix.
* ``(resolved_period, user)`` goes: no query reads pledges by resolution period first (a giver's
  paid pledges are found from the giver's flattrs, joined to their pledge by its key).
* The key (``flattr``) and the foreign key's ``user`` index stay (a giver's pledges).

Reversible: going back recreates the two removed indexes and the ``thing`` index.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('flattrs', '0002_pledge_flattr_checked_by_settlement'),
        ('things', '0002_sites'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='pledge',
            index=models.Index(fields=['thing', 'state'], name='pledge_by_thing_state'),
        ),
        migrations.RemoveIndex(
            model_name='pledge',
            name='pledge_by_state_thing',
        ),
        migrations.RemoveIndex(
            model_name='pledge',
            name='pledge_by_resolved_user',
        ),
        migrations.AlterField(
            model_name='pledge',
            name='thing',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='pledges', to='things.thing'),
        ),
    ]
