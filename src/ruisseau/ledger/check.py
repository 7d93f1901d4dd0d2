"""Recompute the ledger from its transfers and verify every invariant (``ruisseau ledger check``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ruisseau.db import fetchall, fetchone
from ruisseau.ledger.models import MAY_GO_NEGATIVE, Account, AccountKind, Journal, Transfer


@dataclass
class CheckResult:
    name: str
    checked: int  # how many items the check looked at
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


Check = Callable[[], CheckResult]

_A, _T, _J = Account._meta.db_table, Transfer._meta.db_table, Journal._meta.db_table


def cached_balances() -> CheckResult:
    rows = fetchall(
        f"""SELECT a.id, a.balance_cents, COALESCE(c.total, 0) - COALESCE(d.total, 0)
            FROM {_A} a
            LEFT JOIN (SELECT credit_account_id AS id, SUM(amount_cents) AS total FROM {_T}
                       GROUP BY credit_account_id) c ON c.id = a.id
            LEFT JOIN (SELECT debit_account_id AS id, SUM(amount_cents) AS total FROM {_T}
                       GROUP BY debit_account_id) d ON d.id = a.id
            ORDER BY a.id"""
    )
    problems = [f"account {i}: cached {cached}, transfers say {real}" for i, cached, real in rows if cached != real]
    return CheckResult("cached balance of every account equals its transfers", len(rows), problems)


def zero_sum() -> CheckResult:
    rows = fetchall(f"SELECT currency, SUM(balance_cents) FROM {_A} GROUP BY currency ORDER BY currency")
    problems = [f"{currency}: accounts sum to {total}, not 0" for currency, total in rows if total != 0]
    return CheckResult("all accounts of each currency sum to zero", len(rows), problems)


def no_negative_balances() -> CheckResult:
    allowed = ", ".join(f"'{kind}'" for kind in MAY_GO_NEGATIVE)
    count = fetchone(f"SELECT COUNT(*) FROM {_A}")[0]
    rows = fetchall(
        f"SELECT id, kind, balance_cents FROM {_A} WHERE balance_cents < 0 AND kind NOT IN ({allowed}) ORDER BY id"
    )
    return CheckResult(
        "no funds, earnings or clearing account is negative",
        count,
        [f"account {i} ({kind}) is at {balance}" for i, kind, balance in rows],
    )


def transfers_reference_existing_rows() -> CheckResult:
    """What foreign keys would guarantee (transfers have none, see docs/ledger.md): every
    transfer's journal, debit account and credit account exist. The referenced ids are made
    distinct first: one settlement journal (and its clearing account) is referenced by millions
    of transfers, and a hash join keyed on such a column cannot spill to disk."""
    count = fetchone(f"SELECT COUNT(*) FROM {_T}")[0]
    accounts = fetchall(
        f"""SELECT x.id FROM (SELECT debit_account_id AS id FROM {_T} UNION SELECT credit_account_id FROM {_T}) x
            WHERE NOT EXISTS (SELECT 1 FROM {_A} a WHERE a.id = x.id) ORDER BY x.id LIMIT 20"""
    )
    journals = fetchall(
        f"""SELECT x.id FROM (SELECT DISTINCT journal_id AS id FROM {_T}) x
            WHERE NOT EXISTS (SELECT 1 FROM {_J} j WHERE j.id = x.id) ORDER BY x.id LIMIT 20"""
    )
    return CheckResult(
        "every transfer's journal and both accounts exist",
        count,
        [f"transfers refer to account {r[0]}, which does not exist" for r in accounts]
        + [f"transfers refer to journal {r[0]}, which does not exist" for r in journals],
    )


def transfers_well_formed() -> CheckResult:
    count = fetchone(f"SELECT COUNT(*) FROM {_T}")[0]
    rows = fetchall(
        f"""SELECT t.id FROM {_T} t
            JOIN {_A} d ON d.id = t.debit_account_id JOIN {_A} c ON c.id = t.credit_account_id
            WHERE t.amount_cents <= 0 OR t.debit_account_id = t.credit_account_id
               OR t.currency <> d.currency OR t.currency <> c.currency
            ORDER BY t.id LIMIT 20"""
    )
    return CheckResult(
        "every transfer moves a positive amount between two accounts of its currency",
        count,
        [f"transfer {r[0]} is malformed" for r in rows],
    )


def journals_have_transfers() -> CheckResult:
    count = fetchone(f"SELECT COUNT(*) FROM {_J}")[0]
    # Distinct journal ids first (see transfers_reference_existing_rows): at 10^7 flattrs, an
    # anti-join hashing ledger_transfer on journal_id made a PostgreSQL worker use 6.8 GB.
    rows = fetchall(
        f"""SELECT j.id FROM {_J} j LEFT JOIN (SELECT DISTINCT journal_id FROM {_T}) t ON t.journal_id = j.id
            WHERE t.journal_id IS NULL ORDER BY j.id LIMIT 20"""
    )
    return CheckResult("every journal has at least one transfer", count, [f"journal {r[0]} is empty" for r in rows])


def settlement_clearing_empty() -> CheckResult:
    rows = fetchall(
        f"SELECT id, balance_cents FROM {_A} WHERE kind = %s AND balance_cents <> 0",
        [AccountKind.SETTLEMENT_CLEARING.value],
    )
    return CheckResult(
        "settlement clearing is empty between runs (every cent given reached an owner or the fee)",
        1,
        [f"settlement clearing account {i} holds {b}" for i, b in rows],
    )


LEDGER_CHECKS: list[Check] = [
    cached_balances,
    zero_sum,
    no_negative_balances,
    transfers_reference_existing_rows,
    transfers_well_formed,
    journals_have_transfers,
    settlement_clearing_empty,
]


def run_checks(checks: list[Check]) -> list[CheckResult]:
    return [check() for check in checks]
