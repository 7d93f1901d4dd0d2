"""The click's one-statement path (flattrs/services.py): same answers as the rules checked one by
one, one INSERT when every rule holds, and what Flattr.objects.create() announced still announced."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ruisseau.accounts.models import User
from ruisseau.flattrs import services as flattrs
from ruisseau.flattrs.errors import FlattrOnce, FlattrOwner, NoMeans, UserInactive
from ruisseau.flattrs.models import Flattr, FlattrSource
from ruisseau.ledger.models import Account
from ruisseau.things.services import set_owners
from ruisseau.widgets.counts import count_key, flattr_count
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db


def test_an_allowed_click_is_two_statements_and_a_full_flattr():
    giver, thing = factories.user(), factories.thing(factories.user())
    with CaptureQueriesContext(connection) as queries:
        flattr = flattrs.flattr_thing(giver.id, thing.id, now=at(day=3), source=FlattrSource.API)
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 2 and sql[1].lstrip().startswith("INSERT INTO"), sql
    stored = Flattr.objects.get()
    assert (flattr.id, flattr.user_id, flattr.thing_id, flattr.period, flattr.source) == (
        stored.id, giver.id, thing.id, PERIOD.first_day, FlattrSource.API)
    assert flattr.created_at == stored.created_at == at(day=3)
    assert flattr.thing.title == thing.title  # the API answers from it without another query


def test_the_click_still_tells_widgets_the_count_changed():
    giver, thing = factories.user(), factories.thing(factories.user())
    assert flattr_count(thing.id) == 0
    assert cache.get(count_key(thing.id)) == 0
    flattrs.flattr_thing(giver.id, thing.id, now=at())
    assert cache.get(count_key(thing.id)) is None
    assert flattr_count(thing.id) == 1


def test_each_refusal_writes_nothing_and_names_its_rule():
    creator = factories.user()
    thing = factories.thing(creator)
    co_owned = factories.thing(creator)
    giver = factories.user()
    set_owners(co_owned.id, {creator.id: 5_000, giver.id: 5_000}, now=at(PERIOD - 1))  # unverified co-owner
    with pytest.raises(FlattrOwner):
        flattrs.flattr_thing(giver.id, co_owned.id, now=at())
    flattrs.flattr_thing(giver.id, thing.id, now=at())
    with pytest.raises(FlattrOnce):
        flattrs.flattr_thing(giver.id, thing.id, now=at(day=9))
    # A user created outside the accounts service has no ledger accounts at all (ledger accounts
    # are never deleted, so this is how the case arises rather than by removing them).
    no_account = User.objects.create_user("no-account", email="none@example.test", budget_cents=500)
    assert not Account.objects.filter(user=no_account).exists()
    with pytest.raises(NoMeans):
        flattrs.flattr_thing(no_account.id, thing.id, now=at())
    User.objects.filter(id=no_account.id).update(is_active=False)
    with pytest.raises(UserInactive):
        flattrs.flattr_thing(no_account.id, thing.id, now=at())
    assert Flattr.objects.count() == 1


def test_funds_exactly_covering_the_budget_are_enough():
    giver = factories.user(budget_cents=500, funds_cents=500)
    flattrs.flattr_thing(giver.id, factories.thing(factories.user()).id, now=at())
    assert Flattr.objects.filter(user=giver).count() == 1
