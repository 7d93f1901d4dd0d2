"""The stages of a settlement run, each one set-based SQL over the whole period.

Every stage runs in its own transaction together with the run's progress marker, so a crash
leaves either the stage done or no trace of it; the run resumes at the first stage not done.
Later stages read only what earlier stages recorded (the statements), never the live balances
or owner lists again, so a resumed run computes exactly what an uninterrupted one would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings

from ruisseau.accounts.models import User
from ruisseau.db import analyze, db_time, execute, fetchone
from ruisseau.flattrs import subscriptions
from ruisseau.flattrs.models import Flattr, Pledge, PledgeState
from ruisseau.ledger import bulk
from ruisseau.ledger.models import Account, AccountKind, Reason
from ruisseau.periods import Period
from ruisseau.settlement.models import GiverStatement, ThingRevenue
from ruisseau.things.models import Thing, ThingOwner

F, P_, U, A = Flattr._meta.db_table, Pledge._meta.db_table, User._meta.db_table, Account._meta.db_table
G, R = GiverStatement._meta.db_table, ThingRevenue._meta.db_table
O, T = ThingOwner._meta.db_table, Thing._meta.db_table


@dataclass(frozen=True)
class RunContext:
    period: Period
    fee_bps: int
    receive_requires_giving: bool
    pledge_months: int
    now: datetime

    @property
    def day(self) -> date:
        return self.period.first_day

    @property
    def lapse_cutoff(self) -> date:
        """Pledges made in or before this period lapse if still not payable now."""
        return (self.period - (self.pledge_months - 1)).first_day

    def params(self, **extra) -> dict:
        return {
            "p": self.day,
            "cutoff": self.lapse_cutoff,
            "fee_bps": self.fee_bps,
            "true": True,
            "false": False,
            "currency": settings.CURRENCY,
            "waiting": PledgeState.WAITING.value,
            **extra,
        }


# The flattrs that may be paid in P: those made in P, and pledges from earlier periods still
# waiting (a pledge keeps its original time, and carries its giver and thing).
CANDIDATES = f"""
    SELECT f.id, f.user_id, f.thing_id, f.created_at, 1 AS made_in_p FROM {F} f WHERE f.period = %(p)s
    UNION ALL
    SELECT f.id, pl.user_id, pl.thing_id, f.created_at, 0 FROM {P_} pl JOIN {F} f ON f.id = pl.flattr_id
    WHERE pl.state = %(waiting)s AND pl.since_period < %(p)s"""

# Temporary tables of one split. They are dropped at its end; after an error they vanish with
# the rollback (DDL is transactional on both databases).
KEYS, GIVERS, RANKED = "ruisseau_settle_keys", "ruisseau_settle_givers", "ruisseau_settle_ranked"
E = "ruisseau_settle_eligible"
_TEMPORARY = (KEYS, GIVERS, E, RANKED)


def materialise(ctx: RunContext) -> None:
    subscriptions.materialise(ctx.period)


def split(ctx: RunContext) -> None:
    """Snapshot the givers (budget, funds, active giver) and the eligible owners, then split:
    each giver's statement, each owner's revenue per thing, the pledges' states.

    One stage, so the snapshots and the split read the same data (one snapshot on PostgreSQL,
    see run.py). The candidates are ranked once into a temporary table; each write below is one
    set-based INSERT or UPDATE from it, and each statement row is inserted complete."""
    params = ctx.params()
    for table in _TEMPORARY:
        execute(f"DROP TABLE IF EXISTS {table}")
    _snapshot_givers(params)
    _snapshot_eligible_owners(ctx, params)
    _rank_candidates(params)
    _giver_statements(params)
    analyze(G)  # the revenue joins this period's 10^5 statements; unanalysed, it looks empty
    _thing_revenue(params)
    _pledges(ctx, params)
    for table in (GIVERS, E, RANKED):
        execute(f"DROP TABLE {table}")
    analyze(R)  # the ledger stage reads it


def _snapshot_givers(params: dict) -> None:
    """Everyone with a candidate flattr, with budget and funds as the period closes. An active
    giver made a flattr in P and their funds cover their budget."""
    execute(
        f"""CREATE TEMP TABLE {KEYS} AS
            SELECT c.user_id, MAX(c.made_in_p) AS made_in_p FROM ({CANDIDATES}) c GROUP BY c.user_id""",
        params,
    )
    analyze(KEYS, sample=10)  # so that the join below is planned for 10^5 givers, not a guessed 200
    execute(
        f"""CREATE TEMP TABLE {GIVERS} AS
            SELECT k.user_id, u.budget_cents, COALESCE(a.balance_cents, 0) AS funds_cents,
                   (k.made_in_p = 1 AND COALESCE(a.balance_cents, 0) >= u.budget_cents) AS active_giver
            FROM {KEYS} k JOIN {U} u ON u.id = k.user_id
            LEFT JOIN {A} a ON a.user_id = k.user_id AND a.kind = %(funds)s AND a.currency = %(currency)s""",
        {**params, "funds": AccountKind.USER_FUNDS.value},
    )
    execute(f"DROP TABLE {KEYS}")
    execute(f"CREATE UNIQUE INDEX {GIVERS}_user ON {GIVERS} (user_id)")
    analyze(GIVERS, sample=10)


def _snapshot_eligible_owners(ctx: RunContext, params: dict) -> None:
    """Verified, active owners of enabled things — and, with give-to-receive on, only those who
    are active givers of P (which does not depend on the split itself).

    A temporary table: only this stage reads it (the statements and revenue record the
    outcome), so it is not logged, and it vanishes with the stage. Owners of things nobody
    flattred are in it too; the split only ever joins it to candidates, so they change
    nothing, and three hash joins cost less than asking each owned thing whether it has a
    candidate."""
    giving = (
        f"JOIN {GIVERS} g ON g.user_id = o.user_id AND g.active_giver = %(true)s"
        if ctx.receive_requires_giving
        else ""
    )
    execute(
        f"""CREATE TEMP TABLE {E} AS
            SELECT o.thing_id, o.user_id, o.weight_bps FROM {O} o
            JOIN {T} t ON t.id = o.thing_id AND t.disabled = %(false)s
            JOIN {U} u ON u.id = o.user_id AND u.is_active = %(true)s AND u.closed_at IS NULL
            {giving}
            WHERE o.verified = %(true)s""",
        params,
    )
    # SQLite joins through indexes only (the revenue's per-thing weights took minutes without it).
    execute(f"CREATE UNIQUE INDEX {E}_thing_user ON {E} (thing_id, user_id)")
    analyze(E, sample=10)


def _rank_candidates(params: dict) -> None:
    """One row per candidate flattr, flagged ``payable`` when its thing has an eligible owner
    and its giver is not one (a giver who became an owner of a thing after flattring it is never
    paid from their own funds: that flattr waits, then lapses), and ``multi`` when the thing has
    several eligible owners. ``rnk`` orders a giver's payable flattrs by time, then id: the
    earliest get the leftover cents.

    "The giver is an owner" is asked of the thing's lowest and highest eligible owner ids, read
    in the one join per candidate; only a thing with three or more eligible owners needs a
    look-up in the eligible owners' index."""
    execute(
        f"""CREATE TEMP TABLE {RANKED} AS
            SELECT x.id, x.user_id, x.thing_id, x.made_in_p, x.payable, x.multi,
                   ROW_NUMBER() OVER (PARTITION BY x.user_id, x.payable ORDER BY x.created_at, x.id) AS rnk
            FROM (SELECT c.id, c.user_id, c.thing_id, c.created_at, c.made_in_p,
                         CASE WHEN w.owners IS NULL OR c.user_id = w.lowest OR c.user_id = w.highest THEN 0
                              WHEN w.owners <= 2 THEN 1
                              WHEN EXISTS (SELECT 1 FROM {E} s WHERE s.thing_id = c.thing_id
                                                                  AND s.user_id = c.user_id) THEN 0
                              ELSE 1 END AS payable,
                         CASE WHEN w.owners > 1 THEN 1 ELSE 0 END AS multi
                  FROM ({CANDIDATES}) c
                  LEFT JOIN (SELECT thing_id, COUNT(*) AS owners, MIN(user_id) AS lowest, MAX(user_id) AS highest
                             FROM {E} GROUP BY thing_id) w ON w.thing_id = c.thing_id) x""",
        params,
    )
    analyze(RANKED, sample=10)


