"""Stripe, through the official ``stripe`` library: cards saved with a SetupIntent, charged with
PaymentIntents, refunds, and signed webhooks translated into neutral provider events.

``RUISSEAU_STRIPE_API_BASE`` points the library elsewhere (the tests use localstripe); Stripe.js
is loaded by the page from ``RUISSEAU_STRIPE_JS_URL``, never bundled.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from ruisseau.errors import InvalidInput
from ruisseau.payments.providers.base import (
    ChargeResult, ChargeStatus, EventKind, InvalidSignature, ProviderEvent, ProviderUnavailable, RefundResult,
)

SIGNATURE_TOLERANCE_SECONDS = 300


def decline_message(code: str | None, decline_code: str | None = None) -> str:
    """A decline in words a person understands, with what to do next."""
    reason = decline_code or code or ""
    messages = {
        "insufficient_funds": _("Your card has not enough money on it for this amount. Try a smaller amount or another card."),
        "expired_card": _("Your card has expired. Please use another card."),
        "incorrect_cvc": _("The security code (the 3 digits on the back) is wrong. Please check it."),
        "incorrect_number": _("The card number is wrong. Please check it."),
        "lost_card": _("Your bank refused this card. Please use another card."),
        "stolen_card": _("Your bank refused this card. Please use another card."),
        "processing_error": _("Your bank could not process the payment just now. Please try again in a moment."),
        "payment_intent_authentication_failure": _(
            "The payment was not confirmed with your bank (3-D Secure). Nothing was charged; please try again."
        ),
        "authentication_required": _("Your bank asks you to confirm this payment. Please add funds on the card page."),
    }
    return messages.get(reason, _("Your bank declined the card. Nothing was charged; please try another card or contact your bank."))


class StripeProvider:
    name = "stripe"

    def __init__(self) -> None:
        base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
        self.client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2)

    # --- customers and saved cards -----------------------------------------------------------
    def create_customer(self, *, user_id: int, email: str, idempotency_key: str) -> str:
        customer = self._call(
            self.client.v1.customers.create,
            {"email": email or None, "metadata": {"ruisseau_user": str(user_id)}},
            key=idempotency_key,
        )
        return customer.id

    def start_card_setup(self, customer: str) -> str:
        """A SetupIntent's client secret: the browser saves the card (authenticating it once)."""
        intent = self._call(self.client.v1.setup_intents.create,
                            {"customer": customer, "usage": "off_session", "payment_method_types": ["card"]})
        return intent.client_secret

    def finish_card_setup(self, customer: str, setup_intent_id: str) -> tuple[str, str]:
        """The saved card (id, label) of a succeeded SetupIntent that belongs to this customer."""
        intent = self._call(self.client.v1.setup_intents.retrieve, setup_intent_id)
        if intent.customer != customer or intent.status != "succeeded" or not intent.payment_method:
            raise InvalidInput(_("This card was not saved for your account; please enter it again."))
        card_id = intent.payment_method if isinstance(intent.payment_method, str) else intent.payment_method.id
        method = self._call(self.client.v1.payment_methods.retrieve, card_id)
        if method.customer != customer:  # Stripe attaches it; some test servers leave that to us
            method = self._call(self.client.v1.payment_methods.attach, card_id, {"customer": customer})
        card = method.card
        return card_id, f"{card.brand} •••• {card.last4}"

    # --- payments ------------------------------------------------------------------------------
    def charge(self, *, user_id: int, amount_cents: int, currency: str, idempotency_key: str,
               customer: str = "", card: str = "", off_session: bool = False) -> ChargeResult:
        params: dict[str, Any] = {
            "amount": amount_cents, "currency": currency.lower(), "customer": customer, "payment_method": card,
            "confirm": True, "payment_method_types": ["card"],
            "metadata": {"ruisseau_user": str(user_id), "ruisseau_key": idempotency_key},
        }
        if off_session:
            params["off_session"] = True
        try:
            intent = self.client.v1.payment_intents.create(params, {"idempotency_key": idempotency_key})
        except stripe.CardError as error:
            body = (error.json_body or {}).get("error", {})
            intent_ref = (body.get("payment_intent") or {}).get("id", "")
            return ChargeResult(ChargeStatus.FAILED, intent_ref, decline_message(error.code, body.get("decline_code")))
        except stripe.StripeError as error:
            raise ProviderUnavailable(_("The card service is unavailable; nothing was charged. Please try again later.")) from error
        return self._result(intent)

    def refresh(self, reference: str) -> ChargeResult:
        return self._result(self._call(self.client.v1.payment_intents.retrieve, reference))

    def cancel(self, reference: str, message: str) -> ChargeResult:
        """Cancel a payment still waiting for the payer. One that succeeded meanwhile cannot be
        cancelled: its real state is returned instead, so it is credited, never lost."""
        try:
            intent = self.client.v1.payment_intents.cancel(reference)
        except stripe.InvalidRequestError:
            return self.refresh(reference)
        except stripe.StripeError as error:
            raise ProviderUnavailable(_("The card service is unavailable just now. Please try again later.")) from error
        if intent.status == "canceled":
            return ChargeResult(ChargeStatus.FAILED, intent.id, message)
        return self._result(intent)

    def refund(self, *, payment_reference: str, amount_cents: int, idempotency_key: str,
               metadata: Mapping[str, str]) -> RefundResult:
        try:
            refund = self.client.v1.refunds.create(
                {"payment_intent": payment_reference, "amount": amount_cents, "metadata": dict(metadata)},
                {"idempotency_key": idempotency_key},
            )
        except stripe.InvalidRequestError as error:
            return RefundResult("", False, error.user_message or str(error))
        except stripe.StripeError as error:
            raise ProviderUnavailable(_("The card service is unavailable; nothing was refunded.")) from error
        return RefundResult(refund.id, refund.status in ("succeeded", "pending"), getattr(refund, "failure_reason", None) or "")

    def _result(self, intent) -> ChargeResult:
        status = intent.status
        if status == "succeeded":
            return ChargeResult(ChargeStatus.SUCCEEDED, intent.id)
        if status == "requires_action":
            return ChargeResult(ChargeStatus.REQUIRES_ACTION, intent.id, client_secret=intent.client_secret)
        if status == "processing":
            return ChargeResult(ChargeStatus.PROCESSING, intent.id)
        error = intent.last_payment_error
        code, decline = getattr(error, "code", None), getattr(error, "decline_code", None)
        return ChargeResult(ChargeStatus.FAILED, intent.id, decline_message(code, decline))

    def _call(self, method, *args, key: str = ""):
        """Call the API, turning connection and server failures into one readable error."""
        try:
            return method(*args, {"idempotency_key": key}) if key else method(*args)
        except stripe.StripeError as error:
            raise ProviderUnavailable(_("The card service is unavailable just now. Please try again later.")) from error

    # --- webhooks ------------------------------------------------------------------------------
    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        signature = headers.get("Stripe-Signature", "")
        if not signature:
            raise InvalidSignature("The Stripe-Signature header is missing")
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"), signature, settings.STRIPE_WEBHOOK_SECRET, SIGNATURE_TOLERANCE_SECONDS
            )
            event = json.loads(payload)
        except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
            raise InvalidSignature(f"The Stripe signature does not match: {error}") from None
        return translate_event(event)


