"""A deliberately simple reference model of the monthly settlement (DESIGN.md §3.3–3.4).

Plain Python, no Django, no database. It is written from the design document only, on purpose
without looking at ``ruisseau.settlement``: two implementations written separately must agree
(tests/integration/test_settlement_reference.py compares them on random data).

Clarity over speed: it loops giver by giver, flattr by flattr, owner by owner.

Periods are plain integers (month indexes, e.g. ``Period.index``); consecutive months are
consecutive integers. Amounts are integer cents.

The rules modelled:

* A flattr is *payable* in period P when its thing has at least one eligible owner in P and its
  giver is not one of them (nobody is paid from their own funds).
* An owner is eligible in P when verified and — if ``receive_requires_giving`` — an *active giver*
  in P: they made at least one flattr whose period is P, and their funds covered their budget
  when P was settled (before any money moved in P).
* A giver with at least one payable flattr in P spends ``min(budget, funds)``; the fee is
  ``floor(spend * fee_bps / 10000)``; ``net = spend - fee`` is split evenly over the ``n`` payable
  flattrs (``net // n`` each), the leftover cents going one each to the earliest payable flattrs
  (by created_at, then flattr id). A giver with no payable flattr spends nothing.
* The cents of one flattr are split among the thing's eligible owners in proportion to their
  weights (renormalised over the eligible owners only): floor each, then the leftover cents one
  each by largest remainder, ties to the lower user id.
* A flattr not payable in its own period becomes a pledge. A pledge is re-examined in every later
  period and becomes payable in the first one in which its thing has an eligible owner; it then
  takes a share of the giver's budget of *that* period like a flattr made then, ranked by its
  original created_at. A pledge made in P0 still not payable when P0 + pledge_months - 1 is
  settled lapses then.
* Subscriptions are modelled as one flattr created at the start of every period they cover
  (unless the user already flattred the thing in that period, or owns it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

WAITING, PAID, LAPSED = "waiting", "paid", "lapsed"


# --------------------------------------------------------------------------------------------
# Input


@dataclass(frozen=True)
class Owner:
    user: int
    weight_bps: int
    verified: bool


@dataclass(frozen=True)
class Flattr:
    id: int
    user: int
    thing: int
    period: int
    created_at: datetime


@dataclass(frozen=True)
class Subscription:
    """Fires (one flattr at the period's start) in every period ``first <= P <= last`` (``last``
    None: open-ended) before ``stops_from`` (pause or cancel; None: never stops)."""

    user: int
    thing: int
    first: int
    last: int | None = None
    stops_from: int | None = None

    def covers(self, period: int) -> bool:
        if period < self.first:
            return False
        if self.last is not None and period > self.last:
            return False
        if self.stops_from is not None and period >= self.stops_from:
            return False
        return True


@dataclass
class PeriodInput:
    """What happened in one period, as seen when it is settled.

    ``owners``: every thing's owners at settlement time (things absent or with an empty list
    have no owner). ``flattrs``: the flattrs made in the period by hand (not subscriptions).
    ``topups`` and ``budgets``: funds added and budgets changed during the period."""

    period: int
    start: datetime
    flattrs: list[Flattr]
    owners: dict[int, list[Owner]]
    topups: dict[int, int] = field(default_factory=dict)
    budgets: dict[int, int] = field(default_factory=dict)


@dataclass
class Rules:
    fee_bps: int = 500
    receive_requires_giving: bool = True
    pledge_months: int = 6


# --------------------------------------------------------------------------------------------
# Output


@dataclass(frozen=True)
class PledgeState:
    state: str
    since: int
    resolved: int | None


@dataclass
class PeriodResult:
    period: int
    funds_before: dict[int, int]  # every user's funds when the period was settled
    budgets: dict[int, int]  # every user's budget in force
    active_givers: set[int]
    givers: dict[int, tuple[int, int]]  # giver -> (spend, fee), only givers with a payable flattr
    payable_counts: dict[int, int]  # giver -> number of payable flattrs
    splits: dict[int, tuple[int, int]]  # giver -> (share, number of flattrs that got one cent more)
    flattr_cents: dict[int, int]  # flattr id -> cents, every flattr paid in the period
    flattr_givers: dict[int, int]  # flattr id -> giver, every flattr paid in the period
    owner_cents: dict[tuple[int, int], int]  # (thing, owner) -> cents
    thing_flattrs: dict[int, int]  # thing -> number of flattrs paid to it in the period
    pledges: dict[int, PledgeState]  # flattr id -> state, every pledge so far
    subscription_flattrs: set[tuple[int, int]]  # (user, thing) flattrs made by subscriptions
    funds_after: dict[int, int]
    earnings_after: dict[int, int]


# --------------------------------------------------------------------------------------------
# The rules, one small function each


def fee_of(spend: int, fee_bps: int) -> int:
    return spend * fee_bps // 10_000


def flattr_shares(net: int, payable: list[Flattr]) -> dict[int, int]:
    """Split ``net`` over the payable flattrs: ``net // n`` each, leftover cents one each to the
    earliest (by created_at, then id)."""
    ordered = sorted(payable, key=lambda f: (f.created_at, f.id))
    n = len(ordered)
    share = net // n
    leftover = net - share * n
    cents = {}
    for rank, flattr in enumerate(ordered):
        cents[flattr.id] = share + (1 if rank < leftover else 0)
    return cents


def split_among_owners(cents: int, owners: list[Owner]) -> dict[int, int]:
    """Split ``cents`` in proportion to the owners' weights (renormalised over these owners):
    floor each part, then the leftover cents by largest remainder, ties to the lower user id."""
    total_weight = sum(o.weight_bps for o in owners)
    parts = {}
    remainders = []
    for owner in owners:
        exact_numerator = cents * owner.weight_bps
        parts[owner.user] = exact_numerator // total_weight
        remainders.append((exact_numerator % total_weight, owner.user))
    leftover = cents - sum(parts.values())
    # largest remainder first; equal remainders: lower user id first
    remainders.sort(key=lambda item: (-item[0], item[1]))
    for i in range(leftover):
        parts[remainders[i][1]] += 1
    return parts


def subscription_flattrs_for(
    period: int, subscriptions: Iterable[Subscription], hand_made: Iterable[Flattr], owners: dict[int, list[Owner]]
) -> list[tuple[int, int]]:
    """(user, thing) of the flattrs the subscriptions make in ``period``."""
    already = {(f.user, f.thing) for f in hand_made}
    made = []
    for sub in subscriptions:
        if not sub.covers(period):
            continue
        if (sub.user, sub.thing) in already:
            continue
        if any(o.user == sub.user for o in owners.get(sub.thing, [])):
            continue
        made.append((sub.user, sub.thing))
        already.add((sub.user, sub.thing))
    return made


# --------------------------------------------------------------------------------------------
# The simulation


def simulate(
    users: dict[int, tuple[int, int]],
    periods: list[PeriodInput],
    rules: Rules,
    subscriptions: Iterable[Subscription] = (),
    subscription_flattr_id: Callable[[int, int, int], int] | None = None,
) -> list[PeriodResult]:
    """Settle ``periods`` in order. ``users``: id -> (budget, funds) before the first period.
    ``subscription_flattr_id(user, thing, period)`` gives the id of a flattr made by a
    subscription (the ids come from the system under test; only ties in time depend on them)."""
    subscriptions = list(subscriptions)
    budget = {u: b for u, (b, _f) in users.items()}
    funds = {u: f for u, (_b, f) in users.items()}
    earnings = {u: 0 for u in users}
    pledges: dict[int, PledgeState] = {}
    pledged_flattrs: dict[int, Flattr] = {}  # flattr id -> flattr, for pledges still waiting
    results = []

    for step in periods:
        P = step.period
        # -- things that happened during the period
        for user, cents in step.topups.items():
            funds[user] += cents
        for user, new_budget in step.budgets.items():
            budget[user] = new_budget

        # -- the flattrs of P: made by hand, plus those the subscriptions make at the start of P
        flattrs_of_p = list(step.flattrs)
        sub_pairs = subscription_flattrs_for(P, subscriptions, step.flattrs, step.owners)
        for user, thing in sub_pairs:
            if subscription_flattr_id is None:
                raise ValueError("subscriptions need subscription_flattr_id")
            flattrs_of_p.append(Flattr(subscription_flattr_id(user, thing, P), user, thing, P, step.start))

        # -- before any money moves: who is an active giver
        funds_before = dict(funds)
        made_a_flattr = set()
        for flattr in flattrs_of_p:
            made_a_flattr.add(flattr.user)
        active_givers = set()
        for user in users:
            if user in made_a_flattr and funds[user] >= budget[user]:
                active_givers.add(user)

        # -- eligible owners of every thing
        def eligible_owners(thing: int) -> list[Owner]:
            eligible = []
            for owner in step.owners.get(thing, []):
                if not owner.verified:
                    continue
                if rules.receive_requires_giving and owner.user not in active_givers:
                    continue
                eligible.append(owner)
            return eligible

        # -- each giver's candidates: flattrs of P and pledges still waiting from earlier periods
        candidates: dict[int, list[Flattr]] = {}
        for flattr in flattrs_of_p:
            candidates.setdefault(flattr.user, []).append(flattr)
        for flattr in pledged_flattrs.values():
            candidates.setdefault(flattr.user, []).append(flattr)

        givers = {}
        payable_counts = {}
        splits = {}
        flattr_cents = {}
        flattr_givers = {}
        owner_cents: dict[tuple[int, int], int] = {}
        thing_flattrs: dict[int, int] = {}
        for giver in sorted(candidates):
            payable = []
            for flattr in candidates[giver]:
                owners = eligible_owners(flattr.thing)
                # Nobody is paid from their own funds: a giver who has since become an eligible
                # owner of the thing makes that flattr unpayable (it waits, then lapses).
                if owners and giver not in {owner.user for owner in owners}:
                    payable.append(flattr)
            if not payable:
                continue  # spends nothing: the budget stays in funds
            spend = min(budget[giver], funds[giver])
            fee = fee_of(spend, rules.fee_bps)
            net = spend - fee
            givers[giver] = (spend, fee)
            payable_counts[giver] = len(payable)
            shares = flattr_shares(net, payable)
            splits[giver] = (net // len(payable), net % len(payable))
            funds[giver] -= spend
            for flattr in payable:
                cents = shares[flattr.id]
                flattr_cents[flattr.id] = cents
                flattr_givers[flattr.id] = giver
                thing_flattrs[flattr.thing] = thing_flattrs.get(flattr.thing, 0) + 1
                for owner_id, part in split_among_owners(cents, eligible_owners(flattr.thing)).items():
                    key = (flattr.thing, owner_id)
                    owner_cents[key] = owner_cents.get(key, 0) + part
                    earnings[owner_id] += part

        # -- pledges: new ones, paid ones, lapsed ones
        for flattr in flattrs_of_p:
            if flattr.id not in flattr_cents:
                pledges[flattr.id] = PledgeState(WAITING, P, None)
                pledged_flattrs[flattr.id] = flattr
        for flattr_id in sorted(pledged_flattrs):
            pledge = pledges[flattr_id]
            if flattr_id in flattr_cents:
                pledges[flattr_id] = PledgeState(PAID, pledge.since, P)
                del pledged_flattrs[flattr_id]
            elif P >= pledge.since + rules.pledge_months - 1:
                pledges[flattr_id] = PledgeState(LAPSED, pledge.since, P)
                del pledged_flattrs[flattr_id]

        results.append(
            PeriodResult(
                period=P,
                funds_before=funds_before,
                budgets=dict(budget),
                active_givers=active_givers,
                givers=givers,
                payable_counts=payable_counts,
                splits=splits,
                flattr_cents=flattr_cents,
                flattr_givers=flattr_givers,
                owner_cents=owner_cents,
                thing_flattrs=thing_flattrs,
                pledges=dict(pledges),
                subscription_flattrs=set(sub_pairs),
                funds_after=dict(funds),
                earnings_after=dict(earnings),
            )
        )
    return results
