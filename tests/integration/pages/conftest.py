"""Fixtures for the website's pages: people with funds, things with verified owners."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the flattr rate limit counts in the cache; tests must not share windows
    yield
    cache.clear()


@pytest.fixture
def creator(db):
    return factories.user("creator", funds_cents=2_000)


@pytest.fixture
def giver(db):
    return factories.user("giver", budget_cents=500, funds_cents=1_000)


@pytest.fixture
def things(creator):
    return [factories.thing(creator, title=f"Article {n}") for n in range(1, 4)]


@pytest.fixture
def signed_in(client, giver):
    client.force_login(giver)
    return client
