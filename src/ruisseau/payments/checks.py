"""Checks that tie the payments records to the ledger, run with the ledger's own checks."""

from __future__ import annotations

from django.db.models import Sum

from ruisseau.ledger.check import CheckResult
from ruisseau.ledger.models import Account, AccountKind
from ruisseau.payments.models import Payout, PayoutStatus, Reversal, ReversalStatus


def _balance(kind: str) -> int:
    return Account.objects.filter(kind=kind).aggregate(total=Sum("balance_cents"))["total"] or 0


def payout_clearing_matches_payouts() -> CheckResult:
    open_payouts = Payout.objects.filter(status__in=[PayoutStatus.PENDING, PayoutStatus.EXPORTED])
    expected = open_payouts.aggregate(total=Sum("amount_cents"))["total"] or 0
    held = _balance(AccountKind.PAYOUT_CLEARING)
    problems = [] if held == expected else [f"payout clearing holds {held}, open payouts add up to {expected}"]
    return CheckResult("payout clearing holds exactly the payouts on their way", open_payouts.count(), problems)


def provider_clearing_matches_refunds() -> CheckResult:
    pending = Reversal.objects.filter(status=ReversalStatus.PENDING, by_operator=True)
    expected = pending.aggregate(total=Sum("amount_cents"))["total"] or 0
    held = _balance(AccountKind.PROVIDER_CLEARING)
    problems = [] if held == expected else [f"provider clearing holds {held}, pending refunds add up to {expected}"]
    return CheckResult("provider clearing holds exactly the refunds on their way", pending.count(), problems)


PAYMENT_CHECKS = [payout_clearing_matches_payouts, provider_clearing_matches_refunds]
