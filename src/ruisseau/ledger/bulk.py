"""Set-based posting for batch jobs (settlement): the database moves the money.

The caller gives a SELECT that yields one row per transfer with the columns
``idempotency_key, journal_input, kind, debit_account_id, credit_account_id, amount_cents, reason``.
Rows with the same key form one journal; ``journal_input`` must describe the journal's input and be
equal on all its legs (its hash guards the key). Guarantees are those of ``services.post``:
keys already posted with the same input are skipped (replays), a key reused with another input
raises IdempotencyConflict, debited accounts are locked in id order and may not go negative, and
transfers and cached balances are written in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

from ruisseau.db import analyze, db_time, execute, fetchall, fetchone, is_postgres, sha256_sql
from ruisseau.errors import InvalidInput
from ruisseau.ledger.errors import IdempotencyConflict, InsufficientFunds
from ruisseau.ledger.models import MAY_GO_NEGATIVE, Account, Journal, Transfer

_BATCH = "ruisseau_ledger_batch"
_DELTAS = "ruisseau_ledger_deltas"


@dataclass(frozen=True)
class BatchResult:
    journals: int
    transfers: int
    replayed_transfers: int  # legs skipped because their journal was already posted
    amount_cents: int


def post_batch(source_sql: str, params: dict, *, now: datetime) -> BatchResult:
    """Post every journal the SELECT describes. Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_batch must run inside transaction.atomic()")
    journal, transfer, account = Journal._meta.db_table, Transfer._meta.db_table, Account._meta.db_table
    execute(f"DROP TABLE IF EXISTS {_BATCH}")
    execute(f"DROP TABLE IF EXISTS {_DELTAS}")
    execute(f"CREATE TEMP TABLE {_BATCH} AS {source_sql}", params)
    execute(f"CREATE INDEX {_BATCH}_key ON {_BATCH} (idempotency_key)")
    analyze(_BATCH)
    _refuse_conflicts(journal)
    replayed = execute(
        f"DELETE FROM {_BATCH} WHERE idempotency_key IN (SELECT idempotency_key FROM {journal})"
    )
    _lock_and_check(account)
    journals = execute(
        f"""INSERT INTO {journal} (idempotency_key, input_hash, kind, created_at)
            SELECT idempotency_key, {sha256_sql('MIN(journal_input)')}, MIN(kind), %(now)s
            FROM {_BATCH} WHERE 1 = 1 GROUP BY idempotency_key""",
        {"now": db_time(now)},
    )
    transfers = execute(
        f"""INSERT INTO {transfer}
                (journal_id, debit_account_id, credit_account_id, amount_cents, currency, reason, created_at)
            SELECT j.id, b.debit_account_id, b.credit_account_id, b.amount_cents, %(currency)s, b.reason, %(now)s
            FROM {_BATCH} b JOIN {journal} j ON j.idempotency_key = b.idempotency_key""",
        {"now": db_time(now), "currency": settings.CURRENCY},
    )
    execute(
        f"""UPDATE {account} SET balance_cents = {account}.balance_cents + d.delta
            FROM {_DELTAS} d WHERE {account}.id = d.account_id AND d.delta <> 0"""
    )
    total = fetchone(f"SELECT COALESCE(SUM(amount_cents), 0) FROM {_BATCH}")[0]
    # On error the transaction rolls back, and the temporary tables with it (DDL is transactional
    # on both databases), so no clean-up runs in an aborted transaction and hides the real error.
    execute(f"DROP TABLE {_BATCH}")
    execute(f"DROP TABLE {_DELTAS}")
    return BatchResult(journals=journals, transfers=transfers, replayed_transfers=replayed, amount_cents=total)


def _refuse_conflicts(journal: str) -> None:
    clash = fetchone(
        f"""SELECT b.idempotency_key FROM
               (SELECT idempotency_key, {sha256_sql('MIN(journal_input)')} AS h
                FROM {_BATCH} GROUP BY idempotency_key) b
            JOIN {journal} j ON j.idempotency_key = b.idempotency_key
            WHERE j.input_hash <> b.h LIMIT 1"""
    )
    if clash:
        raise IdempotencyConflict(f"The idempotency key {clash[0]!r} was already used for a different input")


def _lock_and_check(account: str) -> None:
    execute(
        f"""CREATE TEMP TABLE {_DELTAS} AS
            SELECT account_id, SUM(delta) AS delta FROM (
                SELECT debit_account_id AS account_id, -amount_cents AS delta FROM {_BATCH}
                UNION ALL
                SELECT credit_account_id, amount_cents FROM {_BATCH}
            ) legs GROUP BY account_id"""
    )
    analyze(_DELTAS)
    accounts = fetchone(f"SELECT COUNT(*) FROM {_DELTAS}")[0]
    if is_postgres():
        # Row locks in id order, as everywhere else; SQLite already holds its single write lock.
        found = fetchone(
            f"""SELECT COUNT(*) FROM (SELECT a.id FROM {account} a
                WHERE a.id IN (SELECT account_id FROM {_DELTAS}) ORDER BY a.id FOR UPDATE) locked"""
        )[0]
    else:
        found = fetchone(f"SELECT COUNT(*) FROM {account} WHERE id IN (SELECT account_id FROM {_DELTAS})")[0]
    if found != accounts:
        # Transfers have no foreign-key constraint (docs/ledger.md): refuse a batch that names an
        # account that does not exist, before anything is written.
        raise InvalidInput(f"The batch names {accounts - found} account(s) that do not exist")
    allowed = ", ".join(f"'{kind}'" for kind in MAY_GO_NEGATIVE)
    short = fetchall(
        f"""SELECT a.id, a.kind, a.balance_cents, d.delta FROM {account} a JOIN {_DELTAS} d ON d.account_id = a.id
            WHERE a.kind NOT IN ({allowed}) AND a.balance_cents + d.delta < 0 ORDER BY a.id LIMIT 5"""
    )
    if short:
        detail = "; ".join(f"account {r[0]} ({r[1]}) holds {r[2]}, change {r[3]}" for r in short)
        raise InsufficientFunds(f"The batch would overdraw {len(short)}+ account(s): {detail}")
