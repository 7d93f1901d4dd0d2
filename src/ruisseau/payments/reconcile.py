"""Payments left pending: ask the provider how they ended.

A card payment waits for the payer's bank (3-D Secure) or for the provider's webhook. When the
webhook never comes (an endpoint misconfigured, a secret rotated) or the payer closed the
window, the payment would stay pending, and money taken from a card would never reach the
person's funds. ``reconcile_pending`` settles each such payment through the same path as the
page and the webhook (``services.settle_charge``), so it credits at most once whoever comes first.
It never starts a charge."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from ruisseau.payments import services
from ruisseau.payments.models import Payment, PaymentStatus
from ruisseau.payments.providers import ChargeStatus, ProviderUnavailable, get_provider

log = logging.getLogger(__name__)

# A payment the payer has not authenticated within a day is abandoned: it is cancelled at the
# provider, so it can no longer be confirmed behind our back, then recorded as failed.
ABANDONED_AFTER = timedelta(hours=24)


@dataclass
class Reconciliation:
    credited: int = 0
    failed: int = 0
    still_pending: int = 0
    unavailable: int = 0
    # Pending without the provider's id: the charge call never answered. Nothing to ask the
    # provider by; its webhook still credits the payment if the charge went through.
    unconfirmed: list[int] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"credited: {self.credited}, failed: {self.failed}, still pending: {self.still_pending}, "
                f"provider unavailable: {self.unavailable}, never confirmed: {len(self.unconfirmed)}")
        if self.unconfirmed:
            ids = ", ".join(str(i) for i in self.unconfirmed[:20])
            text += f" (payments {ids}: check them in the provider's dashboard)"
        return text


def reconcile_pending(*, older_than: timedelta = timedelta(minutes=30), now: datetime | None = None) -> Reconciliation:
    """Settle the configured provider's payments pending for longer than ``older_than``."""
    now = now or timezone.now()
    provider = get_provider()
    done = Reconciliation()
    pending = Payment.objects.filter(
        provider=provider.name, status=PaymentStatus.PENDING, created_at__lte=now - older_than
    ).order_by("id")
    for payment in pending:
        if not payment.provider_reference:
            done.unconfirmed.append(payment.id)
            continue
        try:
            result = provider.refresh(payment.provider_reference)
            if result.status in (ChargeStatus.REQUIRES_ACTION, ChargeStatus.PROCESSING) \
                    and payment.created_at <= now - ABANDONED_AFTER and hasattr(provider, "cancel"):
                result = provider.cancel(
                    payment.provider_reference,
                    _("The payment was not confirmed with your bank in time. Nothing was charged."),
                )
        except ProviderUnavailable as error:
            log.warning("payment %s: provider unavailable: %s", payment.id, error)
            done.unavailable += 1
            continue
        try:
            settled = services.settle_charge(payment, result, now=now)
        except services.PaymentDeclined:
            done.failed += 1
            continue
        if settled.status == PaymentStatus.SUCCEEDED:
            done.credited += 1
        else:
            done.still_pending += 1
    return done
