"""Money going back to the payer: refunds and disputes, always as new reversing transfers.

A reversal takes the amount back from the user's funds first, then from their earnings; what
they had already given away cannot be taken back and is recorded as ``unrecovered_cents`` for
the operator. The split is stored on the Reversal row before posting, so a replayed webhook
posts exactly the same journal (same key, same input) and moves nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ruisseau.errors import InvalidInput
from ruisseau.ledger import accounts, services as ledger
from ruisseau.ledger.models import Account, AccountKind, Reason
from ruisseau.payments.models import AccountFlag, Payment, PaymentStatus, Reversal, ReversalKind, ReversalStatus
from ruisseau.payments.providers import get_provider
from ruisseau.payments.services import credit_payment


def refundable_cents(payment: Payment) -> int:
    """What of a payment has not been reversed yet (won disputes count as not reversed)."""
    taken = payment.reversals.filter(status__in=[ReversalStatus.PENDING, ReversalStatus.DONE]).aggregate(
        total=Sum("amount_cents"))["total"] or 0
    return max(payment.amount_cents - taken, 0)


def reverse_from_provider(payment: Payment, *, kind: str, reference: str, amount_cents: int,
                          now: datetime | None = None) -> Reversal | None:
    """Record a refund or dispute the provider reports, once per provider reference, and put the
    account on hold. The payment is credited first if its own success has not arrived yet."""
    existing = Reversal.objects.filter(provider_reference=reference).first()
    if existing is not None:
        return existing
    if payment.status != PaymentStatus.SUCCEEDED:
        credit_payment(payment, now=now)  # a refunded or disputed charge had succeeded
    now = now or timezone.now()
    with transaction.atomic():
        _lock_user(payment.user_id)
        amount = min(amount_cents, refundable_cents(payment))
        if amount <= 0:
            return None
        from_funds, from_earnings = _split(payment.user_id, amount)
        try:
            with transaction.atomic():
                reversal = Reversal.objects.create(
                    payment=payment, kind=kind, provider_reference=reference, status=ReversalStatus.DONE,
                    amount_cents=amount, from_funds_cents=from_funds, from_earnings_cents=from_earnings,
                    unrecovered_cents=amount - from_funds - from_earnings, created_at=now,
                )
        except IntegrityError:  # the same event, concurrently
            return Reversal.objects.get(provider_reference=reference)
        _post_out(reversal, f"reversal:{reference}", now)
        reason = _("card payment disputed") if kind == ReversalKind.DISPUTE else _("card payment refunded by the bank")
        AccountFlag.objects.get_or_create(
            reference=f"{kind}:{reference}", defaults={"user_id": payment.user_id, "reason": reason, "created_at": now}
        )
    return reversal


def reinstate_dispute(payment: Payment, *, reference: str, amount_cents: int, now: datetime | None = None) -> Reversal | None:
    """A dispute the user won: give back what was taken, once, and lift the hold it caused."""
    reversal = reverse_from_provider(payment, kind=ReversalKind.DISPUTE, reference=reference,
                                     amount_cents=amount_cents, now=now)
    if reversal is None:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        reversal = Reversal.objects.select_for_update().get(id=reversal.id)
        recovered = reversal.from_funds_cents + reversal.from_earnings_cents
        if recovered:
            legs = _legs(reversal.payment.user_id, reversal, inward=True)
            ledger.post(f"reversal:{reference}:reinstated", Reason.CORRECTION, legs, now=now)
        reversal.status = ReversalStatus.REINSTATED
        reversal.save(update_fields=["status"])
        AccountFlag.objects.filter(reference=f"dispute:{reference}", cleared_at__isnull=True).update(cleared_at=now)
    return reversal


def refund_unspent(payment_id: int, *, now: datetime | None = None) -> Reversal:
    """The operator refunds what is still unspent of a payment to the card it came from.

    The amount is held (funds → provider clearing) before the provider is asked, so it cannot be
    spent meanwhile; it is sent out when the provider confirms or released back if it refuses.
    Raises InvalidInput when nothing is left to refund or the provider refuses."""
    now = now or timezone.now()
    payment = Payment.objects.get(id=payment_id)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise InvalidInput(_("Only a succeeded payment can be refunded."))
    with transaction.atomic():
        _lock_user(payment.user_id)
        amount = min(refundable_cents(payment), accounts.funds_cents(payment.user_id))
        if amount <= 0:
            raise InvalidInput(_("Nothing to refund: this payment was already refunded or its funds were spent."))
        reversal = Reversal.objects.create(
            payment=payment, kind=ReversalKind.REFUND, by_operator=True, amount_cents=amount,
            from_funds_cents=amount, created_at=now,
        )
        funds = accounts.user_account(payment.user_id, AccountKind.USER_FUNDS)
        clearing = accounts.system_account(AccountKind.PROVIDER_CLEARING)
        ledger.post(f"reversal:{reversal.id}:hold", Reason.REFUND, [ledger.Leg(funds, clearing, amount, Reason.REFUND)], now=now)
    return send_refund(reversal.id, now=now)


def send_refund(reversal_id: int, *, now: datetime | None = None) -> Reversal:
    """Ask the provider for a held refund, again if need be: the provider key is the reversal's,
    so asking twice never refunds twice. Sent out when confirmed, released when refused.
    Raises ProviderUnavailable (still held, ask again later) or InvalidInput (refused)."""
    reversal = Reversal.objects.select_related("payment").get(id=reversal_id)
    if reversal.status != ReversalStatus.PENDING or not reversal.by_operator:
        return reversal
    payment = reversal.payment
    result = get_provider(payment.provider).refund(
        payment_reference=payment.provider_reference, amount_cents=reversal.amount_cents,
        idempotency_key=f"reversal:{reversal.id}", metadata={"ruisseau_reversal": str(reversal.id)},
    )
    if not result.succeeded:
        release_refund(reversal.id, now=now)
        raise InvalidInput(_("The provider refused the refund: %(reason)s") % {"reason": result.message or "-"})
    return complete_refund(reversal.id, result.reference, now=now)


def complete_refund(reversal_id: int, reference: str, *, now: datetime | None = None) -> Reversal:
    """The provider confirmed an operator's refund: the held amount leaves (once)."""
    with transaction.atomic():
        reversal = Reversal.objects.select_for_update().get(id=reversal_id)
        if reversal.status != ReversalStatus.PENDING:
            return reversal
        clearing = accounts.system_account(AccountKind.PROVIDER_CLEARING)
        outside = accounts.system_account(AccountKind.OUTSIDE_WORLD)
        ledger.post(f"reversal:{reversal.id}:sent", Reason.REFUND,
                    [ledger.Leg(clearing, outside, reversal.amount_cents, Reason.REFUND)], now=now)
        reversal.provider_reference, reversal.status = reference or None, ReversalStatus.DONE
        reversal.save(update_fields=["provider_reference", "status"])
    return reversal


