"""Settlement invariants, run by ``ruisseau ledger check`` next to the ledger's own."""

from __future__ import annotations

from ruisseau.db import fetchall, fetchone
from ruisseau.flattrs.models import Flattr, Pledge, PledgeState
from ruisseau.ledger.check import CheckResult
from ruisseau.ledger.models import Journal, Transfer
from ruisseau.settlement.models import GiverStatement, RunStatus, SettlementRun, ThingRevenue

_G, _R, _RUN = GiverStatement._meta.db_table, ThingRevenue._meta.db_table, SettlementRun._meta.db_table
_T, _J = Transfer._meta.db_table, Journal._meta.db_table
_F, _P = Flattr._meta.db_table, Pledge._meta.db_table


def _key_prefix(column: str) -> str:
    # 'settle:2026-10:giver:' for a period column holding 2026-10-01, on either database.
    return f"'settle:' || SUBSTR(CAST({column} AS TEXT), 1, 7)"


def givers_match_ledger() -> CheckResult:
    """Each giver's statement equals what the ledger took from their funds, leg by leg."""
    count = fetchone(f"SELECT COUNT(*) FROM {_G} WHERE spend_cents > 0")[0]
    rows = fetchall(
        f"""SELECT g.period, g.user_id, g.spend_cents, COALESCE(SUM(t.amount_cents), 0)
            FROM {_G} g
            JOIN {_RUN} r ON r.period = g.period AND r.status = %s
            LEFT JOIN {_J} j ON j.idempotency_key = {_key_prefix('g.period')} || ':giver:' || CAST(g.user_id AS TEXT)
            LEFT JOIN {_T} t ON t.journal_id = j.id
            GROUP BY g.period, g.user_id, g.spend_cents
            HAVING g.spend_cents <> COALESCE(SUM(t.amount_cents), 0)
            LIMIT 20""",
        [RunStatus.DONE.value],
    )
    return CheckResult(
        "every giver's settlement journal equals their statement's spend",
        count,
        [f"{p}: giver {u} spent {s} by statement but {led} in the ledger" for p, u, s, led in rows],
    )


def owners_match_ledger() -> CheckResult:
    count = fetchone(f"SELECT COUNT(*) FROM (SELECT DISTINCT period, user_id FROM {_R}) x")[0]
    rows = fetchall(
        f"""SELECT o.period, o.user_id, o.total, COALESCE(SUM(t.amount_cents), 0)
            FROM (SELECT period, user_id, SUM(revenue_cents) AS total FROM {_R} GROUP BY period, user_id) o
            JOIN {_RUN} r ON r.period = o.period AND r.status = %s
            LEFT JOIN {_J} j ON j.idempotency_key = {_key_prefix('o.period')} || ':owner:' || CAST(o.user_id AS TEXT)
            LEFT JOIN {_T} t ON t.journal_id = j.id
            GROUP BY o.period, o.user_id, o.total
            HAVING o.total <> COALESCE(SUM(t.amount_cents), 0)
            LIMIT 20""",
        [RunStatus.DONE.value],
    )
    return CheckResult(
        "every owner's revenue statements equal what the ledger paid them",
        count,
        [f"{p}: owner {u} earned {s} by statement but {led} in the ledger" for p, u, s, led in rows],
    )


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
        f"""SELECT g.period, g.user_id, g.payable_count, COALESCE(a.n, 0) + COALESCE(b.n, 0)
            FROM {_G} g
            JOIN {_RUN} r ON r.period = g.period AND r.status = %(done)s
            LEFT JOIN (SELECT f.period, f.user_id, COUNT(*) AS n FROM {_F} f
                       WHERE NOT EXISTS (SELECT 1 FROM {_P} p WHERE p.flattr_id = f.id)
                       GROUP BY f.period, f.user_id) a ON a.period = g.period AND a.user_id = g.user_id
            LEFT JOIN (SELECT resolved_period AS period, user_id, COUNT(*) AS n FROM {_P}
                       WHERE state = %(paid)s GROUP BY resolved_period, user_id) b
                   ON b.period = g.period AND b.user_id = g.user_id
            WHERE g.payable_count <> COALESCE(a.n, 0) + COALESCE(b.n, 0)
            LIMIT 20""",
        {"done": RunStatus.DONE.value, "paid": PledgeState.PAID.value},
    )
    return CheckResult(
        "every giver statement counts exactly the flattrs it paid",
        count,
        [f"{p}: giver {u} statement says {n} payable flattrs, the flattrs say {m}" for p, u, n, m in rows],
    )


SETTLEMENT_CHECKS = [givers_match_ledger, owners_match_ledger, periods_balance, statements_match_flattrs]
