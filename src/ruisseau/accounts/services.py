"""Account services: creating users with their ledger accounts, budgets."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import IntegrityError, transaction

from ruisseau.accounts.models import User
from ruisseau.errors import InvalidInput, NotFound
from ruisseau.ledger import accounts as ledger_accounts
from ruisseau.money import format_cents, require_cents

_USERNAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{1,39}$")


def validate_budget(budget_cents: int) -> int:
    require_cents(budget_cents, "The budget")
    low, high = settings.MIN_BUDGET_CENTS, settings.MAX_BUDGET_CENTS
    if not low <= budget_cents <= high:
        raise InvalidInput(
            f"The monthly budget must be between {format_cents(low, settings.CURRENCY)} "
            f"and {format_cents(high, settings.CURRENCY)}, got {format_cents(budget_cents, settings.CURRENCY)}",
            code="invalid_budget",
        )
    return budget_cents


@transaction.atomic
def create_user(
    username: str,
    *,
    email: str = "",
    password: str | None = None,
    budget_cents: int | None = None,
    display_name: str = "",
    is_staff: bool = False,
) -> User:
    """Create a user and open their funds and earnings accounts in the ledger."""
    if not _USERNAME_RE.match(username or ""):
        raise InvalidInput(
            f"{username!r} is not a valid username: 2 to 40 letters, digits, '_', '.' or '-'"
        )
    budget = validate_budget(budget_cents if budget_cents is not None else settings.MIN_BUDGET_CENTS)
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(f"The username {username!r} is taken", code="username_taken")
    try:
        user = User.objects.create_user(
            username,
            email=email,
            password=password,
            budget_cents=budget,
            display_name=display_name,
            is_staff=is_staff,
            is_superuser=is_staff,
        )
    except IntegrityError:
        raise InvalidInput(f"The username {username!r} is taken", code="username_taken") from None
    ledger_accounts.open_user_accounts(user.id)
    return user


def set_budget(user_id: int, budget_cents: int) -> User:
    """Change the monthly budget; the one in force when the period closes is used."""
    validate_budget(budget_cents)
    updated = User.objects.filter(id=user_id, is_active=True).update(budget_cents=budget_cents)
    if not updated:
        raise NotFound(f"No active user with id {user_id}")
    return User.objects.get(id=user_id)

