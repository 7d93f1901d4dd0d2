"""How many flattrs a thing ever received: what buttons, badges and the API show (the original
service counted every click, in every period, taken-back ones excepted)."""

from __future__ import annotations

from django.db import connection

from ruisseau.flattrs.models import Flattr

_SQL = f"SELECT COUNT(*) FROM {Flattr._meta.db_table} WHERE thing_id = %s"


def all_time(thing_id: int) -> int:
    # Plain SQL: read after every flattr, and the ORM's aggregate cost more than the query itself.
    # It counts over the (thing, period) index.
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [thing_id])
        return cursor.fetchone()[0]
