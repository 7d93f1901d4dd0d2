"""Adding funds through the configured provider, and moving earnings into funds."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ruisseau.errors import InvalidInput, NotFound, RuisseauError
from ruisseau.accounts.models import User
from ruisseau.ledger import accounts, services as ledger
from ruisseau.ledger.errors import IdempotencyConflict
from ruisseau.ledger.models import AccountKind, Reason
from ruisseau.money import format_cents, require_cents
from ruisseau.payments.models import Payment, PaymentStatus
from ruisseau.payments.providers import get_provider

MIN_TOPUP_CENTS = 100


class PaymentDeclined(RuisseauError):
    code = "payment_declined"


def add_funds(user_id: int, amount_cents: int, *, idempotency_key: str, now: datetime | None = None) -> Payment:
    """Charge the provider and credit the user's funds exactly once.

    Retrying with the same key returns the first payment; reusing it for another amount is an
    error. A payment left pending by a crash between the charge and the credit is completed by
    the retry: providers are idempotent by key, and so is the ledger posting
    (``payment:<id>``), so the funds are credited once however often it is retried.
    Raises InvalidInput, NotFound, IdempotencyConflict, PaymentDeclined."""
    require_cents(amount_cents, "The amount")
    if not MIN_TOPUP_CENTS <= amount_cents <= settings.MAX_TOPUP_CENTS:
        raise InvalidInput(
            f"Funds are added in amounts from {format_cents(MIN_TOPUP_CENTS)} to "
            f"{format_cents(settings.MAX_TOPUP_CENTS)}, got {format_cents(amount_cents)}",
            code="invalid_amount",
        )
    if not User.objects.filter(id=user_id).exists():
        raise NotFound(f"No user with id {user_id}")
    now = now or timezone.now()
    payment = _payment_for(f"topup:{user_id}:{idempotency_key}", user_id, amount_cents, now)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    if payment.status == PaymentStatus.FAILED:
        raise PaymentDeclined(payment.failure_message or "The payment was declined")
    result = get_provider().charge(
        user_id=user_id, amount_cents=amount_cents, currency=settings.CURRENCY, idempotency_key=payment.idempotency_key
    )
    payment.provider_reference, payment.completed_at = result.reference, timezone.now()
    if not result.succeeded:
        # Recorded before raising, so a retry with the same key gives the same answer.
        payment.status, payment.failure_message = PaymentStatus.FAILED, result.message[:300]
        payment.save()
        raise PaymentDeclined(result.message or "The payment was declined")
    with transaction.atomic():
        funds = accounts.user_account(user_id, AccountKind.USER_FUNDS)
        clearing = accounts.system_account(AccountKind.PROVIDER_CLEARING)
        outside = accounts.system_account(AccountKind.OUTSIDE_WORLD)
        ledger.post(
            f"payment:{payment.id}",
            Reason.TOPUP,
            [
                ledger.Leg(outside, clearing, amount_cents, Reason.TOPUP),
                ledger.Leg(clearing, funds, amount_cents, Reason.TOPUP),
            ],
            now=now,
        )
        payment.status = PaymentStatus.SUCCEEDED
        payment.save()
    return payment


def _payment_for(key: str, user_id: int, amount_cents: int, now: datetime) -> Payment:
    """The payment for this key, created if new; the same key for another payment is refused."""
    payment = Payment.objects.filter(idempotency_key=key).first()
    if payment is None:
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    user_id=user_id, provider=get_provider().name, amount_cents=amount_cents,
                    currency=settings.CURRENCY, idempotency_key=key, created_at=now,
                )
        except IntegrityError:  # the same request, concurrently
            payment = Payment.objects.get(idempotency_key=key)
    if payment.user_id != user_id or payment.amount_cents != amount_cents:
        raise IdempotencyConflict("This idempotency key was already used for a different payment")
    return payment


def move_earnings_to_funds(user_id: int, amount_cents: int, *, idempotency_key: str) -> ledger.Posting:
    """Move earnings into funds, free of fees. Raises InsufficientFunds when earnings are short."""
    require_cents(amount_cents, "The amount")
    if amount_cents <= 0:
        raise InvalidInput("Move a positive amount", code="invalid_amount")
    if not User.objects.filter(id=user_id).exists():
        raise NotFound(f"No user with id {user_id}")
    earnings = accounts.user_account(user_id, AccountKind.USER_EARNINGS)
    funds = accounts.user_account(user_id, AccountKind.USER_FUNDS)
    return ledger.post(
        f"earnings_to_funds:{user_id}:{idempotency_key}",
        Reason.EARNINGS_TO_FUNDS,
        [ledger.Leg(earnings, funds, amount_cents, Reason.EARNINGS_TO_FUNDS)],
    )
