"""Leave room in ledger_account's pages so balance updates are HOT on PostgreSQL: the balance is
not indexed, so an update that fits in its page writes no index entries (settlement updates one
row per giver and per owner)."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_account SET (fillfactor = 70)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_account RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
