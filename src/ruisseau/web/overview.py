"""Read models for the public overview pages (no writes)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count

from ruisseau.flattrs.models import Flattr
from ruisseau.periods import Period
from ruisseau.settlement.models import RunStatus, SettlementRun, ThingRevenue
from ruisseau.settlement.split import split_giver
from ruisseau.things.models import Thing


# This month's flattr count and trending things are aggregates over every flattr of the month:
# read on each view they would grow with the site. They are kept this long in the cache, shared by
# all visitors, as plain numbers and titles; a flattr shows on the home page within this time
# (thing pages, buttons and dashboards show it at once). A thing hidden since is left out at once.
HOME_FIGURES_SECONDS = 30


def home(now: datetime) -> dict:
    current = Period.containing(now)
    key = f"web:home:{current}"
    figures = cache.get(key)
    if figures is None:
        figures = _month_figures(current)
        cache.set(key, figures, HOME_FIGURES_SECONDS)
    trending = figures["trending"]
    if trending:
        hidden = set(Thing.objects.filter(id__in=[t["thing_id"] for t in trending], hidden=True)
                     .values_list("id", flat=True))
        trending = [t for t in trending if t["thing_id"] not in hidden]
    last_run = SettlementRun.objects.filter(status=RunStatus.DONE).order_by("-period").first()
    revenue = []
    if last_run is not None:
        revenue = list(
            ThingRevenue.objects.filter(period=last_run.period)
            .select_related("thing", "user")
            .order_by("-revenue_cents", "thing_id", "user_id")[:20]
        )
    return {
        "current_period": current,
        "current_flattrs": figures["current_flattrs"],
        "trending": trending,
        "last_run": last_run,
        "last_period": Period.from_date(last_run.period) if last_run else None,
        "report": last_run.report if last_run else None,
        "revenue": revenue,
        "currency": settings.CURRENCY,
        "fee_percent": settings.FEE_BPS / 100,
        "min_budget_cents": settings.MIN_BUDGET_CENTS,
        "example": worked_example(500, 3),
        "pledge_months": settings.PLEDGE_MONTHS,
        "receive_requires_giving": settings.RECEIVE_REQUIRES_GIVING,
    }


def _month_figures(current: Period) -> dict:
    trending = list(
        Flattr.objects.filter(period=current.first_day, thing__hidden=False)
        .values("thing_id", "thing__title", "thing__url", "thing__category")
        .annotate(flattrs=Count("id"))
        .order_by("-flattrs", "thing_id")[:10]
    )
    return {"current_flattrs": Flattr.objects.filter(period=current.first_day).count(), "trending": trending}


def worked_example(budget_cents: int, flattrs: int) -> dict:
    """The home page's example, computed by the same split as the settlement."""
    split = split_giver(budget_cents, budget_cents, flattrs, settings.FEE_BPS)
    return {
        "budget_cents": budget_cents,
        "flattrs": flattrs,
        "fee_cents": split.fee_cents,
        "share_cents": split.share_cents,
        "extra_count": split.extra_count,
        "first_cents": split.share_cents + (1 if split.extra_count else 0),
    }
