"""The click's one-statement path (flattrs/services.py): same answers as the rules checked one by
one, one INSERT when every rule holds, and what Flattr.objects.create() announced still announced."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ruisseau.accounts.models import User
from ruisseau.errors import NotFound
from ruisseau.flattrs import services as flattrs
from ruisseau.flattrs.errors import FlattrOnce, FlattrOwner, NoMeans, UserInactive
from ruisseau.flattrs.models import Flattr, FlattrSource
from ruisseau.ledger.models import Account
from ruisseau.things.models import Thing
from ruisseau.things.services import set_owners
from ruisseau.widgets.counts import count_key, flattr_count
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db


def test_an_allowed_click_is_one_statement_on_postgres_and_a_full_flattr_with_its_count():
    giver, thing = factories.user(), factories.thing(factories.user())
    earlier = factories.user()
    flattrs.flattr_thing(earlier.id, thing.id, now=at(day=2))
    with CaptureQueriesContext(connection) as queries:
        flattr = flattrs.flattr_thing(giver.id, thing.id, now=at(day=3), source=FlattrSource.API, with_count=True)
    sql = [q["sql"].lstrip() for q in queries.captured_queries]
    if connection.vendor == "postgresql":  # the insert and the thing with its count, together
        assert len(sql) == 1 and sql[0].startswith("WITH new AS") and "INSERT INTO" in sql[0], sql
    else:  # the insert, then the thing with its count
        assert len(sql) == 2 and sql[0].startswith("INSERT INTO"), sql
    stored = Flattr.objects.get(user=giver)
    assert (flattr.id, flattr.user_id, flattr.thing_id, flattr.period, flattr.source) == (
        stored.id, giver.id, thing.id, PERIOD.first_day, FlattrSource.API)
    assert flattr.created_at == stored.created_at == at(day=3)
    # The API answers from the thing without another query: its fields and its count, this flattr included.
    assert (flattr.thing.title, flattr.thing.url, flattr.thing.created_at) == (thing.title, thing.url, thing.created_at)
    assert flattr.thing.n_flattrs == 2


def test_a_click_that_shows_no_count_does_not_count():
    """The count grows with the thing's popularity: only the API, which answers it, pays for it."""
    giver, thing = factories.user(), factories.thing(factories.user())
    with CaptureQueriesContext(connection) as queries:
        flattr = flattrs.flattr_thing(giver.id, thing.id, now=at(day=3))
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert not hasattr(flattr.thing, "n_flattrs") and flattr.thing.title == thing.title


def test_a_refused_click_names_a_missing_or_retired_thing():
    giver, thing = factories.user(), factories.thing(factories.user())
    Thing.objects.filter(id=thing.id).update(disabled=True)
    for missing in (thing.id, thing.id + 1000):
        with pytest.raises(NotFound):
            flattrs.flattr_thing(giver.id, missing, now=at())
    assert not Flattr.objects.exists()


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
