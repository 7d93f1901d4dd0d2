"""Test data made through the real services, so tests exercise what users do."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from ruisseau.accounts.models import User
from ruisseau.accounts.services import create_user
from ruisseau.payments.services import add_funds
from ruisseau.periods import Period
from ruisseau.things.models import OwnerVerification, Thing
from ruisseau.things.services import register_thing, set_owners, verify_owner

_seq = itertools.count(1)

# A fixed past month keeps tests independent of today's date.
PERIOD = Period(2026, 3)


def at(period: Period = PERIOD, day: int = 1, hour: int = 12, minute: int = 0) -> datetime:
    return period.start + timedelta(days=day - 1, hours=hour, minutes=minute)


def user(name: str | None = None, *, budget_cents: int = 500, funds_cents: int = 2_000) -> User:
    name = name or f"user{next(_seq)}"
    created = create_user(name, email=f"{name}@example.test", password="pw-for-tests-1", budget_cents=budget_cents)
    if funds_cents:
        add_funds(created.id, funds_cents, idempotency_key="factory", now=at(PERIOD - 1))
    return created


def thing(*owners: User, weights: list[int] | None = None, verified: bool = True, url: str | None = None,
          title: str = "", category: str = "text") -> Thing:
    number = next(_seq)
    url = url or f"https://site{number}.example/post/{number}"
    created = register_thing(url, owner_id=owners[0].id if owners else None, title=title or f"Thing {number}",
                             category=category, now=at(PERIOD - 1))
    if owners:
        weights = weights or _even(len(owners))
        set_owners(created.id, {o.id: w for o, w in zip(owners, weights, strict=True)}, now=at(PERIOD - 1))
        if verified:
            for owner in owners:
                verify_owner(created.id, owner.id, method=OwnerVerification.OPERATOR, now=at(PERIOD - 1))
    return created


def _even(n: int) -> list[int]:
    base = [10_000 // n] * n
    base[0] += 10_000 - sum(base)
    return base