def _giver_statements(params: dict) -> None:
    """One complete statement per candidate giver: with n payable flattrs, spend = min(budget,
    funds), fee = floor(spend × fee_bps / 10000), each flattr gets (spend − fee) // n and the
    (spend − fee) mod n earliest one cent more; with none, nothing is spent."""
    execute(
        f"""INSERT INTO {G} (period, user_id, budget_cents, funds_cents, active_giver,
                             payable_count, spend_cents, fee_cents, share_cents, extra_count)
            SELECT %(p)s, user_id, budget_cents, funds_cents, active_giver, n, spend, fee,
                   CASE WHEN n > 0 THEN (spend - fee) / n ELSE 0 END,
                   CASE WHEN n > 0 THEN (spend - fee) %% n ELSE 0 END
            FROM (SELECT user_id, budget_cents, funds_cents, active_giver, n, spend,
                         spend * %(fee_bps)s / 10000 AS fee
                  FROM (SELECT g.user_id, g.budget_cents, g.funds_cents, g.active_giver,
                               COALESCE(c.n, 0) AS n,
                               CASE WHEN c.n IS NULL THEN 0
                                    WHEN g.funds_cents < g.budget_cents THEN g.funds_cents
                                    ELSE g.budget_cents END AS spend
                        FROM {GIVERS} g
                        LEFT JOIN (SELECT user_id, MAX(rnk) AS n FROM {RANKED} WHERE payable = 1
                                   GROUP BY user_id) c ON c.user_id = g.user_id) s) t
            ORDER BY user_id""",
        params,
    )