def release_refund(reversal_id: int, *, now: datetime | None = None) -> Reversal:
    """The provider refused an operator's refund: the held amount returns to the user's funds."""
    with transaction.atomic():
        reversal = Reversal.objects.select_for_update().get(id=reversal_id)
        if reversal.status != ReversalStatus.PENDING:
            return reversal
        funds = accounts.user_account(reversal.payment.user_id, AccountKind.USER_FUNDS)
        clearing = accounts.system_account(AccountKind.PROVIDER_CLEARING)
        ledger.post(f"reversal:{reversal.id}:release", Reason.REFUND,
                    [ledger.Leg(clearing, funds, reversal.amount_cents, Reason.REFUND)], now=now)
        reversal.status = ReversalStatus.FAILED
        reversal.save(update_fields=["status"])
    return reversal


def refund_failed(payment: Payment, *, reference: str, own_reference: str, amount_cents: int,
                  now: datetime | None = None) -> Reversal | None:
    """A refund the provider accepted has failed after all (e.g. the card was closed): the money
    is back in our provider balance, so what the refund took goes back where it came from, once.
    A failure arriving before the refund itself is recorded, so the late refund moves nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_user(payment.user_id)
        mine = Reversal.objects.select_for_update().filter(payment=payment)
        reversal = mine.filter(provider_reference=reference).first() if reference else None
        if reversal is None and own_reference.isdigit():  # ours, unless it already has another refund
            reversal = mine.filter(id=int(own_reference), by_operator=True).filter(
                Q(provider_reference__isnull=True) | Q(provider_reference="")).first()
        if reversal is None:
            if not reference or amount_cents <= 0:
                return None
            return Reversal.objects.create(
                payment=payment, kind=ReversalKind.REFUND, provider_reference=reference,
                status=ReversalStatus.FAILED, amount_cents=amount_cents, created_at=now)
        if reversal.status == ReversalStatus.PENDING and reversal.by_operator:
            return release_refund(reversal.id, now=now)
        if reversal.status != ReversalStatus.DONE or reversal.kind != ReversalKind.REFUND:
            return reversal
        if reversal.from_funds_cents + reversal.from_earnings_cents:
            ledger.post(f"reversal:{reversal.id}:refund_failed", Reason.CORRECTION,
                        _legs(payment.user_id, reversal, inward=True), now=now)
        reversal.status = ReversalStatus.FAILED
        reversal.save(update_fields=["status"])
        AccountFlag.objects.filter(reference=f"refund:{reversal.provider_reference}",
                                   cleared_at__isnull=True).update(cleared_at=now)
    return reversal


def _lock_user(user_id: int) -> None:
    """Lock every account a reversal touches, in id order like ``ledger.post`` does (so that a
    top-up or settlement running at the same time never waits on us in a cycle), and so that
    the split computed from the user's balances is still true when it is posted."""
    ids = [accounts.user_account(user_id, kind).id for kind in (AccountKind.USER_FUNDS, AccountKind.USER_EARNINGS)]
    ids += [accounts.system_account(kind).id for kind in (AccountKind.PROVIDER_CLEARING, AccountKind.OUTSIDE_WORLD)]
    list(Account.objects.select_for_update().filter(id__in=sorted(ids)).order_by("id"))


