"""Small helpers for the raw SQL of set-based jobs, which runs on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connection, connections
from django.db.models import CharField, Func
from django.db.backends.signals import connection_created
from django.dispatch import receiver


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def prepared_cursor():
    """A cursor for the few statements every API call or busy page runs. On PostgreSQL it binds parameters on
    the server, so psycopg prepares each statement once the connection has run it a few times and
    PostgreSQL then skips parsing and planning it (planning the token lookup's join costs more than
    running it). Django's own cursors bind in the client and cannot prepare. Elsewhere, or with
    RUISSEAU_DATABASE_PREPARED_STATEMENTS off, it is the usual cursor. Either way it is Django's
    wrapper (health check, error translation, query logging in tests) around the driver's cursor."""
    if not (is_postgres() and settings.DATABASE_PREPARED_STATEMENTS):
        return connection.cursor()
    import psycopg

    db = connections[DEFAULT_DB_ALIAS]  # once: each use of the `connection` proxy costs a lookup
    db.close_if_health_check_failed()
    db.ensure_connection()
    raw = psycopg.Cursor(db.connection)
    return db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)


def fetchone_checking_connection(sql: str, params: list | tuple = ()) -> tuple | None:
    """Run a READ-ONLY statement through prepared_cursor() and return its first row, letting it stand
    in for Django's connection health check (CONN_HEALTH_CHECKS) when it is the request's first.

    The health check spends a round trip (SELECT 1) before the request's first statement so that a
    connection the database dropped since the last request (restart, failover, idle timeout) is
    replaced instead of failing. When the first statement only reads, it can be that check itself:
    if it fails and the connection turns out dead, a new connection is opened and the statement run
    again — what the check would have done, without its round trip when the connection is fine.
    Never use it for a statement that writes: a write may have happened before the connection died."""
    db = connections[DEFAULT_DB_ALIAS]
    standing_in = (db.connection is not None and db.health_check_enabled and not db.health_check_done
                   and not db.in_atomic_block)
    if standing_in:
        db.health_check_done = True
    try:
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    except Error:
        if not standing_in or db.is_usable():
            raise  # the statement failed, not the connection
        db.close()
    with prepared_cursor() as cursor:  # on a new connection
        cursor.execute(sql, params)
        return cursor.fetchone()


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


def _folding_table() -> tuple[str, str]:
    """Each capital and each accented letter of the Latin, Greek and Cyrillic alphabets, and the
    small unaccented letter it folds to (É → e, Ç → c, Ά → α). Letters that fold to two (œ, ß)
    stay as they are: SQL's translate() replaces one character with one."""
    folded_from, folded_to = [], []
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x370, 0x530)]:
        letter = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", letter.lower()) if not unicodedata.combining(c))
        if len(base) == 1 and base != letter:
            folded_from.append(letter)
            folded_to.append(base)
    return "".join(folded_from), "".join(folded_to)


FOLD_FROM, FOLD_TO = _folding_table()
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)


def fold(text: str | None) -> str | None:
    """``text`` without capitals or accents, exactly as ``Folded`` writes a column: "Le Vélo" → "le velo"."""
    return None if text is None else text.translate(_FOLD)


class Folded(Func):
    """A text column folded as ``fold`` folds a word, on either database, for searches that ignore
    case and accents ("velo" finds "Vélo"). PostgreSQL's translate() takes the same table as the
    Python function SQLite calls, so both databases find the same rows (no unaccent extension
    to install, no collation to depend on)."""

    arity = 1
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):  # noqa: ARG002 (Func API)
        sql, params = compiler.compile(self.source_expressions[0])
        return f"translate({sql}, %s, %s)", (*params, FOLD_FROM, FOLD_TO)

    def as_sqlite(self, compiler, connection, **extra_context):  # noqa: ARG002 (Func API)
        connection.ensure_connection()
        _register_sqlite_functions(None, connection)  # the connection may predate this module's import
        sql, params = compiler.compile(self.source_expressions[0])
        return f"ruisseau_fold({sql})", params


@receiver(connection_created)
def _register_sqlite_functions(sender, connection, **kwargs):  # noqa: ARG001 (signal API)
    if connection.vendor == "sqlite":
        connection.connection.create_function("ruisseau_sha256", 1, _sha256_hex, deterministic=True)
        connection.connection.create_function("ruisseau_fold", 1, fold, deterministic=True)


def analyze(*tables: str, sample: int | None = None) -> None:
    """Refresh planner statistics of tables a batch just filled (PostgreSQL). Without them the
    planner believes a freshly written table is nearly empty and picks nested loops over it.

    ``sample`` lowers the statistics target (PostgreSQL samples 300 rows per unit) for a
    temporary table that a few statements of the same batch read: they need its size and
    rough distinct counts, not the histograms the default target of 100 reads 30 000 rows for."""
    if is_postgres():
        with connection.cursor() as cursor:
            if sample:
                cursor.execute(f"SET LOCAL default_statistics_target = {int(sample)}")
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
            if sample:
                cursor.execute("SET LOCAL default_statistics_target TO DEFAULT")


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
