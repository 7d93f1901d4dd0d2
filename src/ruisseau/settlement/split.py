"""The split of DESIGN.md §3.3, as pure arithmetic on integer cents. No database here.

``settlement/run.py`` computes the same numbers in SQL for whole periods at once; the tests hold
both to these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BPS = 10_000


@dataclass(frozen=True)
class GiverSplit:
    spend_cents: int
    fee_cents: int
    share_cents: int  # what every payable flattr gets at least
    extra_count: int  # how many of the earliest flattrs get one cent more

    @property
    def net_cents(self) -> int:
        return self.spend_cents - self.fee_cents


def spend_cents(budget_cents: int, funds_cents: int, payable_count: int) -> int:
    """What a giver spends: the budget, capped by funds, and nothing without a payable flattr."""
    if payable_count <= 0:
        return 0
    return max(0, min(budget_cents, funds_cents))


def fee_cents(spend: int, fee_bps: int) -> int:
    return spend * fee_bps // BPS


def split_giver(budget_cents: int, funds_cents: int, payable_count: int, fee_bps: int) -> GiverSplit:
    spend = spend_cents(budget_cents, funds_cents, payable_count)
    fee = fee_cents(spend, fee_bps)
    if payable_count <= 0:
        return GiverSplit(spend, fee, 0, 0)
    net = spend - fee
    return GiverSplit(spend, fee, net // payable_count, net % payable_count)


def flattr_cents(split: GiverSplit, rank: int) -> int:
    """Cents for the flattr at 1-based ``rank`` among the giver's payable flattrs, ordered by
    time then id."""
    return split.share_cents + (1 if rank <= split.extra_count else 0)


def flattr_shares(split: GiverSplit, payable_count: int) -> list[int]:
    return [flattr_cents(split, rank) for rank in range(1, payable_count + 1)]


def split_among_owners(amount_cents: int, weights: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Split one flattr's cents among owners ``(owner_id, weight)`` in proportion to weight.

    Each gets ``floor(amount × weight / total)``; the cents left go one each by largest
    remainder, ties to the lower owner id. Weights need not sum to 10 000 (only eligible owners
    are passed); they must be positive.
    """
    if not weights:
        raise ValueError("at least one owner is needed")
    total = sum(w for _, w in weights)
    if total <= 0 or any(w <= 0 for _, w in weights):
        raise ValueError("owner weights must be positive")
    base = {owner: amount_cents * w // total for owner, w in weights}
    left = amount_cents - sum(base.values())
    by_remainder = sorted(weights, key=lambda ow: (-(amount_cents * ow[1] % total), ow[0]))
    for owner, _ in by_remainder[:left]:
        base[owner] += 1
    return base
