"""The eligible owners of a period were kept in `settlement_eligibleowner`. Only the split stage
ever read them (the snapshot and the split are one transaction since 0002), so the split now
keeps them in a temporary table and this table goes: 82 000 logged, indexed rows a month at
10^6 flattrs that nothing read again (docs/settlement.md, "Performance (measured)", fourth
round). Reversible: going back recreates the empty table, and runs settled from then on fill it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("settlement", "0002_merge_snapshot_stages")]
    operations = [migrations.DeleteModel(name="EligibleOwner")]