def _thing_revenue(params: dict) -> None:
    """Each eligible owner's revenue per thing. A thing with one eligible owner gets the sum of
    its flattrs' cents. For a thing with several, each distinct amount is split once among the
    owners (floor by weight, leftover cents by largest remainder then lower user id) and
    multiplied by the number of flattrs that carried it."""
    execute(
        f"""INSERT INTO {R} (period, thing_id, user_id, flattr_count, revenue_cents)
            WITH amounts AS (
                SELECT r.thing_id,
                       CASE WHEN r.multi = 1
                            THEN g.share_cents + CASE WHEN r.rnk <= g.extra_count THEN 1 ELSE 0 END
                            ELSE -1 END AS amount,
                       g.share_cents + CASE WHEN r.rnk <= g.extra_count THEN 1 ELSE 0 END AS cents
                FROM {RANKED} r JOIN {G} g ON g.period = %(p)s AND g.user_id = r.user_id
                WHERE r.payable = 1),
            grouped AS (SELECT thing_id, amount, COUNT(*) AS cnt, CAST(SUM(cents) AS BIGINT) AS total
                        FROM amounts GROUP BY thing_id, amount),
            weights AS (SELECT thing_id, SUM(weight_bps) AS total FROM {E}
                        GROUP BY thing_id HAVING COUNT(*) > 1),
            owner_base AS (
                SELECT gr.thing_id, gr.amount, gr.cnt, e.user_id,
                       gr.amount * e.weight_bps / w.total AS base,
                       ROW_NUMBER() OVER (PARTITION BY gr.thing_id, gr.amount
                                          ORDER BY gr.amount * e.weight_bps %% w.total DESC, e.user_id) AS rrank
                FROM grouped gr
                JOIN weights w ON w.thing_id = gr.thing_id
                JOIN {E} e ON e.thing_id = gr.thing_id
                WHERE gr.amount >= 0),
            owner_cents AS (
                SELECT thing_id, user_id, cnt,
                       base + CASE WHEN rrank <= amount - SUM(base) OVER (PARTITION BY thing_id, amount)
                                   THEN 1 ELSE 0 END AS cents
                FROM owner_base)
            SELECT %(p)s, thing_id, user_id, cnt, total FROM (
                SELECT gr.thing_id, e.user_id, gr.cnt, gr.total
                FROM grouped gr JOIN {E} e ON e.thing_id = gr.thing_id
                WHERE gr.amount = -1
                UNION ALL
                SELECT thing_id, user_id, CAST(SUM(cnt) AS BIGINT), CAST(SUM(cnt * cents) AS BIGINT)
                FROM owner_cents GROUP BY thing_id, user_id) x
            ORDER BY thing_id, user_id""",
        params,
    )


def _pledges(ctx: RunContext, params: dict) -> None:
    # Waiting pledges from earlier periods: paid now if payable ...
    execute(
        f"""UPDATE {P_} SET state = %(paid)s, resolved_period = %(p)s
            WHERE state = %(waiting)s AND since_period < %(p)s
              AND flattr_id IN (SELECT id FROM {RANKED} WHERE made_in_p = 0 AND payable = 1)""",
        {**params, "paid": PledgeState.PAID.value},
    )
    # ... else lapsed once they have had PLEDGE_MONTHS chances.
    execute(
        f"""UPDATE {P_} SET state = %(lapsed)s, resolved_period = %(p)s
            WHERE state = %(waiting)s AND since_period <= %(cutoff)s""",
        {**params, "lapsed": PledgeState.LAPSED.value},
    )
    # This period's flattrs that are not payable become pledges (lapsing at once only when
    # PLEDGE_MONTHS is 1).
    lapses_now = ctx.pledge_months == 1
    execute(
        f"""INSERT INTO {P_} (flattr_id, user_id, thing_id, since_period, state, resolved_period)
            SELECT id, user_id, thing_id, %(p)s, %(state)s, %(resolved)s FROM {RANKED}
            WHERE made_in_p = 1 AND payable = 0 ORDER BY id""",
        {
            **params,
            "state": (PledgeState.LAPSED if lapses_now else PledgeState.WAITING).value,
            "resolved": ctx.day if lapses_now else None,
        },
    )


