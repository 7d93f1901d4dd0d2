"""Adding funds through the configured provider, and moving earnings into funds."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ruisseau.accounts.models import User
from ruisseau.errors import Forbidden, InvalidInput, NotFound, RuisseauError
from ruisseau.ledger import accounts, services as ledger
from ruisseau.ledger.errors import IdempotencyConflict
from ruisseau.ledger.models import AccountKind, Reason
from ruisseau.money import format_cents, require_cents
from ruisseau.payments.fees import card_fee_cents
from ruisseau.payments.models import AccountFlag, Payment, PaymentStatus, SavedCard
from ruisseau.payments.providers import ChargeResult, ChargeStatus, get_provider

MIN_TOPUP_CENTS = 100


class PaymentDeclined(RuisseauError):
    code = "payment_declined"


def add_funds(user_id: int, amount_cents: int, *, idempotency_key: str, now: datetime | None = None) -> Payment:
    """Charge the provider (with the payer's saved card for a card provider) and credit the
    user's funds exactly once.

    Retrying with the same key returns the first payment; reusing it for another amount is an
    error. A payment left pending by a crash between the charge and the credit is completed by
    the retry: providers are idempotent by key, and so is the ledger posting (the payment's
    ``ledger_key``), so the funds are credited once however often it is retried.
    Raises InvalidInput, NotFound, Forbidden, IdempotencyConflict, PaymentDeclined."""
    payment, result = charge(user_id, amount_cents, idempotency_key=idempotency_key, now=now)
    if payment.status == PaymentStatus.PENDING:
        raise PaymentDeclined(
            _("Your bank asks you to confirm this payment: please add funds on the card page."),
            code="authentication_required",
        )
    return payment


def charge(user_id: int, amount_cents: int, *, idempotency_key: str, now: datetime | None = None,
           off_session: bool = False) -> tuple[Payment, ChargeResult | None]:
    """Charge once per key and credit on success. A charge that needs the payer to authenticate
    stays pending and comes back with the provider's answer (its client secret) for the browser.
    Raises PaymentDeclined when the provider declined, with the reason in plain words."""
    _check_amount(amount_cents)
    if not User.objects.filter(id=user_id).exists():
        raise NotFound(f"No user with id {user_id}")
    provider = get_provider()
    saved = _saved_card(user_id, provider.name)
    now = now or timezone.now()
    fee = 0 if provider.name == "sandbox" else card_fee_cents(amount_cents)
    payment = _payment_for(f"topup:{user_id}:{idempotency_key}", user_id, amount_cents, fee, now)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment, None
    if payment.status == PaymentStatus.FAILED:
        raise PaymentDeclined(payment.failure_message or _("The payment was declined"))
    if payment.provider_reference and provider.name != "sandbox":
        result = provider.refresh(payment.provider_reference)  # charged before: ask, never charge twice
    else:
        result = provider.charge(
            user_id=user_id, amount_cents=amount_cents + fee, currency=settings.CURRENCY,
            idempotency_key=payment.idempotency_key, customer=saved.customer_reference if saved else "",
            card=saved.card_reference if saved else "", off_session=off_session,
        )
    return settle_charge(payment, result, now=now), result


def settle_charge(payment: Payment, result: ChargeResult, *, now: datetime | None = None) -> Payment:
    """Record the provider's answer on the payment: credit it, fail it, or leave it pending."""
    if result.reference and payment.provider_reference != result.reference:
        payment.provider_reference = result.reference
    payment.completed_at = payment.completed_at or timezone.now()
    payment.save(update_fields=["provider_reference", "completed_at"])
    if result.status == ChargeStatus.SUCCEEDED:
        return credit_payment(payment, now=now)
    if result.status == ChargeStatus.FAILED:
        # Recorded before raising, so a retry with the same key gives the same answer.
        payment.status, payment.failure_message = PaymentStatus.FAILED, result.message[:300]
        payment.save(update_fields=["status", "failure_message"])
        raise PaymentDeclined(result.message or _("The payment was declined"))
    return payment


def credit_payment(payment: Payment, *, now: datetime | None = None) -> Payment:
    """Credit a payment the provider reports as succeeded to the user's funds, exactly once
    (the journal key is the payment's ``ledger_key``), and mark it succeeded. Safe to call from
    the page, a webhook and a retry, in any order and any number of times."""
    with transaction.atomic():
        funds = accounts.user_account(payment.user_id, AccountKind.USER_FUNDS)
        clearing = accounts.system_account(AccountKind.PROVIDER_CLEARING)
        outside = accounts.system_account(AccountKind.OUTSIDE_WORLD)
        ledger.post(
            payment.ledger_key,
            Reason.TOPUP,
            [
                ledger.Leg(outside, clearing, payment.amount_cents, Reason.TOPUP),
                ledger.Leg(clearing, funds, payment.amount_cents, Reason.TOPUP),
            ],
            now=now,
        )
        Payment.objects.filter(id=payment.id).update(status=PaymentStatus.SUCCEEDED, failure_message="")
        payment.status, payment.failure_message = PaymentStatus.SUCCEEDED, ""
    return payment


def require_unflagged(user_id: int) -> None:
    flag = AccountFlag.objects.filter(user_id=user_id, cleared_at__isnull=True).first()
    if flag is not None:
        raise Forbidden(
            _("Your account is on hold after a payment was reversed (%(reason)s). Please contact the operator at "
              "%(contact)s.")
            % {"reason": flag.reason, "contact": settings.CONTACT_EMAIL},
            code="account_on_hold",
        )


def _check_amount(amount_cents: int) -> None:
    require_cents(amount_cents, "The amount")
    if not MIN_TOPUP_CENTS <= amount_cents <= settings.MAX_TOPUP_CENTS:
        raise InvalidInput(
            f"Funds are added in amounts from {format_cents(MIN_TOPUP_CENTS)} to "
            f"{format_cents(settings.MAX_TOPUP_CENTS)}, got {format_cents(amount_cents)}",
            code="invalid_amount",
        )


def _saved_card(user_id: int, provider_name: str) -> SavedCard | None:
    if provider_name == "sandbox":
        return None
    require_unflagged(user_id)
    saved = SavedCard.objects.filter(user_id=user_id, provider=provider_name).exclude(card_reference="").first()
    if saved is None:
        raise InvalidInput(_("Add a card first: enter it on the card page."), code="no_card")
    return saved


def _payment_for(key: str, user_id: int, amount_cents: int, fee_cents: int, now: datetime) -> Payment:
    """The payment for this key, created if new; the same key for another payment is refused."""
    payment = Payment.objects.filter(idempotency_key=key).first()
    if payment is None:
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    user_id=user_id, provider=get_provider().name, amount_cents=amount_cents, fee_cents=fee_cents,
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
