"""Transfers keep their journal and account columns (and indexes) without database foreign-key
constraints: see docs/ledger.md. What the constraints guaranteed is kept another way:

* accounts are never deleted: on PostgreSQL a trigger now refuses DELETE on ledger_account (journals
  and transfers already refuse it); SQLite leaves it to Django's PROTECT, as for transfers, because
  the test runner empties tables with DELETE there;
* the writers (services.post, bulk.post_batch) check that every account they move exists, and
  `ruisseau ledger check` verifies that every transfer's journal and accounts exist.

On SQLite, altering the fields rebuilds ledger_transfer, which drops its append-only trigger: it
is created again here.
"""

import django.db.models.deletion
from django.db import migrations, models

PG_REFUSE_DELETE = """
CREATE OR REPLACE FUNCTION ruisseau_accounts_are_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger accounts are closed, never deleted: DELETE on % refused', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_account_kept BEFORE DELETE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ruisseau_accounts_are_kept();
"""

SQLITE_APPEND_ONLY = """
CREATE TRIGGER IF NOT EXISTS ledger_transfer_append_only BEFORE UPDATE ON ledger_transfer
BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only: UPDATE on ledger_transfer refused'); END
"""


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:  # no parameters: the SQL holds a literal '%'
        if connection.vendor == "postgresql":
            cursor.execute(PG_REFUSE_DELETE)
        elif connection.vendor == "sqlite":
            cursor.execute(SQLITE_APPEND_ONLY)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_account_kept ON ledger_account")
        schema_editor.execute("DROP FUNCTION IF EXISTS ruisseau_accounts_are_kept()")


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_account_fillfactor'),
    ]

    operations = [
        migrations.AlterField(
            model_name='transfer',
            name='credit_account',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='credits', to='ledger.account'),
        ),
        migrations.AlterField(
            model_name='transfer',
            name='debit_account',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='debits', to='ledger.account'),
        ),
        migrations.AlterField(
            model_name='transfer',
            name='journal',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='transfers', to='ledger.journal'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
