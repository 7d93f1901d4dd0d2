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


def givers_match_ledger() -> CheckResult:
    """Each giver's statement equals what the period's journal took from their funds."""
    count = fetchone(f"SELECT COUNT(*) FROM {_G} WHERE spend_cents > 0")[0]
    rows = fetchall(
        f"""SELECT COALESCE(g.period, m.period), COALESCE(g.user_id, m.user_id),
                   COALESCE(g.spend_cents, 0), COALESCE(m.total, 0)
            FROM (SELECT g.period, g.user_id, g.spend_cents FROM {_G} g
                  JOIN {_RUN} r ON r.period = g.period AND r.status = %(done)s WHERE g.spend_cents > 0) g
            FULL OUTER JOIN (SELECT period, user_id, SUM(amount_cents) AS total FROM ({_MOVES}) mv
                             WHERE kind = %(funds)s GROUP BY period, user_id) m
                 ON m.period = g.period AND m.user_id = g.user_id
            WHERE COALESCE(g.spend_cents, 0) <> COALESCE(m.total, 0)
            LIMIT 20""",
        _params(),
    )
    return CheckResult(
        "every giver's spend in the statements equals what the ledger took from their funds",
        count,
        [f"{p}: giver {u} spent {s} by statement but {led} in the ledger" for p, u, s, led in rows],
    )


def owners_match_ledger() -> CheckResult:
    count = fetchone(f"SELECT COUNT(*) FROM (SELECT DISTINCT period, user_id FROM {_R}) x")[0]
    rows = fetchall(
        f"""SELECT COALESCE(o.period, m.period), COALESCE(o.user_id, m.user_id),
                   COALESCE(o.total, 0), COALESCE(m.total, 0)
            FROM (SELECT v.period, v.user_id, SUM(v.revenue_cents) AS total FROM {_R} v
                  JOIN {_RUN} r ON r.period = v.period AND r.status = %(done)s
                  GROUP BY v.period, v.user_id) o
            FULL OUTER JOIN (SELECT period, user_id, SUM(amount_cents) AS total FROM ({_MOVES}) mv
                             WHERE kind = %(earnings)s GROUP BY period, user_id) m
                 ON m.period = o.period AND m.user_id = o.user_id
            WHERE COALESCE(o.total, 0) <> COALESCE(m.total, 0)
            LIMIT 20""",
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
    rows = fetchall(
        f"""WITH settled AS (SELECT period FROM {_RUN} WHERE status = %(done)s),
            paid AS (
                SELECT f.period, f.user_id FROM {_F} f
                LEFT JOIN {_P} p ON p.flattr_id = f.id
                WHERE p.flattr_id IS NULL AND f.period IN (SELECT period FROM settled)
                UNION ALL
                SELECT resolved_period, user_id FROM {_P} WHERE state = %(paid)s),
            counted AS (SELECT period, user_id, COUNT(*) AS n FROM paid GROUP BY period, user_id),
            stated AS (SELECT g.period, g.user_id, g.payable_count FROM {_G} g
                       WHERE g.period IN (SELECT period FROM settled) AND g.payable_count > 0)
            SELECT COALESCE(s.period, c.period), COALESCE(s.user_id, c.user_id),
                   COALESCE(s.payable_count, 0), COALESCE(c.n, 0)
            FROM stated s FULL OUTER JOIN counted c ON c.period = s.period AND c.user_id = s.user_id
            WHERE COALESCE(s.payable_count, 0) <> COALESCE(c.n, 0)
            LIMIT 20""",
        {"done": RunStatus.DONE.value, "paid": PledgeState.PAID.value},
    )
    return CheckResult(
        "every giver statement counts exactly the flattrs it paid",
        count,
        [f"{p}: giver {u} statement says {n} payable flattrs, the flattrs say {m}" for p, u, n, m in rows],
    )


SETTLEMENT_CHECKS = [givers_match_ledger, owners_match_ledger, periods_balance, statements_match_flattrs]
