"""Settlement invariants, run by ``ruisseau ledger check`` next to the ledger's own."""

from __future__ import annotations

from ruisseau.db import fetchall, fetchone
from ruisseau.flattrs.models import Flattr, Pledge, PledgeState
from ruisseau.ledger.check import CheckResult
from ruisseau.ledger.models import Account, AccountKind, Journal, Reason, Transfer
from ruisseau.settlement.models import GiverStatement, RunStatus, SettlementRun, ThingRevenue

_G, _R, _RUN = GiverStatement._meta.db_table, ThingRevenue._meta.db_table, SettlementRun._meta.db_table
_T, _J = Transfer._meta.db_table, Journal._meta.db_table
_F, _P = Flattr._meta.db_table, Pledge._meta.db_table


def _period_key(column: str) -> str:
    # 'settle:2026-10' for a period column holding 2026-10-01, on either database.
    return f"'settle:' || SUBSTR(CAST({column} AS TEXT), 1, 7)"


# The transfers of each settled period's journal, with the user whose account they touch.
_MOVES = f"""SELECT r.period, t.reason, a.user_id, a.kind, t.amount_cents
    FROM {_RUN} r JOIN {_J} j ON j.idempotency_key = {_period_key('r.period')}
    JOIN {_T} t ON t.journal_id = j.id
    JOIN {Account._meta.db_table} a ON a.id = CASE WHEN t.reason = %(give)s THEN t.debit_account_id
                                                   ELSE t.credit_account_id END
    WHERE r.status = %(done)s"""


def _differences(stated_sql: str, found_sql: str, params: dict) -> list[tuple]:
    """Rows (period, user, stated, found) where two per-(period, user) sums disagree, including
    rows present on one side only. A UNION ALL grouped once: a sort or hash on either database,
    where a FULL OUTER JOIN of two derived tables is a nested loop on SQLite."""
    return fetchall(
        f"""SELECT period, user_id, SUM(stated), SUM(found) FROM (
                SELECT period, user_id, amount AS stated, 0 AS found FROM ({stated_sql}) s
                UNION ALL
                SELECT period, user_id, 0, amount FROM ({found_sql}) f
            ) both_sides GROUP BY period, user_id HAVING SUM(stated) <> SUM(found)
            ORDER BY period, user_id LIMIT 20""",
        params,
    )


def givers_match_ledger() -> CheckResult:
    """Each giver's statement equals what the period's journal took from their funds."""
    count = fetchone(f"SELECT COUNT(*) FROM {_G} WHERE spend_cents > 0")[0]
    rows = _differences(
        f"""SELECT g.period, g.user_id, g.spend_cents AS amount FROM {_G} g
            JOIN {_RUN} r ON r.period = g.period AND r.status = %(done)s WHERE g.spend_cents > 0""",
        f"SELECT period, user_id, amount_cents AS amount FROM ({_MOVES}) mv WHERE kind = %(funds)s",
        _params(),
    )
    return CheckResult(
        "every giver's spend in the statements equals what the ledger took from their funds",
        count,
        [f"{p}: giver {u} spent {s} by statement but {led} in the ledger" for p, u, s, led in rows],
    )


def owners_match_ledger() -> CheckResult:
    count = fetchone(f"SELECT COUNT(*) FROM (SELECT DISTINCT period, user_id FROM {_R}) x")[0]
    rows = _differences(
        f"""SELECT v.period, v.user_id, v.revenue_cents AS amount FROM {_R} v
            JOIN {_RUN} r ON r.period = v.period AND r.status = %(done)s""",
        f"SELECT period, user_id, amount_cents AS amount FROM ({_MOVES}) mv WHERE kind = %(earnings)s",
        _params(),
    )
    return CheckResult(
        "every owner's revenue statements equal what the ledger paid them",
        count,
        [f"{p}: owner {u} earned {s} by statement but {led} in the ledger" for p, u, s, led in rows],
    )


def _params() -> dict:
    return {
        "done": RunStatus.DONE.value,
        "give": Reason.SETTLEMENT_GIVE.value,
        "funds": AccountKind.USER_FUNDS.value,
        "earnings": AccountKind.USER_EARNINGS.value,
    }