def _intent_of(obj: Mapping) -> str:
    intent = obj.get("payment_intent") or ""
    return intent.get("id", "") if isinstance(intent, Mapping) else intent


def translate_event(event: Mapping) -> list[ProviderEvent]:
    """One Stripe event as the neutral events the ledger acts on (a charge may carry several refunds)."""
    event_id, kind_name = event["id"], event["type"]
    obj = event.get("data", {}).get("object", {})
    base = {"event_id": event_id, "type": kind_name, "payload": event}
    if kind_name == "payment_intent.succeeded":
        return [ProviderEvent(kind=EventKind.PAYMENT_SUCCEEDED, payment_reference=obj["id"],
                              amount_cents=obj.get("amount", 0), currency=str(obj.get("currency", "")).upper(),
                              payment_key=(obj.get("metadata") or {}).get("ruisseau_key", ""), **base)]
    if kind_name == "payment_intent.payment_failed":
        error = obj.get("last_payment_error") or {}
        return [ProviderEvent(kind=EventKind.PAYMENT_FAILED, payment_reference=obj["id"],
                              message=decline_message(error.get("code"), error.get("decline_code")), **base)]
    if kind_name in ("refund.created", "refund.updated", "refund.failed", "charge.refund.updated"):
        return [_refund_event(obj, _intent_of(obj), base)]
    if kind_name == "charge.refunded":
        refunds = (obj.get("refunds") or {}).get("data") or []
        return [_refund_event(refund, _intent_of(obj), base) for refund in refunds] or [
            ProviderEvent(kind=EventKind.IGNORED, **base)  # the refunds come as refund.* events
        ]
    if kind_name.startswith("charge.dispute."):
        return [_dispute_event(kind_name, obj, base)]
    return [ProviderEvent(kind=EventKind.IGNORED, **base)]


def _refund_event(refund: Mapping, intent: str, base: dict) -> ProviderEvent:
    status = refund.get("status")
    if status not in ("succeeded", "pending", "failed", "canceled"):
        return ProviderEvent(kind=EventKind.IGNORED, reference=refund.get("id", ""), **base)
    # A refund can fail after it was accepted (closed card): the money is back at Stripe.
    kind = EventKind.REFUND_FAILED if status in ("failed", "canceled") else EventKind.REFUNDED
    return ProviderEvent(
        kind=kind, payment_reference=_intent_of(refund) or intent, reference=refund["id"],
        amount_cents=refund.get("amount", 0), own_reference=(refund.get("metadata") or {}).get("ruisseau_reversal", ""),
        **base,
    )


def _dispute_event(kind_name: str, dispute: Mapping, base: dict) -> ProviderEvent:
    status = dispute.get("status", "")
    fields = {"payment_reference": _intent_of(dispute), "reference": dispute.get("id", ""),
              "amount_cents": dispute.get("amount", 0), **base}
    if status.startswith("warning") and kind_name != "charge.dispute.funds_withdrawn":
        return ProviderEvent(kind=EventKind.IGNORED, **fields)  # an inquiry: no money moved yet
    if kind_name == "charge.dispute.funds_reinstated" or (kind_name == "charge.dispute.closed" and status == "won"):
        return ProviderEvent(kind=EventKind.DISPUTE_WON, **fields)
    if kind_name == "charge.dispute.closed" and status == "lost":
        return ProviderEvent(kind=EventKind.DISPUTE_LOST, **fields)
    if kind_name in ("charge.dispute.created", "charge.dispute.funds_withdrawn"):
        return ProviderEvent(kind=EventKind.DISPUTE_OPENED, **fields)
    return ProviderEvent(kind=EventKind.IGNORED, **fields)
