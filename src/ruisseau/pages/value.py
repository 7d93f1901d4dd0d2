"""What each of this period's flattrs is worth now (DESIGN.md §3.1), for display.

The settlement splits ``min(budget, funds)`` after the fee evenly among the period's payable
flattrs. While the period is open the website shows the same split of the *budget* over all the
giver's flattrs of the period, so the value falls as the giver flattrs more things. The few
leftover cents of the split go one each to the earliest flattrs; the page shows the even share.
"""

from __future__ import annotations

from django.conf import settings

from ruisseau.settlement.split import GiverSplit, split_giver


def current_split(budget_cents: int, flattr_count: int) -> GiverSplit:
    return split_giver(budget_cents, budget_cents, flattr_count, settings.FEE_BPS)


def value_now_cents(budget_cents: int, flattr_count: int) -> int:
    """The even share of one flattr, in cents; 0 when there is no flattr yet."""
    return current_split(budget_cents, flattr_count).share_cents


def value_if_one_more_cents(budget_cents: int, flattr_count: int) -> int:
    return value_now_cents(budget_cents, flattr_count + 1)