def periods_balance() -> CheckResult:
    """Per settled period: spent = fees + paid to owners."""
    rows = fetchall(
        f"""SELECT r.period, COALESCE(g.spend, 0), COALESCE(g.fee, 0), COALESCE(o.paid, 0)
            FROM {_RUN} r
            LEFT JOIN (SELECT period, SUM(spend_cents) AS spend, SUM(fee_cents) AS fee FROM {_G} GROUP BY period) g
                   ON g.period = r.period
            LEFT JOIN (SELECT period, SUM(revenue_cents) AS paid FROM {_R} GROUP BY period) o ON o.period = r.period
            WHERE r.status = %s ORDER BY r.period""",
        [RunStatus.DONE.value],
    )
    problems = [f"{p}: spent {s} but fees {f} + owners {o} = {f + o}" for p, s, f, o in rows if s != f + o]
    return CheckResult("each settled period's spend equals its fees plus what owners received", len(rows), problems)


def statements_match_flattrs() -> CheckResult:
    """Each statement's payable count equals the flattrs that statements.py derives as paid."""
    count = fetchone(f"SELECT COUNT(*) FROM {_G}")[0]
    settled = f"SELECT period FROM {_RUN} WHERE status = %(done)s"
    rows = _differences(
        f"""SELECT period, user_id, payable_count AS amount FROM {_G}
            WHERE payable_count > 0 AND period IN ({settled})""",
        f"""SELECT f.period, f.user_id, 1 AS amount FROM {_F} f
            LEFT JOIN {_P} p ON p.flattr_id = f.id
            WHERE p.flattr_id IS NULL AND f.period IN ({settled})
            UNION ALL
            SELECT resolved_period, user_id, 1 FROM {_P} WHERE state = %(paid)s""",
        {"done": RunStatus.DONE.value, "paid": PledgeState.PAID.value},
    )
    return CheckResult(
        "every giver statement counts exactly the flattrs it paid",
        count,
        [f"{p}: giver {u} statement says {n} payable flattrs, the flattrs say {m}" for p, u, n, m in rows],
    )


def statements_follow_the_rules() -> CheckResult:
    """Recompute each statement from its own inputs: spend = min(budget, funds) when something
    was payable (else 0), fee = floor(spend × fee_bps / 10000) with the run's fee."""
    count = fetchone(f"SELECT COUNT(*) FROM {_G}")[0]
    rows = fetchall(
        f"""SELECT g.period, g.user_id, g.spend_cents, g.fee_cents FROM {_G} g
            JOIN {_RUN} r ON r.period = g.period AND r.status = %(done)s
            WHERE g.spend_cents <> CASE WHEN g.payable_count = 0 THEN 0
                                        WHEN g.funds_cents < g.budget_cents THEN g.funds_cents
                                        ELSE g.budget_cents END
               OR g.fee_cents <> g.spend_cents * r.fee_bps / 10000
            LIMIT 20""",
        {"done": RunStatus.DONE.value},
    )
    return CheckResult(
        "every giver statement's spend and fee follow from its budget, funds and the run's fee",
        count,
        [f"{p}: giver {u} statement has spend {s}, fee {f}, which the rules do not give" for p, u, s, f in rows],
    )


def pledges_name_their_flattrs() -> CheckResult:
    """Every pledge names an existing flattr, with the flattr's giver and thing. The pledge's
    flattr column has no database constraint (flattrs/0002, docs/settlement.md); this is what
    the constraint guaranteed, plus the copies of user and thing. A join on unique keys (the
    pledge's primary key, the flattr's), so it hashes or merges at most one row per pledge."""
    count = fetchone(f"SELECT COUNT(*) FROM {_P}")[0]
    rows = fetchall(
        f"""SELECT p.flattr_id, f.id FROM {_P} p LEFT JOIN {_F} f ON f.id = p.flattr_id
            WHERE f.id IS NULL OR f.user_id <> p.user_id OR f.thing_id <> p.thing_id
            ORDER BY p.flattr_id LIMIT 20"""
    )
    return CheckResult(
        "every pledge names an existing flattr with the same giver and thing",
        count,
        [
            f"pledge {p} names a missing flattr" if f is None else f"pledge {p} copies another giver or thing"
            for p, f in rows
        ],
    )


SETTLEMENT_CHECKS = [statements_follow_the_rules, givers_match_ledger, owners_match_ledger, periods_balance, statements_match_flattrs,
                     pledges_name_their_flattrs]
