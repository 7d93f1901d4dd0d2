"""Single-instance guard for settlement: a second run refuses instead of waiting."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from ruisseau.errors import RuisseauError

# Arbitrary constant naming the lock in PostgreSQL's advisory lock space.
_PG_LOCK_KEY = 0x52_75_69_73  # "Ruis"


class SettlementBusy(RuisseauError):
    code = "settlement_running"


@contextmanager
def settlement_lock() -> Iterator[None]:
    if connection.vendor == "postgresql":
        with _advisory_lock():
            yield
    else:
        with _file_lock():
            yield


def _refuse() -> SettlementBusy:
    return SettlementBusy("Another settlement is running right now; try again when it has finished")


@contextmanager
def _advisory_lock() -> Iterator[None]:
    # Session-level: held across the run's transactions, released if the process dies.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_PG_LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise _refuse()
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_PG_LOCK_KEY])


@contextmanager
def _file_lock() -> Iterator[None]:
    # SQLite lives on one machine, so an flock next to the data is enough; the OS drops it on exit.
    path = os.path.join(settings.DATA_DIR, "settlement.lock")
    handle = open(path, "w")  # noqa: SIM115 (held for the whole run)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _refuse() from None
        yield
    finally:
        handle.close()
