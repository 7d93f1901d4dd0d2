"""The stages of a settlement run, each one set-based SQL over the whole period.

Every stage runs in its own transaction together with the run's progress marker, so a crash
leaves either the stage done or no trace of it; the run resumes at the first stage not done.
Later stages read only what earlier stages recorded (statements, eligible owners), never the
live balances or owner lists again, so a resumed run computes exactly what an uninterrupted one
would.
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
from ruisseau.settlement.models import EligibleOwner, GiverStatement, ThingRevenue
from ruisseau.things.models import Thing, ThingOwner

F, P_, U, A = Flattr._meta.db_table, Pledge._meta.db_table, User._meta.db_table, Account._meta.db_table
G, E, R = GiverStatement._meta.db_table, EligibleOwner._meta.db_table, ThingRevenue._meta.db_table
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


# The flattrs that may be paid in P: those made in P, and pledges from earlier periods still waiting.
CANDIDATES = f"""
    SELECT f.id, f.user_id, f.thing_id, f.created_at FROM {F} f WHERE f.period = %(p)s
    UNION ALL
    SELECT f.id, f.user_id, f.thing_id, f.created_at FROM {P_} pl JOIN {F} f ON f.id = pl.flattr_id
    WHERE pl.state = %(waiting)s AND pl.since_period < %(p)s"""

# The same candidates, only who and what, flagged when made in P: pledges carry their giver and
# thing, so the snapshots need no join back to the flattrs.
CANDIDATE_KEYS = f"""
    SELECT f.user_id, f.thing_id, 1 AS made_in_p FROM {F} f WHERE f.period = %(p)s
    UNION ALL
    SELECT pl.user_id, pl.thing_id, 0 FROM {P_} pl WHERE pl.state = %(waiting)s AND pl.since_period < %(p)s"""

def payable(alias: str) -> str:
    """SQL: the flattr ``alias`` (with user_id and thing_id) is payable in P. Its thing has an
    eligible owner, and the giver is not one: a giver who became an owner of a thing after
    flattring it is never paid from their own funds (that flattr waits, then lapses)."""
    return f"""(EXISTS (SELECT 1 FROM {E} e WHERE e.period = %(p)s AND e.thing_id = {alias}.thing_id)
        AND NOT EXISTS (SELECT 1 FROM {E} s WHERE s.period = %(p)s AND s.thing_id = {alias}.thing_id
                        AND s.user_id = {alias}.user_id))"""


PAYABLE = f"""SELECT c.* FROM ({CANDIDATES}) c WHERE {payable('c')}"""


def materialise(ctx: RunContext) -> None:
    subscriptions.materialise(ctx.period)


def snapshot_givers(ctx: RunContext) -> None:
    """Record, for everyone with a candidate flattr, budget and funds as the period closes."""
    execute(
        f"""INSERT INTO {G} (period, user_id, budget_cents, funds_cents, active_giver,
                             payable_count, spend_cents, fee_cents, share_cents, extra_count)
            SELECT %(p)s, u.id, u.budget_cents, COALESCE(a.balance_cents, 0),
                   (g.made_in_p = 1 AND COALESCE(a.balance_cents, 0) >= u.budget_cents),
                   0, 0, 0, 0, 0
            FROM (SELECT user_id, MAX(made_in_p) AS made_in_p FROM ({CANDIDATE_KEYS}) c GROUP BY user_id) g
            JOIN {U} u ON u.id = g.user_id
            LEFT JOIN {A} a ON a.user_id = u.id AND a.kind = %(funds)s AND a.currency = %(currency)s""",
        ctx.params(funds=AccountKind.USER_FUNDS.value),
    )
    analyze(G)


def snapshot_eligible_owners(ctx: RunContext) -> None:
    """Verified, active owners of things with candidate flattrs — and, with give-to-receive on,
    only those who are active givers of P (which does not depend on the split itself)."""
    giving = (
        f"AND EXISTS (SELECT 1 FROM {G} g WHERE g.period = %(p)s AND g.user_id = o.user_id AND g.active_giver = %(true)s)"
        if ctx.receive_requires_giving
        else ""
    )
    execute(
        f"""INSERT INTO {E} (period, thing_id, user_id, weight_bps)
            SELECT %(p)s, o.thing_id, o.user_id, o.weight_bps FROM {O} o
            JOIN {T} t ON t.id = o.thing_id AND t.disabled = %(false)s
            JOIN {U} u ON u.id = o.user_id AND u.is_active = %(true)s AND u.closed_at IS NULL
            WHERE o.verified = %(true)s
              AND o.thing_id IN (SELECT thing_id FROM ({CANDIDATE_KEYS}) c)
              {giving}""",
        ctx.params(),
    )
    analyze(E)


def split(ctx: RunContext) -> None:
    """Each giver's spend, fee and shares; each owner's revenue per thing; pledge states."""
    params = ctx.params()
    execute(
        f"""WITH counts AS (SELECT user_id, COUNT(*) AS n FROM ({PAYABLE}) p GROUP BY user_id),
                 spent AS (SELECT g.id, c.n,
                                  CASE WHEN g.funds_cents < g.budget_cents THEN g.funds_cents
                                       ELSE g.budget_cents END AS spend
                           FROM {G} g JOIN counts c ON c.user_id = g.user_id WHERE g.period = %(p)s),
                 split AS (SELECT id, n, spend, spend * %(fee_bps)s / 10000 AS fee FROM spent)
            UPDATE {G} SET payable_count = s.n, spend_cents = s.spend, fee_cents = s.fee,
                           share_cents = (s.spend - s.fee) / s.n, extra_count = (s.spend - s.fee) %% s.n
            FROM split s WHERE {G}.id = s.id""",
        params,
    )
    _thing_revenue(params)
    analyze(R)
    _pledges(ctx, params)


def _thing_revenue(params: dict) -> None:
    # Per-flattr cents are grouped by (thing, cents) first: splitting a given amount among a
    # thing's owners always gives the same result, so each distinct pair is split only once.
    execute(
        f"""INSERT INTO {R} (period, thing_id, user_id, flattr_count, revenue_cents)
            WITH ranked AS (
                SELECT p.thing_id, p.user_id,
                       ROW_NUMBER() OVER (PARTITION BY p.user_id ORDER BY p.created_at, p.id) AS rnk
                FROM ({PAYABLE}) p),
            cents AS (
                SELECT r.thing_id, g.share_cents + CASE WHEN r.rnk <= g.extra_count THEN 1 ELSE 0 END AS cents
                FROM ranked r JOIN {G} g ON g.period = %(p)s AND g.user_id = r.user_id),
            grouped AS (SELECT thing_id, cents, COUNT(*) AS cnt FROM cents GROUP BY thing_id, cents),
            weights AS (SELECT thing_id, SUM(weight_bps) AS total FROM {E} WHERE period = %(p)s GROUP BY thing_id),
            owner_base AS (
                SELECT gr.thing_id, gr.cents, gr.cnt, e.user_id,
                       gr.cents * e.weight_bps / w.total AS base,
                       ROW_NUMBER() OVER (PARTITION BY gr.thing_id, gr.cents
                                          ORDER BY gr.cents * e.weight_bps %% w.total DESC, e.user_id) AS rrank
                FROM grouped gr
                JOIN {E} e ON e.period = %(p)s AND e.thing_id = gr.thing_id
                JOIN weights w ON w.thing_id = gr.thing_id),
            leftover AS (SELECT thing_id, cents, cents - SUM(base) AS lft FROM owner_base GROUP BY thing_id, cents)
            SELECT %(p)s, ob.thing_id, ob.user_id, SUM(ob.cnt),
                   SUM(ob.cnt * (ob.base + CASE WHEN ob.rrank <= l.lft THEN 1 ELSE 0 END))
            FROM owner_base ob JOIN leftover l ON l.thing_id = ob.thing_id AND l.cents = ob.cents
            GROUP BY ob.thing_id, ob.user_id""",
        params,
    )


def _pledges(ctx: RunContext, params: dict) -> None:
    eligible = payable(P_)
    # Waiting pledges from earlier periods: paid now if their thing has an eligible owner ...
    execute(
        f"""UPDATE {P_} SET state = %(paid)s, resolved_period = %(p)s
            WHERE state = %(waiting)s AND since_period < %(p)s AND {eligible}""",
        {**params, "paid": PledgeState.PAID.value},
    )
    # ... else lapsed once they have had PLEDGE_MONTHS chances.
    execute(
        f"""UPDATE {P_} SET state = %(lapsed)s, resolved_period = %(p)s
            WHERE state = %(waiting)s AND since_period <= %(cutoff)s""",
        {**params, "lapsed": PledgeState.LAPSED.value},
    )
    # This period's flattrs without an eligible owner become pledges (lapsing at once only
    # when PLEDGE_MONTHS is 1).
    lapses_now = ctx.pledge_months == 1
    execute(
        f"""INSERT INTO {P_} (flattr_id, user_id, thing_id, since_period, state, resolved_period)
            SELECT f.id, f.user_id, f.thing_id, %(p)s, %(state)s, %(resolved)s FROM {F} f
            WHERE f.period = %(p)s AND NOT {payable('f')}""",
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
