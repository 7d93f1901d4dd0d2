"""Payment providers behind one interface, chosen by RUISSEAU_PAYMENT_PROVIDER.

The sandbox provider needs no network and no account, so a fresh install works end to end; it
declines amounts ending in 02 cents (as test cards do) so the failure path can be tried too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class ChargeResult:
    succeeded: bool
    reference: str
    message: str = ""


class PaymentProvider(Protocol):
    name: str

    def charge(self, *, user_id: int, amount_cents: int, currency: str, idempotency_key: str) -> ChargeResult: ...


class SandboxProvider:
    name = "sandbox"
    DECLINE_SUFFIX_CENTS = 2

    def charge(self, *, user_id: int, amount_cents: int, currency: str, idempotency_key: str) -> ChargeResult:
        reference = f"sandbox_{uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex[:24]}"
        if amount_cents % 100 == self.DECLINE_SUFFIX_CENTS:
            return ChargeResult(False, reference, "The sandbox card was declined (amounts ending in ,02 are)")
        return ChargeResult(True, reference)


_PROVIDERS = {"sandbox": SandboxProvider}


def get_provider() -> PaymentProvider:
    try:
        return _PROVIDERS[settings.PAYMENT_PROVIDER]()
    except KeyError:
        raise ImproperlyConfigured(
            f"Unknown RUISSEAU_PAYMENT_PROVIDER {settings.PAYMENT_PROVIDER!r}; known: {', '.join(_PROVIDERS)}"
        ) from None
