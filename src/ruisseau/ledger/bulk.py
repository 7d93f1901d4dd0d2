"""Set-based posting for batch jobs (settlement): the database moves the money.

The caller gives a SELECT that yields one row per transfer with the columns
``idempotency_key, journal_input, kind, debit_account_id, credit_account_id, amount_cents, reason``.
Rows with the same key form one journal; ``journal_input`` must describe the journal's input and be
equal on all its legs (its hash guards the key). Guarantees are those of ``services.post``:
keys already posted with the same input are skipped (replays), a key reused with another input
raises IdempotencyConflict, debited accounts are locked in id order and may not go negative, and
transfers and cached balances are written in the caller's transaction.

The legs are read once into a temporary table; after that, each step is one pass over it or over
one of two small tables derived from it: the batch's journals (one row per key) and its balance
changes (one row per account).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

from ruisseau.db import analyze, db_time, execute, fetchall, fetchone, is_postgres, sha256_sql
from ruisseau.errors import InvalidInput
from ruisseau.ledger.errors import AccountClosed, IdempotencyConflict, InsufficientFunds
from ruisseau.ledger.models import MAY_GO_NEGATIVE, Account, Journal, Transfer

_BATCH = "ruisseau_ledger_batch"
_KEYS = "ruisseau_ledger_keys"
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
    for table in (_BATCH, _KEYS, _DELTAS):
        execute(f"DROP TABLE IF EXISTS {table}")
    execute(f"CREATE TEMP TABLE {_BATCH} AS {source_sql}", params)
    # One row per journal of the batch: its input hash, and whether it was posted before.
    execute(
        f"""CREATE TEMP TABLE {_KEYS} AS
            SELECT b.idempotency_key, b.input_hash, b.kind, b.legs, b.amount_cents,
                   j.input_hash AS posted_hash
            FROM (SELECT idempotency_key, {sha256_sql('MIN(journal_input)')} AS input_hash, MIN(kind) AS kind,
                         COUNT(*) AS legs, CAST(SUM(amount_cents) AS BIGINT) AS amount_cents
                  FROM {_BATCH} GROUP BY idempotency_key) b
            LEFT JOIN {journal} j ON j.idempotency_key = b.idempotency_key"""
    )
    clash = fetchone(f"SELECT idempotency_key FROM {_KEYS} WHERE posted_hash <> input_hash LIMIT 1")
    if clash:
        raise IdempotencyConflict(f"The idempotency key {clash[0]!r} was already used for a different input")
    replayed = int(fetchone(f"SELECT COALESCE(SUM(legs), 0) FROM {_KEYS} WHERE posted_hash IS NOT NULL")[0])
    if replayed:  # rare: a batch partly posted before; only then is the batch rewritten
        execute(f"DELETE FROM {_BATCH} WHERE idempotency_key IN (SELECT idempotency_key FROM {_KEYS} "
                f"WHERE posted_hash IS NOT NULL)")
    _lock_and_check(account)
    journals = execute(
        f"""INSERT INTO {journal} (idempotency_key, input_hash, kind, created_at)
            SELECT idempotency_key, input_hash, kind, %(now)s FROM {_KEYS} WHERE posted_hash IS NULL""",
        {"now": db_time(now)},
    )
    # In account order, so that each account index is written from one end to the other.
    transfers = execute(
        f"""INSERT INTO {transfer}
                (journal_id, debit_account_id, credit_account_id, amount_cents, currency, reason, created_at)
            SELECT j.id, b.debit_account_id, b.credit_account_id, b.amount_cents, %(currency)s, b.reason, %(now)s
            FROM {_BATCH} b JOIN {journal} j ON j.idempotency_key = b.idempotency_key
            ORDER BY b.debit_account_id, b.credit_account_id""",
        {"now": db_time(now), "currency": settings.CURRENCY},
    )
    execute(
        f"""UPDATE {account} SET balance_cents = {account}.balance_cents + d.delta
            FROM {_DELTAS} d WHERE {account}.id = d.account_id AND d.delta <> 0"""
    )
    total = fetchone(f"SELECT COALESCE(SUM(amount_cents), 0) FROM {_KEYS} WHERE posted_hash IS NULL")[0]
    # On error the transaction rolls back, and the temporary tables with it (DDL is transactional
    # on both databases), so no clean-up runs in an aborted transaction and hides the real error.
    for table in (_BATCH, _KEYS, _DELTAS):
        execute(f"DROP TABLE {table}")
    return BatchResult(journals=journals, transfers=transfers, replayed_transfers=replayed, amount_cents=int(total))


def _lock_and_check(account: str) -> None:
    """Each account's change, then one pass that locks the accounts in id order, counts them and
    finds those the batch would overdraw. On PostgreSQL a row locked after a concurrent update is
    read in its new version (READ COMMITTED), so the check sees the balance it will add to.

    The changes are stored in account order: the balance update reads them in that order and so
    visits the accounts' pages from first to last instead of at random (at 10^6 accounts their
    pages no longer fit in PostgreSQL's buffers)."""
    execute(
        f"""CREATE TEMP TABLE {_DELTAS} AS
            SELECT account_id, CAST(SUM(delta) AS BIGINT) AS delta FROM (
                SELECT debit_account_id AS account_id, -amount_cents AS delta FROM {_BATCH}
                UNION ALL
                SELECT credit_account_id, amount_cents FROM {_BATCH}
            ) legs GROUP BY account_id ORDER BY account_id"""
    )
    analyze(_DELTAS, sample=10)
    allowed = ", ".join(f"'{kind}'" for kind in MAY_GO_NEGATIVE)
    # Row locks in id order, as everywhere else; SQLite already holds its single write lock.
    lock = " ORDER BY a.id FOR UPDATE OF a" if is_postgres() else ""
    accounts, found, short, closed = fetchone(
        f"""SELECT (SELECT COUNT(*) FROM {_DELTAS}), COUNT(*),
                   COALESCE(SUM(CASE WHEN x.kind NOT IN ({allowed}) AND x.balance_cents + x.delta < 0
                                     THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN x.closed_at IS NOT NULL AND x.delta <> 0 THEN 1 ELSE 0 END), 0)
            FROM (SELECT a.id, a.kind, a.balance_cents, a.closed_at, d.delta FROM {account} a
                  JOIN {_DELTAS} d ON d.account_id = a.id{lock}) x"""
    )
    if found != accounts:
        # Transfers have no foreign-key constraint (docs/ledger.md): refuse a batch that names an
        # account that does not exist, before anything is written.
        raise InvalidInput(f"The batch names {accounts - found} account(s) that do not exist")
    if closed:
        # As post() does: a closed account's balance never moves again (docs/ledger.md).
        ids = [row[0] for row in fetchall(
            f"""SELECT a.id FROM {account} a JOIN {_DELTAS} d ON d.account_id = a.id
                WHERE a.closed_at IS NOT NULL AND d.delta <> 0 ORDER BY a.id LIMIT 5""")]
        raise AccountClosed(f"The batch would move {closed} closed account(s): {', '.join(map(str, ids))}")
    if short:
        rows = fetchall(
            f"""SELECT a.id, a.kind, a.balance_cents, d.delta FROM {account} a JOIN {_DELTAS} d ON d.account_id = a.id
                WHERE a.kind NOT IN ({allowed}) AND a.balance_cents + d.delta < 0 ORDER BY a.id LIMIT 5"""
        )
        detail = "; ".join(f"account {r[0]} ({r[1]}) holds {r[2]}, change {r[3]}" for r in rows)
        raise InsufficientFunds(f"The batch would overdraw {short} account(s): {detail}")
