"""things.services.update_thing and delete_thing, added for the API."""

import pytest

from ruisseau.errors import Forbidden, InvalidInput, NotFound
from ruisseau.flattrs.services import flattr_thing
from ruisseau.settlement.run import settle_period
from ruisseau.things.models import Thing, ThingOwner
from ruisseau.things.services import delete_thing, update_thing
from tests import factories

pytestmark = pytest.mark.django_db


def test_update_changes_only_what_is_given():
    owner = factories.user()
    thing = factories.thing(owner, title="Before")
    updated = update_thing(thing.id, owner.id, description=" Now described ", tags="b,a,b", hidden=True)
    assert (updated.title, updated.description, updated.hidden) == ("Before", "Now described", True)
    assert sorted(t.name for t in updated.tags.all()) == ["a", "b"] and updated.updated_at is not None
    assert update_thing(thing.id, owner.id, title="").title == thing.url  # an empty title falls back to the URL


def test_update_checks():
    owner, other = factories.user(), factories.user()
    thing = factories.thing(owner)
    with pytest.raises(Forbidden):
        update_thing(thing.id, other.id, title="Mine")
    with pytest.raises(NotFound):
        update_thing(999_999, owner.id, title="x")
    with pytest.raises(InvalidInput) as bad:
        update_thing(thing.id, owner.id, language="xx_XX")
    assert bad.value.code == "validation"
    with pytest.raises(InvalidInput):
        update_thing(thing.id, owner.id, url="https://else.example/")
    with pytest.raises(InvalidInput):
        update_thing(thing.id, owner.id, title="x" * 201)


def test_delete_removes_a_thing_without_history_and_retires_one_with():
    owner, other, fan = factories.user(), factories.user(), factories.user()
    fresh, flattred = factories.thing(owner), factories.thing(owner)
    flattr_thing(fan.id, flattred.id, now=factories.at())
    with pytest.raises(Forbidden):
        delete_thing(fresh.id, other.id)
    assert delete_thing(fresh.id, owner.id) is True
    assert not Thing.objects.filter(id=fresh.id).exists() and not ThingOwner.objects.filter(thing_id=fresh.id).exists()
    with pytest.raises(Forbidden, match="not settled yet"):  # the fan's flattr counts until settled
        delete_thing(flattred.id, owner.id)
    settle_period(factories.PERIOD, now=factories.at(factories.PERIOD + 1, hour=2))
    assert delete_thing(flattred.id, owner.id) is False
    flattred.refresh_from_db()
    assert flattred.disabled and flattred.hidden
    with pytest.raises(NotFound):
        delete_thing(flattred.id, owner.id)