def _split(user_id: int, amount: int) -> tuple[int, int]:
    from_funds = min(accounts.funds_cents(user_id), amount)
    from_earnings = min(accounts.earnings_cents(user_id), amount - from_funds)
    return from_funds, from_earnings


def _post_out(reversal: Reversal, key: str, now: datetime) -> None:
    if reversal.from_funds_cents + reversal.from_earnings_cents:
        ledger.post(key, Reason.REFUND, _legs(reversal.payment.user_id, reversal, inward=False), now=now)


def _legs(user_id: int, reversal: Reversal, *, inward: bool) -> list[ledger.Leg]:
    """Out: funds and earnings → provider clearing → outside world. In: the mirror image."""
    clearing = accounts.system_account(AccountKind.PROVIDER_CLEARING)
    outside = accounts.system_account(AccountKind.OUTSIDE_WORLD)
    reason = Reason.CORRECTION if inward else Reason.REFUND
    parts = [(accounts.user_account(user_id, AccountKind.USER_FUNDS), reversal.from_funds_cents),
             (accounts.user_account(user_id, AccountKind.USER_EARNINGS), reversal.from_earnings_cents)]
    total = sum(amount for _account, amount in parts)
    legs = [ledger.Leg(clearing, account, amount, reason) if inward else ledger.Leg(account, clearing, amount, reason)
            for account, amount in parts if amount]
    edge = ledger.Leg(outside, clearing, total, reason) if inward else ledger.Leg(clearing, outside, total, reason)
    return [edge, *legs] if inward else [*legs, edge]
