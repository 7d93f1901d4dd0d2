"""Small helpers for the raw SQL of set-based jobs, which runs on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from django.db import connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def db_time(moment: datetime) -> datetime:
    """A timestamp for raw SQL, stored as the ORM stores it: on SQLite naive UTC text (an aware
    value would be written with '+00:00' and sort differently from ORM-written rows)."""
    if is_postgres():
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def sha256_sql(expression: str) -> str:
    """SQL that hashes a text expression to lower-case hex on either database."""
    if is_postgres():
        return f"encode(sha256(convert_to({expression}, 'UTF8')), 'hex')"
    return f"ruisseau_sha256({expression})"


def _sha256_hex(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


@receiver(connection_created)
def _register_sqlite_functions(sender, connection, **kwargs):  # noqa: ARG001 (signal API)
    if connection.vendor == "sqlite":
        connection.connection.create_function("ruisseau_sha256", 1, _sha256_hex, deterministic=True)


def analyze(*tables: str) -> None:
    """Refresh planner statistics of tables a batch just filled (PostgreSQL). Without them the
    planner believes a freshly written table is nearly empty and picks nested loops over it."""
    if is_postgres():
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


def batch_memory(megabytes: int = 256) -> None:
    """Let this transaction's sorts and hashes stay in memory (PostgreSQL's default is 4 MB)."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{int(megabytes)}MB'")


def execute(sql: str, params: dict | list | tuple = ()) -> int:
    """Run one statement; return the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def fetchall(sql: str, params: dict | list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetchone(sql: str, params: dict | list | tuple = ()) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
