"""The card fee shown to payers and charged on top of what reaches their funds, and the
suggested amounts: a larger top-up covers more months and pays a smaller share in fees."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

SUGGESTED_MONTHS = (3, 6, 12)


def card_fee_cents(amount_cents: int) -> int:
    """``CARD_FEE_BPS`` of the amount, rounded half up, plus ``CARD_FEE_FIXED_CENTS``."""
    return (amount_cents * settings.CARD_FEE_BPS + 5_000) // 10_000 + settings.CARD_FEE_FIXED_CENTS


@dataclass(frozen=True)
class Suggestion:
    months: int
    amount_cents: int
    fee_cents: int

    @property
    def total_cents(self) -> int:
        return self.amount_cents + self.fee_cents

    @property
    def fee_percent(self) -> str:
        """The fee as a share of the amount, one decimal, computed in integers (e.g. ``4.0``)."""
        tenths = (self.fee_cents * 1_000 + self.amount_cents // 2) // self.amount_cents
        return f"{tenths // 10}.{tenths % 10}"


def suggestions(budget_cents: int, minimum_cents: int = 100) -> list[Suggestion]:
    """Amounts covering 1, 3, 6 and 12 months of the budget, within the top-up limits."""
    amounts = []
    for months in (1, *SUGGESTED_MONTHS):
        amount = max(budget_cents * months, minimum_cents)
        if amount <= settings.MAX_TOPUP_CENTS and amount not in [s.amount_cents for s in amounts]:
            amounts.append(Suggestion(months, amount, card_fee_cents(amount)))
    return amounts
