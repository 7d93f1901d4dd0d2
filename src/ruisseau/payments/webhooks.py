"""Provider webhooks: verify, record once by event id, apply. Every handler is idempotent and
does not depend on the order events arrive in (a refund may come before the success it
refunds), and none calls the provider back, so the endpoint answers quickly."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from ruisseau.payments import reversals
from ruisseau.payments.models import Payment, PaymentStatus, Reversal, ReversalKind, WebhookEvent
from ruisseau.payments.providers import EventKind, ProviderEvent, get_provider
from ruisseau.payments.services import credit_payment

log = logging.getLogger(__name__)


def receive(provider_name: str, payload: bytes, headers: Mapping[str, str]) -> str:
    """Handle one delivery; returns what was done. Raises InvalidSignature (nothing recorded).
    Any other exception rolls everything back so that the provider delivers the event again."""
    provider = get_provider(provider_name)
    events = provider.parse_webhook(payload, headers)
    first = events[0]
    with transaction.atomic():
        record = _record(provider.name, first)
        if record.processed_at is not None:
            return "duplicate"
        outcome = "; ".join(_apply(provider.name, event) for event in events)
        record.processed_at, record.outcome = timezone.now(), outcome[:300]
        record.save(update_fields=["processed_at", "outcome"])
    log.info("webhook %s %s: %s", first.type, first.event_id, outcome)
    return outcome


def _record(provider_name: str, event: ProviderEvent) -> WebhookEvent:
    lookup = {"provider": provider_name, "event_id": event.event_id}
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(**lookup, type=event.type, payload=event.payload or {},
                                        received_at=timezone.now())
    except IntegrityError:
        pass  # delivered before (or right now by a parallel delivery): the row lock below decides
    return WebhookEvent.objects.select_for_update().get(**lookup)


def _apply(provider_name: str, event: ProviderEvent) -> str:
    if event.kind == EventKind.IGNORED:
        return f"ignored {event.type}"
    payment = _payment(provider_name, event)
    if payment is None:
        return f"no payment of ours for {event.payment_reference or event.payment_key or '?'}"
    if event.kind == EventKind.PAYMENT_SUCCEEDED:
        if payment.provider_reference and event.payment_reference != payment.provider_reference:
            # Another charge carrying this payment's key (a retry after the provider forgot the
            # idempotency key): the payer paid twice, we credit once; the operator must refund it.
            log.error("payment %s: second charge %s (credited is %s): refund it", payment.id,
                      event.payment_reference, payment.provider_reference)
            return f"second charge {event.payment_reference} for payment {payment.id}: not credited, refund it"
        if event.amount_cents != payment.amount_cents + payment.fee_cents or event.currency != payment.currency:
            log.error("payment %s: provider says %s cents %s, we asked %s %s", payment.id, event.amount_cents,
                      event.currency, payment.amount_cents + payment.fee_cents, payment.currency)
            return f"amount mismatch on payment {payment.id}: not credited"
        credit_payment(payment)
        return f"payment {payment.id} credited"
    if event.kind == EventKind.PAYMENT_FAILED:
        updated = Payment.objects.filter(id=payment.id, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.FAILED, failure_message=event.message[:300])
        return f"payment {payment.id} failed" if updated else f"payment {payment.id} unchanged"
    if event.kind == EventKind.REFUNDED:
        return _refunded(payment, event)
    if event.kind == EventKind.REFUND_FAILED:
        reversals.refund_failed(payment, reference=event.reference, own_reference=event.own_reference,
                                amount_cents=event.amount_cents)
        return f"refund {event.reference} failed"
    if event.kind == EventKind.DISPUTE_WON:
        reversals.reinstate_dispute(payment, reference=event.reference, amount_cents=event.amount_cents)
        return f"dispute {event.reference} won"
    reversals.reverse_from_provider(payment, kind=ReversalKind.DISPUTE, reference=event.reference,
                                    amount_cents=event.amount_cents)
    return f"dispute {event.reference} reversed"


def _refunded(payment: Payment, event: ProviderEvent) -> str:
    if event.own_reference.isdigit():  # metadata anyone with dashboard access may have typed
        own = Reversal.objects.filter(id=int(event.own_reference), payment=payment, by_operator=True).first()
        # Ours only while it has no other refund of its own: the same metadata on a second refund
        # (made at Stripe) must not be taken as the confirmation of the first and ignored.
        if own is not None and own.provider_reference in (None, "", event.reference):
            reversals.complete_refund(own.id, event.reference)
            return f"refund {event.reference} confirmed"
    reversals.reverse_from_provider(payment, kind=ReversalKind.REFUND, reference=event.reference,
                                    amount_cents=event.amount_cents)
    return f"refund {event.reference} reversed"


def _payment(provider_name: str, event: ProviderEvent) -> Payment | None:
    if event.payment_reference:
        found = Payment.objects.filter(provider=provider_name, provider_reference=event.payment_reference).first()
        if found is not None:
            return found
    if event.payment_key:
        found = Payment.objects.filter(provider=provider_name, idempotency_key=event.payment_key).first()
        if found is not None and not found.provider_reference:
            # The success arrived before the page saved the provider's id: save it now.
            found.provider_reference = event.payment_reference
            found.save(update_fields=["provider_reference"])
        return found
    return None
