"""What each of this period's flattrs is worth now (DESIGN.md §3.1), for display.

The settlement splits ``min(budget, funds)`` after the fee evenly among the period's payable
flattrs, the leftover cents one each to the earliest. The dashboard shows that split as if the
month ended now (``estimate``): over the flattrs whose thing has a verified owner, and the
waiting pledges that would be paid; a flattr on a thing nobody has proven yet waits as a pledge
and takes no share. The thing page's hints (``value_now_cents``) stay the simpler even split of
the budget over the month's flattrs: they cost no query.
"""

from __future__ import annotations

from django.conf import settings

from ruisseau.settlement.split import GiverSplit, split_giver


def estimate(budget_cents: int, funds_cents: int, paid_count: int) -> GiverSplit:
    """The settlement's split of one giver if the month ended now."""
    return split_giver(budget_cents, funds_cents, paid_count, settings.FEE_BPS)


def current_split(budget_cents: int, flattr_count: int) -> GiverSplit:
    return estimate(budget_cents, budget_cents, flattr_count)


def value_now_cents(budget_cents: int, flattr_count: int) -> int:
    """The even share of one flattr, in cents; 0 when there is no flattr yet."""
    return current_split(budget_cents, flattr_count).share_cents


def value_if_one_more_cents(budget_cents: int, flattr_count: int) -> int:
    return value_now_cents(budget_cents, flattr_count + 1)
