"""A giver's flattrs get an index in time order, (user, created_at, id), so that the dashboard
reads a page of them, and the API a user's flattrs, without sorting all of them. It replaces the
index Django made for the user foreign key, which it leads with; the thing foreign key's own index
goes too, as (thing, period) leads with it. Five indexes instead of six.

The flattrs table is the largest one, so on PostgreSQL the indexes are built and dropped
CONCURRENTLY, outside a transaction, with writes going on: altering the foreign keys through
Django's AlterField would drop and re-check both constraints under an exclusive lock. The model
state changes as AlterField and AddIndex would say."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "flattrs_flattr"
NEW_INDEX = "flattr_by_user_time"
FOREIGN_KEYS = ("user_id", "thing_id")


def _concurrently(schema_editor) -> str:
    return "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""


def _own_indexes(schema_editor, column: str) -> list[str]:
    """The plain indexes on ``column`` alone (the ones Django made for a foreign key)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [name for name, info in constraints.items()
            if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == [column]]


def forward(apps, schema_editor):
    how = _concurrently(schema_editor)
    q = schema_editor.quote_name
    schema_editor.execute(
        f"CREATE INDEX {how}IF NOT EXISTS {q(NEW_INDEX)} ON {q(TABLE)} ({q('user_id')}, {q('created_at')}, {q('id')})")
    for column in FOREIGN_KEYS:
        for name in _own_indexes(schema_editor, column):
            schema_editor.execute(f"DROP INDEX {how}IF EXISTS {q(name)}")


def backward(apps, schema_editor):
    how = _concurrently(schema_editor)
    q = schema_editor.quote_name
    for column in FOREIGN_KEYS:
        if not _own_indexes(schema_editor, column):
            name = schema_editor._create_index_name(TABLE, [column], suffix="")  # Django's own name
            schema_editor.execute(f"CREATE INDEX {how}{q(name)} ON {q(TABLE)} ({q(column)})")
    schema_editor.execute(f"DROP INDEX {how}IF EXISTS {q(NEW_INDEX)}")


class Migration(migrations.Migration):

    atomic = False  # CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('flattrs', '0004_pledge_waiting'),
        ('things', '0002_sites'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='flattr',
                    name='thing',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='flattrs', to='things.thing'),
                ),
                migrations.AlterField(
                    model_name='flattr',
                    name='user',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='flattrs', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddIndex(
                    model_name='flattr',
                    index=models.Index(fields=['user', 'created_at', 'id'], name='flattr_by_user_time'),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]