def post_to_ledger(ctx: RunContext, fee_account_id: int, clearing_account_id: int) -> bulk.BatchResult:
    """One journal per period, ``settle:YYYY-MM``: each giver's spend from funds into settlement
    clearing, the period's fees from clearing to fee income, each owner's revenue from clearing
    to earnings. The journal's input hash covers the period's totals; the statements hold the
    per-giver fee and per-thing detail that ``ledger check`` matches against these transfers."""
    _open_missing_accounts(ctx)
    params = ctx.params(
        key=f"settle:{ctx.period}",
        give=Reason.SETTLEMENT_GIVE.value,
        receive=Reason.SETTLEMENT_RECEIVE.value,
        fee_reason=Reason.SETTLEMENT_FEE.value,
        fee_account=fee_account_id,
        clearing=clearing_account_id,
        funds=AccountKind.USER_FUNDS.value,
        earnings=AccountKind.USER_EARNINGS.value,
    )
    givers, spent, fees = fetchone(
        f"""SELECT COUNT(*), COALESCE(SUM(spend_cents), 0), COALESCE(SUM(fee_cents), 0)
            FROM {G} WHERE period = %(p)s AND spend_cents > 0""",
        params,
    )
    owners, paid = fetchone(
        f"SELECT COUNT(DISTINCT user_id), COALESCE(SUM(revenue_cents), 0) FROM {R} WHERE period = %(p)s",
        params,
    )
    params["input"] = f"v2:givers={givers}:spent={spent}:fees={fees}:owners={owners}:paid={paid}"
    source = f"""
        SELECT CAST(%(key)s AS TEXT) AS idempotency_key, CAST(%(input)s AS TEXT) AS journal_input,
               CAST(%(give)s AS TEXT) AS kind, a.id AS debit_account_id,
               CAST(%(clearing)s AS BIGINT) AS credit_account_id,
               g.spend_cents AS amount_cents, CAST(%(give)s AS TEXT) AS reason
        FROM {G} g JOIN {A} a ON a.user_id = g.user_id AND a.kind = %(funds)s AND a.currency = %(currency)s
        WHERE g.period = %(p)s AND g.spend_cents > 0
        UNION ALL
        SELECT %(key)s, %(input)s, %(give)s, %(clearing)s, %(fee_account)s, SUM(fee_cents), %(fee_reason)s
        FROM {G} WHERE period = %(p)s HAVING SUM(fee_cents) > 0
        UNION ALL
        SELECT %(key)s, %(input)s, %(give)s, %(clearing)s, a.id, r.total, %(receive)s
        FROM (SELECT user_id, SUM(revenue_cents) AS total FROM {R} WHERE period = %(p)s
              GROUP BY user_id) r
        JOIN {A} a ON a.user_id = r.user_id AND a.kind = %(earnings)s AND a.currency = %(currency)s
        WHERE r.total > 0"""
    return bulk.post_batch(source, params, now=ctx.now)


def _open_missing_accounts(ctx: RunContext) -> None:
    for kind, source in (
        (AccountKind.USER_FUNDS, f"SELECT user_id FROM {G} WHERE period = %(p)s"),
        (AccountKind.USER_EARNINGS, f"SELECT DISTINCT user_id FROM {R} WHERE period = %(p)s"),
    ):
        execute(
            f"""INSERT INTO {A} (kind, user_id, currency, balance_cents, created_at)
                SELECT %(kind)s, s.user_id, %(currency)s, 0, %(now)s FROM ({source}) s
                WHERE NOT EXISTS (SELECT 1 FROM {A} a WHERE a.user_id = s.user_id AND a.kind = %(kind)s
                                  AND a.currency = %(currency)s)
                ON CONFLICT DO NOTHING""",
            ctx.params(kind=kind.value, now=db_time(ctx.now)),
        )


def clearing_balance(clearing_account_id: int) -> int:
    return fetchone(f"SELECT balance_cents FROM {A} WHERE id = %s", [clearing_account_id])[0]
