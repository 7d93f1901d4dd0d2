"""Read model of the creator dashboard: revenue per period and per thing, this period's flattrs,
pledges waiting on the creator's things, and whether give-to-receive held revenue back."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count

from ruisseau.flattrs.models import Flattr, Pledge, PledgeState
from ruisseau.periods import Period
from ruisseau.settlement.models import GiverStatement, RunStatus, SettlementRun
from ruisseau.settlement.statements import owner_revenue
from ruisseau.things.models import ThingOwner

CHART_PERIODS = 12


@dataclass
class ThingLine:
    thing_id: int
    title: str
    url: str
    verified: bool
    weight_bps: int
    flattrs_now: int = 0  # this (open) period
    flattrs_total: int = 0  # paid flattrs, all settled periods
    revenue_cents: int = 0
    pledges_waiting: int = 0


@dataclass
class PeriodLine:
    period: Period
    flattrs: int = 0
    revenue_cents: int = 0


@dataclass
class CreatorOverview:
    current: Period
    periods: list[PeriodLine]  # newest first, every period with revenue
    chart: list[PeriodLine]  # oldest first, the last CHART_PERIODS settled periods (zeros included)
    things: list[ThingLine]
    statements: list  # ThingRevenue rows, newest first
    total_cents: int
    pledges_waiting: int
    held_back_period: Period | None  # last settled period in which give-to-receive held revenue back
    unverified: int = field(default=0)
    flattrs_now: int = field(default=0)


def creator_overview(user_id: int, now: datetime) -> CreatorOverview:
    current = Period.containing(now)
    rows = list(owner_revenue(user_id))
    things = _owned_things(user_id)
    periods: dict[Period, PeriodLine] = OrderedDict()
    for row in rows:
        period = Period.from_date(row.period)
        line = periods.setdefault(period, PeriodLine(period))
        line.flattrs += row.flattr_count
        line.revenue_cents += row.revenue_cents
        thing = things.get(row.thing_id)
        if thing is None:  # revenue from a thing they no longer own: still theirs to see
            thing = things[row.thing_id] = ThingLine(row.thing_id, row.thing.title, row.thing.url, False, 0)
        thing.flattrs_total += row.flattr_count
        thing.revenue_cents += row.revenue_cents
    owned_ids = [t.thing_id for t in things.values() if t.weight_bps]
    for item in Flattr.objects.filter(thing_id__in=owned_ids, period=current.first_day).values("thing_id").annotate(n=Count("id")):
        things[item["thing_id"]].flattrs_now = item["n"]
    waiting = 0
    for item in Pledge.objects.filter(thing_id__in=owned_ids, state=PledgeState.WAITING).values("thing_id").annotate(n=Count("flattr_id")):
        things[item["thing_id"]].pledges_waiting = item["n"]
        waiting += item["n"]
    last_settled = _last_settled()
    return CreatorOverview(
        current=current,
        periods=list(periods.values()),
        chart=_chart_periods(periods, last_settled),
        things=sorted(things.values(), key=lambda t: (-t.revenue_cents, -t.flattrs_now, t.title.lower())),
        statements=rows,
        total_cents=sum(p.revenue_cents for p in periods.values()),
        pledges_waiting=waiting,
        held_back_period=_held_back(user_id, waiting, last_settled),
        unverified=sum(1 for t in things.values() if t.weight_bps and not t.verified),
        flattrs_now=sum(t.flattrs_now for t in things.values()),
    )


def _owned_things(user_id: int) -> dict[int, ThingLine]:
    owners = ThingOwner.objects.filter(user_id=user_id).select_related("thing").order_by("thing_id")
    return {
        o.thing_id: ThingLine(o.thing_id, o.thing.title, o.thing.url, o.verified, o.weight_bps)
        for o in owners
    }


def _last_settled() -> Period | None:
    last = SettlementRun.objects.filter(status=RunStatus.DONE).order_by("-period").values_list("period", flat=True).first()
    return None if last is None else Period.from_date(last)


def _chart_periods(periods: dict[Period, PeriodLine], newest: Period | None) -> list[PeriodLine]:
    if newest is None:
        return []
    return [periods.get(newest - back, PeriodLine(newest - back)) for back in range(CHART_PERIODS - 1, -1, -1)]


def _held_back(user_id: int, waiting: int, last: Period | None) -> Period | None:
    """With give-to-receive on, an owner who was not an active giver in the last settled period
    got nothing from it: the flattrs on their things stayed pledges. Say so when some wait."""
    if not settings.RECEIVE_REQUIRES_GIVING or not waiting or last is None:
        return None
    active = GiverStatement.objects.filter(user_id=user_id, period=last.first_day, active_giver=True).exists()
    return None if active else last
