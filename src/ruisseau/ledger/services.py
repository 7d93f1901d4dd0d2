"""Posting money movements: the only code that writes transfers and cached balances,
together with ``ledger/bulk.py`` for set-based batch jobs.

Guarantees of :func:`post`:
  * all legs of a journal are written in one transaction, with the cached balances;
  * every account that is debited is locked first (rows in id order), then checked;
  * the same idempotency key with the same input returns the first journal unchanged;
    with a different input it raises :class:`IdempotencyConflict`;
  * no non-negative account ever goes below zero (checked here and by a database constraint).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ruisseau.errors import InvalidInput
from ruisseau.ledger.errors import AccountClosed, IdempotencyConflict, InsufficientFunds
from ruisseau.ledger.models import MAY_GO_NEGATIVE, Account, Journal, Transfer
from ruisseau.money import format_cents, require_cents


@dataclass(frozen=True)
class Leg:
    debit: Account
    credit: Account
    amount_cents: int
    reason: str


@dataclass(frozen=True)
class Posting:
    journal: Journal
    replayed: bool  # True when the key had been used before with the same input


def input_hash(kind: str, legs: Sequence[Leg]) -> str:
    canonical = json.dumps(
        [kind, [[leg.debit.id, leg.credit.id, leg.amount_cents, leg.reason] for leg in legs]],
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def post(key: str, kind: str, legs: Sequence[Leg], *, now: datetime | None = None) -> Posting:
    """Write one balanced journal. Raises InvalidInput, InsufficientFunds, AccountClosed,
    IdempotencyConflict."""
    _validate(key, legs)
    digest = input_hash(kind, legs)
    now = now or timezone.now()
    with transaction.atomic():
        replay = _replay(key, digest)
        if replay is not None:
            return replay
        wanted = {leg.debit.id for leg in legs} | {leg.credit.id for leg in legs}
        locked = _lock_accounts(wanted)
        if len(locked) != len(wanted):  # transfers have no foreign-key constraint: see docs/ledger.md
            raise InvalidInput(f"Unknown account(s): {sorted(wanted - set(locked))}")
        # A request with the same key may have committed while we waited for the locks: answer as
        # it did rather than checking balances it already moved.
        replay = _replay(key, digest)
        if replay is not None:
            return replay
        deltas = _deltas(legs)
        _check(locked, deltas)
        try:
            with transaction.atomic():
                journal = Journal.objects.create(idempotency_key=key, input_hash=digest, kind=kind, created_at=now)
        except IntegrityError:
            # A concurrent request with the same key won the race; answer as it did.
            replay = _replay(key, digest)
            if replay is None:
                raise
            return replay
        Transfer.objects.bulk_create(
            Transfer(
                journal=journal,
                debit_account=leg.debit,
                credit_account=leg.credit,
                amount_cents=leg.amount_cents,
                currency=settings.CURRENCY,
                reason=leg.reason,
                created_at=now,
            )
            for leg in legs
        )
        for account_id, delta in sorted(deltas.items()):
            if delta:
                Account.objects.filter(id=account_id).update(balance_cents=F("balance_cents") + delta)
    return Posting(journal=journal, replayed=False)


def _validate(key: str, legs: Sequence[Leg]) -> None:
    if not key or len(key) > 200:
        raise InvalidInput("An idempotency key of 1 to 200 characters is required")
    if not legs:
        raise InvalidInput("A journal needs at least one transfer")
    for leg in legs:
        require_cents(leg.amount_cents, "A transfer amount")
        if leg.amount_cents <= 0:
            raise InvalidInput(f"A transfer moves a positive amount, got {leg.amount_cents}")
        if leg.debit.id == leg.credit.id:
            raise InvalidInput("A transfer needs two different accounts")
        for account in (leg.debit, leg.credit):
            if account.currency != settings.CURRENCY:
                raise InvalidInput(f"Account {account.id} holds {account.currency}, not {settings.CURRENCY}")


def _replay(key: str, digest: str) -> Posting | None:
    journal = Journal.objects.filter(idempotency_key=key).first()
    if journal is None:
        return None
    if journal.input_hash != digest:
        raise IdempotencyConflict(f"The idempotency key {key!r} was already used for a different request")
    return Posting(journal=journal, replayed=True)


def _lock_accounts(ids: set[int]) -> dict[int, Account]:
    # Sorted order everywhere means two transactions never wait on each other in a cycle.
    return {a.id: a for a in Account.objects.select_for_update().filter(id__in=sorted(ids)).order_by("id")}


def _deltas(legs: Sequence[Leg]) -> dict[int, int]:
    deltas: dict[int, int] = defaultdict(int)
    for leg in legs:
        deltas[leg.debit.id] -= leg.amount_cents
        deltas[leg.credit.id] += leg.amount_cents
    return deltas


def _check(locked: dict[int, Account], deltas: dict[int, int]) -> None:
    for account_id, delta in sorted(deltas.items()):
        account = locked[account_id]
        if account.closed_at is not None and delta:
            raise AccountClosed(f"{account} is closed")
        if delta < 0 and account.kind not in MAY_GO_NEGATIVE and account.balance_cents + delta < 0:
            raise InsufficientFunds(
                f"{account} holds {format_cents(account.balance_cents, account.currency)}, "
                f"{format_cents(-delta, account.currency)} needed"
            )
