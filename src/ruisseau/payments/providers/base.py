"""What every payment provider and payout channel offers, in the provider's own neutral terms.

Domain code (top-ups, webhooks, refunds, payouts) talks only to these types, so another
provider or payout channel is one new module plus one line in ``providers/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ruisseau.errors import RuisseauError


class ChargeStatus:
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REQUIRES_ACTION = "requires_action"  # strong customer authentication (3-D Secure) in the browser
    PROCESSING = "processing"


@dataclass(frozen=True)
class ChargeResult:
    status: str
    reference: str
    message: str = ""  # for a person, in plain words, when it failed
    client_secret: str = ""  # for the browser to finish an authentication

    @property
    def succeeded(self) -> bool:
        return self.status == ChargeStatus.SUCCEEDED


@dataclass(frozen=True)
class RefundResult:
    reference: str
    succeeded: bool
    message: str = ""


class EventKind:
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_FAILED = "payment_failed"
    REFUNDED = "refunded"
    REFUND_FAILED = "refund_failed"  # a refund accepted before failed later: the money came back
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_WON = "dispute_won"
    DISPUTE_LOST = "dispute_lost"
    IGNORED = "ignored"


@dataclass(frozen=True)
class ProviderEvent:
    """One verified provider callback, reduced to what the ledger needs."""

    event_id: str
    type: str  # the provider's own name for it, kept for the record
    kind: str  # an EventKind
    payment_reference: str = ""  # the payment (PaymentIntent) it is about
    reference: str = ""  # the refund or dispute id
    amount_cents: int = 0
    currency: str = ""  # upper case, as settings.CURRENCY
    message: str = ""
    payment_key: str = ""  # our own idempotency key of the payment, when the provider echoes it
    own_reference: str = ""  # our Reversal id, on a refund Ruisseau asked for itself
    payload: Mapping | None = None


class InvalidSignature(RuisseauError):
    code = "invalid_signature"


class ProviderUnavailable(RuisseauError):
    """The provider could not be reached or answered with an error that is not the payer's."""

    code = "provider_unavailable"


class PaymentProvider(Protocol):
    name: str

    def charge(
        self, *, user_id: int, amount_cents: int, currency: str, idempotency_key: str,
        customer: str = "", card: str = "", off_session: bool = False,
    ) -> ChargeResult:
        """Charge ``amount_cents`` (fee included); idempotent by key at the provider."""

    def refresh(self, reference: str) -> ChargeResult:
        """The current state of a charge, e.g. after the payer authenticated."""

    def refund(self, *, payment_reference: str, amount_cents: int, idempotency_key: str,
               metadata: Mapping[str, str]) -> RefundResult: ...

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        """Verify the signature and translate the event. Raises InvalidSignature."""


@dataclass(frozen=True)
class PayoutLine:
    reference: str
    account_holder: str
    iban: str
    bic: str
    amount_cents: int
    description: str


class PayoutChannel(Protocol):
    name: str
    media_type: str
    file_extension: str

    def export(self, batch_reference: str, lines: Sequence[PayoutLine]) -> bytes:
        """A file the operator hands to their bank (or a channel's API call)."""
