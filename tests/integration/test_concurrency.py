"""Real concurrency on PostgreSQL: threads with their own connections, real row locks."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections

from ruisseau.flattrs import services as flattrs
from ruisseau.flattrs.errors import FlattrOnce
from ruisseau.flattrs.models import Flattr
from ruisseau.ledger import accounts
from ruisseau.payments.services import add_funds
from ruisseau.settlement import run as settlement
from ruisseau.settlement.lock import SettlementBusy
from ruisseau.settlement.models import SettlementRun
from tests import factories
from tests.factories import PERIOD, at

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgres")]


def run_together(count, target):
    """Start ``count`` threads at the same instant; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 (collected for the assertions)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_fifty_parallel_clicks_make_exactly_one_flattr():
    giver = factories.user()
    thing = factories.thing(factories.user())
    results = run_together(50, lambda i: flattrs.flattr_thing(giver.id, thing.id, now=at(day=5)))
    created = [r for r in results if isinstance(r, Flattr)]
    refused = [r for r in results if isinstance(r, FlattrOnce)]
    assert len(created) == 1 and len(refused) == 49, results
    assert Flattr.objects.filter(user=giver, thing=thing).count() == 1


def _slow_settlement_data():
    giver = factories.user(budget_cents=500, funds_cents=5_000)
    creator = factories.user()
    flattrs.flattr_thing(giver.id, factories.thing(creator).id, now=at(day=2))
    flattrs.flattr_thing(creator.id, factories.thing(giver).id, now=at(day=2))
    return giver, creator


def test_two_concurrent_settlements_one_applies_the_other_refuses(monkeypatch):
    giver, creator = _slow_settlement_data()
    started = threading.Event()
    slow = list(settlement.STAGES)
    name, first = slow[0]

    def hold(ctx):
        started.set()
        first(ctx)
        threading.Event().wait(1.0)  # keep the lock while the other run tries

    slow[0] = (name, hold)
    monkeypatch.setattr(settlement, "STAGES", slow)

    def attempt(i):
        if i == 1:
            started.wait(10)
        return settlement.settle_period(PERIOD, now=at(PERIOD + 1))

    results = run_together(2, attempt)
    applied = [r for r in results if not isinstance(r, Exception) and not r.already_settled]
    refused = [r for r in results if isinstance(r, SettlementBusy)]
    assert len(applied) == 1 and len(refused) == 1, results
    assert "Another settlement is running" in str(refused[0])
    assert SettlementRun.objects.get().status == "done"
    assert accounts.funds_cents(giver.id) == 4_500
    call_command("ledger", "check", stdout=StringIO())


def test_top_ups_during_settlement_keep_the_ledger_exact():
    givers = [factories.user(budget_cents=300, funds_cents=1_000) for _ in range(20)]
    creator = factories.user()
    thing = factories.thing(creator)
    for giver in givers:
        flattrs.flattr_thing(giver.id, thing.id, now=at(day=3))
    flattrs.flattr_thing(creator.id, factories.thing(givers[0]).id, now=at(day=3))

    def work(i):
        if i == 0:
            return settlement.settle_period(PERIOD, now=at(PERIOD + 1))
        giver = givers[i % len(givers)]
        for n in range(5):
            add_funds(giver.id, 100, idempotency_key=f"during-{i}-{n}")
        return None

    results = run_together(9, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    topped = {}
    for i in range(1, 9):
        topped[givers[i % len(givers)].id] = topped.get(givers[i % len(givers)].id, 0) + 500
    for giver in givers:
        assert accounts.funds_cents(giver.id) == 1_000 - 300 + topped.get(giver.id, 0)
    call_command("ledger", "check", stdout=StringIO())
    assert connection.vendor == "postgresql"
