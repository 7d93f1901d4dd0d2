"""Payment providers and payout channels behind one interface, chosen by settings.

``RUISSEAU_PAYMENT_PROVIDER`` picks the provider: ``sandbox`` (default, no network) or ``stripe``.
Payouts go through a channel; the SEPA credit-transfer file is the only one so far.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ruisseau.payments.providers.base import (
    ChargeResult, ChargeStatus, EventKind, InvalidSignature, PaymentProvider, PayoutChannel, PayoutLine,
    ProviderEvent, ProviderUnavailable, RefundResult,
)
from ruisseau.payments.providers.sandbox import SandboxProvider

__all__ = [
    "ChargeResult", "ChargeStatus", "EventKind", "InvalidSignature", "PaymentProvider", "PayoutChannel",
    "PayoutLine", "ProviderEvent", "ProviderUnavailable", "RefundResult", "SandboxProvider",
    "get_provider", "get_payout_channel",
]


def _stripe():
    from ruisseau.payments.providers.stripe import StripeProvider  # imports the stripe library lazily

    return StripeProvider()


def _sepa():
    from ruisseau.payments.providers.sepa import SepaFileChannel

    return SepaFileChannel()


_PROVIDERS = {"sandbox": SandboxProvider, "stripe": _stripe}
_PAYOUT_CHANNELS = {"sepa": _sepa}


def get_provider(name: str | None = None) -> PaymentProvider:
    name = name or settings.PAYMENT_PROVIDER
    try:
        factory = _PROVIDERS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"Unknown RUISSEAU_PAYMENT_PROVIDER {name!r}; known: {', '.join(_PROVIDERS)}"
        ) from None
    return factory()


def get_payout_channel(name: str = "sepa") -> PayoutChannel:
    try:
        return _PAYOUT_CHANNELS[name]()
    except KeyError:
        raise ImproperlyConfigured(f"Unknown payout channel {name!r}; known: {', '.join(_PAYOUT_CHANNELS)}") from None
