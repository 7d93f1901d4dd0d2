"""Finding and opening ledger accounts."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from ruisseau.ledger.models import USER_KINDS, Account, AccountKind


def open_user_accounts(user_id: int) -> None:
    """Open funds and earnings for a user; a no-op for the ones that exist."""
    for kind in USER_KINDS:
        user_account(user_id, kind)


def user_account(user_id: int, kind: str) -> Account:
    return _get_or_create(kind=kind, user_id=user_id)


def system_account(kind: str) -> Account:
    if kind in USER_KINDS:
        raise ValueError(f"{kind} belongs to a user")
    return _get_or_create(kind=kind, user_id=None)


def balance_cents(user_id: int, kind: str) -> int:
    value = (
        Account.objects.filter(kind=kind, user_id=user_id, currency=settings.CURRENCY)
        .values_list("balance_cents", flat=True)
        .first()
    )
    return value or 0


def funds_cents(user_id: int) -> int:
    return balance_cents(user_id, AccountKind.USER_FUNDS)


def earnings_cents(user_id: int) -> int:
    return balance_cents(user_id, AccountKind.USER_EARNINGS)


def _get_or_create(*, kind: str, user_id: int | None) -> Account:
    lookup = {"kind": kind, "user_id": user_id, "currency": settings.CURRENCY}
    account = Account.objects.filter(**lookup).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(**lookup)
    except IntegrityError:  # another request opened it between our read and our insert
        return Account.objects.get(**lookup)
