"""The sandbox provider: no network, no account, so a fresh install works end to end. It
declines amounts ending in 02 cents (as test cards do) so the failure path can be tried too."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from ruisseau.payments.providers.base import ChargeResult, ChargeStatus, InvalidSignature, ProviderEvent, RefundResult


class SandboxProvider:
    name = "sandbox"
    DECLINE_SUFFIX_CENTS = 2

    def charge(self, *, user_id: int, amount_cents: int, currency: str, idempotency_key: str,
               customer: str = "", card: str = "", off_session: bool = False) -> ChargeResult:
        reference = f"sandbox_{uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex[:24]}"
        if amount_cents % 100 == self.DECLINE_SUFFIX_CENTS:
            return ChargeResult(ChargeStatus.FAILED, reference, "The sandbox card was declined (amounts ending in ,02 are)")
        return ChargeResult(ChargeStatus.SUCCEEDED, reference)

    def refresh(self, reference: str) -> ChargeResult:
        return ChargeResult(ChargeStatus.SUCCEEDED, reference)

    def refund(self, *, payment_reference: str, amount_cents: int, idempotency_key: str,
               metadata: Mapping[str, str]) -> RefundResult:
        return RefundResult(f"sandbox_refund_{uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex[:24]}", True)

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        raise InvalidSignature("The sandbox provider sends no webhooks")
