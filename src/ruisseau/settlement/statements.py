"""Statements: the cents each of a giver's flattrs got, and an owner's revenue per thing.

Per-flattr amounts are not stored: they follow exactly from the giver's statement (share, and one
cent more for the ``extra_count`` earliest payable flattrs), which keeps settlement's writes to one
row per giver. A flattr paid in P is one made in P without a pledge, or a pledge paid in P.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from ruisseau.flattrs.models import Flattr, PledgeState
from ruisseau.periods import Period
from ruisseau.settlement.models import GiverStatement, ThingRevenue
from ruisseau.settlement.split import GiverSplit, flattr_cents


@dataclass(frozen=True)
class FlattrLine:
    flattr_id: int
    thing_id: int
    thing_title: str
    made_in: Period
    cents: int


@dataclass(frozen=True)
class GiverPeriod:
    period: Period
    statement: GiverStatement | None
    paid: list[FlattrLine]
    pledged: list[FlattrLine]  # made in this period, waiting for an eligible owner (0 cents)


def paid_flattrs(user_id: int, period: Period):
    """The giver's flattrs paid in ``period``, in split order (time, then id)."""
    day = period.first_day
    return (
        Flattr.objects.filter(user_id=user_id)
        .filter(Q(period=day, pledge__isnull=True) | Q(pledge__state=PledgeState.PAID, pledge__resolved_period=day))
        .select_related("thing")
        .order_by("created_at", "id")
    )


def giver_period(user_id: int, period: Period) -> GiverPeriod:
    statement = GiverStatement.objects.filter(user_id=user_id, period=period.first_day).first()
    if statement is None:
        return GiverPeriod(period, None, [], [])
    split = GiverSplit(statement.spend_cents, statement.fee_cents, statement.share_cents, statement.extra_count)
    paid = [
        FlattrLine(f.id, f.thing_id, f.thing.title, Period.from_date(f.period), flattr_cents(split, rank))
        for rank, f in enumerate(paid_flattrs(user_id, period), start=1)
    ]
    pledged = [
        FlattrLine(f.id, f.thing_id, f.thing.title, period, 0)
        for f in Flattr.objects.filter(user_id=user_id, period=period.first_day, pledge__isnull=False)
        .select_related("thing")
        .order_by("created_at", "id")
    ]
    return GiverPeriod(period, statement, paid, pledged)


def owner_revenue(user_id: int):
    """One row per period and thing: period, thing, flattrs, revenue in cents; newest first."""
    return (
        ThingRevenue.objects.filter(user_id=user_id)
        .select_related("thing")
        .order_by("-period", "-revenue_cents", "thing_id")
    )
