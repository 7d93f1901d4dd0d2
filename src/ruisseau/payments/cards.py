"""Card top-ups on our page: saving a card, paying with it, finishing 3-D Secure, and the
optional automatic top-up. The card number never reaches our server: the provider's script
in the browser turns it into a saved card we only hold a reference to."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ruisseau.accounts.models import User
from ruisseau.errors import InvalidInput, NotFound, RuisseauError
from ruisseau.ledger import accounts
from ruisseau.money import require_cents
from ruisseau.payments import services
from ruisseau.payments.models import Payment, PaymentStatus, SavedCard
from ruisseau.payments.providers import ChargeResult, ChargeStatus, get_provider
from ruisseau.periods import Period

log = logging.getLogger(__name__)


def card_provider():
    """The configured provider when it takes cards on our page (Stripe), else InvalidInput."""
    provider = get_provider()
    if not hasattr(provider, "start_card_setup"):
        raise InvalidInput(_("Card payments are not set up on this server."), code="cards_disabled")
    return provider


def saved_card(user_id: int) -> SavedCard | None:
    return SavedCard.objects.filter(user_id=user_id, provider=settings.PAYMENT_PROVIDER).first()


def start_card_setup(user_id: int) -> str:
    """A client secret with which the browser saves a new card for this user."""
    services.require_unflagged(user_id)
    provider = card_provider()
    return provider.start_card_setup(_customer(user_id, provider).customer_reference)


def save_card(user_id: int, setup_reference: str) -> SavedCard:
    """Keep the card the browser just saved (a SetupIntent id) as this user's card."""
    provider = card_provider()
    saved = _customer(user_id, provider)
    card, label = provider.finish_card_setup(saved.customer_reference, setup_reference)
    saved.card_reference, saved.card_label = card, label
    saved.save(update_fields=["card_reference", "card_label"])
    return saved


def pay(user_id: int, amount_cents: int, *, idempotency_key: str, setup_reference: str = "") -> tuple[Payment, ChargeResult | None]:
    """Pay with the saved card (saving a new one first when ``setup_reference`` is given).
    Raises PaymentDeclined with a plain reason; a payment needing 3-D Secure comes back pending
    with the client secret to finish it in the browser, then :func:`finish`."""
    card_provider()
    if setup_reference:
        save_card(user_id, setup_reference)
    return services.charge(user_id, amount_cents, idempotency_key=idempotency_key)


def finish(user_id: int, *, idempotency_key: str) -> tuple[Payment, ChargeResult]:
    """Ask the provider how a pending payment ended after the payer authenticated."""
    payment = Payment.objects.filter(idempotency_key=f"topup:{user_id}:{idempotency_key}").first()
    if payment is None:
        raise NotFound(_("No such payment"))
    if payment.status != PaymentStatus.PENDING or not payment.provider_reference:
        status = ChargeStatus.SUCCEEDED if payment.status == PaymentStatus.SUCCEEDED else ChargeStatus.FAILED
        result = ChargeResult(status, payment.provider_reference, payment.failure_message)
    else:
        result = card_provider().refresh(payment.provider_reference)
    if payment.status == PaymentStatus.FAILED:
        raise services.PaymentDeclined(payment.failure_message)
    return services.settle_charge(payment, result), result


def set_auto_topup(user_id: int, amount_cents: int) -> SavedCard:
    """Turn the automatic top-up on (an amount) or off (0). Needs a saved card."""
    require_cents(amount_cents, "The amount")
    saved = saved_card(user_id)
    if saved is None or not saved.card_reference:
        raise InvalidInput(_("Save a card first: the automatic top-up charges your saved card."), code="no_card")
    if amount_cents:
        user = User.objects.get(id=user_id)
        if amount_cents < max(user.budget_cents, services.MIN_TOPUP_CENTS) or amount_cents > settings.MAX_TOPUP_CENTS:
            raise InvalidInput(
                _("The automatic top-up must be at least your monthly budget and at most the top-up limit."),
                code="invalid_amount",
            )
    saved.auto_topup_cents = amount_cents
    saved.save(update_fields=["auto_topup_cents"])
    return saved


def run_auto_topups(now: datetime | None = None) -> dict[str, int]:
    """Charge the saved card of everyone whose funds would not cover the next period's budget.
    Keyed by user and period, so running it twice in a period charges nobody twice."""
    now = now or timezone.now()
    period = Period.containing(now)
    counts = {"charged": 0, "declined": 0, "needs_authentication": 0, "skipped": 0}
    for saved in SavedCard.objects.filter(provider=settings.PAYMENT_PROVIDER, auto_topup_cents__gt=0).exclude(card_reference=""):
        user = saved.user
        if accounts.funds_cents(user.id) >= user.budget_cents:
            counts["skipped"] += 1
            continue
        try:
            payment, _result = services.charge(
                user.id, saved.auto_topup_cents, idempotency_key=f"auto:{period}", now=now, off_session=True
            )
        except services.PaymentDeclined:
            counts["declined"] += 1
            continue
        except RuisseauError as error:
            # One user's problem (no card, on hold, amount changed after a decline this period,
            # the provider down) must not stop everyone else's top-up.
            log.warning("automatic top-up of user %s skipped: %s", user.id, error)
            counts["skipped"] += 1
            continue
        counts["charged" if payment.status == PaymentStatus.SUCCEEDED else "needs_authentication"] += 1
    return counts


def _customer(user_id: int, provider) -> SavedCard:
    saved = SavedCard.objects.filter(user_id=user_id, provider=provider.name).first()
    if saved is not None:
        return saved
    user = User.objects.filter(id=user_id).first()
    if user is None:
        raise NotFound(f"No user with id {user_id}")
    customer = provider.create_customer(user_id=user_id, email=user.email, idempotency_key=f"customer:{user_id}")
    try:
        with transaction.atomic():
            return SavedCard.objects.create(user_id=user_id, provider=provider.name, customer_reference=customer)
    except IntegrityError:  # two tabs at once: keep the first customer record
        return SavedCard.objects.get(user_id=user_id, provider=provider.name)
