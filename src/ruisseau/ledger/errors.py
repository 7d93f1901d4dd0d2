from __future__ import annotations

from ruisseau.errors import RuisseauError


class IdempotencyConflict(RuisseauError):
    """The key was used before for a different input."""

    code = "idempotency_conflict"


class InsufficientFunds(RuisseauError):
    code = "insufficient_funds"


class AccountClosed(RuisseauError):
    code = "account_closed"
