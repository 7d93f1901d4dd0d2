import pytest

from ruisseau.accounts.models import User
from ruisseau.errors import InvalidInput, NotFound
from ruisseau.flattrs import services as flattrs, subscriptions
from ruisseau.flattrs.errors import (
    AlreadySubscribed,
    FlattrClosed,
    FlattrOnce,
    FlattrOwner,
    NoMeans,
    NotFlattred,
    ThingOwnerSubscribe,
    UserInactive,
)
from ruisseau.flattrs.models import Flattr, FlattrSource, Subscription
from ruisseau.things.models import Thing
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db


def test_a_flattr_is_recorded_in_its_period():
    giver, creator = factories.user(), factories.user()
    thing = factories.thing(creator)
    flattr = flattrs.flattr_thing(giver.id, thing.id, now=at(day=5))
    assert flattr.period == PERIOD.first_day and flattr.source == FlattrSource.CLICK


def test_rules_and_their_codes():
    giver, creator = factories.user(), factories.user()
    thing = factories.thing(creator)
    with pytest.raises(FlattrOwner) as own:
        flattrs.flattr_thing(creator.id, thing.id, now=at())
    assert own.value.code == "flattr_owner"
    flattrs.flattr_thing(giver.id, thing.id, now=at())
    with pytest.raises(FlattrOnce) as once:
        flattrs.flattr_thing(giver.id, thing.id, now=at(day=20))
    assert once.value.code == "flattr_once"
    # Next month the same thing can be flattred again.
    flattrs.flattr_thing(giver.id, thing.id, now=at(PERIOD + 1))
    assert Flattr.objects.filter(user=giver, thing=thing).count() == 2


def test_funds_must_cover_the_budget():
    poor = factories.user(budget_cents=500, funds_cents=499)
    thing = factories.thing(factories.user())
    with pytest.raises(NoMeans) as error:
        flattrs.flattr_thing(poor.id, thing.id, now=at())
    assert error.value.code == "no_means" and "4.99 €" in str(error.value)
    assert not Flattr.objects.exists()


def test_unknown_and_disabled_things_are_not_found_hidden_ones_are_flattred():
    giver = factories.user()
    hidden, disabled = factories.thing(factories.user()), factories.thing(factories.user())
    Thing.objects.filter(id=hidden.id).update(hidden=True)
    Thing.objects.filter(id=disabled.id).update(disabled=True)
    for thing_id in (disabled.id, 999_999):
        with pytest.raises(NotFound) as error:
            flattrs.flattr_thing(giver.id, thing_id, now=at())
        assert error.value.code == "not_found"
    assert not Flattr.objects.exists()
    flattrs.flattr_thing(giver.id, hidden.id, now=at())  # hidden means unlisted, nothing more
    assert Flattr.objects.filter(thing_id=hidden.id).count() == 1


def test_inactive_and_unknown_users_cannot_flattr():
    giver = factories.user()
    thing = factories.thing(factories.user())
    User.objects.filter(id=giver.id).update(is_active=False)
    with pytest.raises(UserInactive):
        flattrs.flattr_thing(giver.id, thing.id, now=at())
    with pytest.raises(NotFound):
        flattrs.flattr_thing(987_654, thing.id, now=at())


def test_flattring_an_unknown_url_creates_an_unclaimed_thing():
    giver = factories.user()
    flattr = flattrs.flattr_url(giver.id, "HTTPS://Blog.Example/post?utm_source=rss#top", title="A post", now=at())
    thing = flattr.thing
    assert thing.url == "https://blog.example/post" and thing.title == "A post"
    assert not thing.owners.exists() and thing.created_by is None
    again = factories.user()
    assert flattrs.flattr_url(again.id, "https://blog.example/post", now=at()).thing_id == thing.id


@pytest.mark.parametrize("url", ["", "ftp://x.example/", "javascript:alert(1)", "https://exa mple/"])
def test_malformed_urls_write_nothing(url):
    giver = factories.user()
    with pytest.raises(InvalidInput):
        flattrs.flattr_url(giver.id, url, now=at())
    assert not Thing.objects.filter(created_by__isnull=True).exists() and not Flattr.objects.exists()


def test_take_back_until_the_period_closes():
    giver, other = factories.user(), factories.user()
    thing = factories.thing(factories.user())
    flattr = flattrs.flattr_thing(giver.id, thing.id, now=at(day=3))
    with pytest.raises(NotFound):  # somebody else's flattr is not even visible
        flattrs.take_back(other.id, flattr.id, now=at(day=4))
    flattrs.take_back(giver.id, flattr.id, now=at(day=4))
    assert not Flattr.objects.exists()
    flattr = flattrs.flattr_thing(giver.id, thing.id, now=at(day=5))
    with pytest.raises(FlattrClosed):
        flattrs.take_back(giver.id, flattr.id, now=at(PERIOD + 1))
    assert Flattr.objects.filter(id=flattr.id).exists()


def test_subscription_rules():
    giver, creator = factories.user(), factories.user()
    thing = factories.thing(creator)
    with pytest.raises(NotFlattred):
        subscriptions.subscribe(giver.id, thing.id, 3, now=at())
    with pytest.raises(ThingOwnerSubscribe):
        subscriptions.subscribe(creator.id, thing.id, 3, now=at())
    flattrs.flattr_thing(giver.id, thing.id, now=at())
    for months in (0, 1, 24, True, "3"):
        with pytest.raises(InvalidInput):
            subscriptions.subscribe(giver.id, thing.id, months, now=at())
    sub = subscriptions.subscribe(giver.id, thing.id, 3, now=at())
    assert (sub.first_period, sub.last_period) == ((PERIOD + 1).first_day, (PERIOD + 3).first_day)
    with pytest.raises(AlreadySubscribed):
        subscriptions.subscribe(giver.id, thing.id, 6, now=at())


def test_subscriptions_fire_once_per_covered_period_and_pause_does_not_extend():
    giver = factories.user()
    thing = factories.thing(factories.user())
    flattrs.flattr_thing(giver.id, thing.id, now=at())
    sub = subscriptions.subscribe(giver.id, thing.id, 3, now=at())
    assert subscriptions.materialise(PERIOD) == 0  # the period it was made in is not covered
    assert subscriptions.materialise(PERIOD + 1) == 1
    assert subscriptions.materialise(PERIOD + 1) == 0  # idempotent
    fired = Flattr.objects.get(user=giver, period=(PERIOD + 1).first_day)
    assert fired.source == FlattrSource.SUBSCRIPTION and fired.created_at == (PERIOD + 1).start
    # Taken back, it stays taken back: the subscription does not fire twice in one period.
    flattrs.take_back(giver.id, fired.id, now=at(PERIOD + 1, day=2))
    assert subscriptions.materialise(PERIOD + 1) == 0
    subscriptions.toggle_pause(giver.id, sub.id)
    assert subscriptions.materialise(PERIOD + 2) == 0
    subscriptions.toggle_pause(giver.id, sub.id)
    assert subscriptions.materialise(PERIOD + 3) == 1
    assert subscriptions.materialise(PERIOD + 4) == 0  # ended after three months, pause or not


def test_cancelled_subscriptions_stop_and_others_cannot_touch_them():
    giver, stranger = factories.user(), factories.user()
    thing = factories.thing(factories.user())
    flattrs.flattr_thing(giver.id, thing.id, now=at())
    sub = subscriptions.subscribe(giver.id, thing.id, None, now=at())
    with pytest.raises(NotFound):
        subscriptions.toggle_pause(stranger.id, sub.id)
    with pytest.raises(NotFound):
        subscriptions.cancel(stranger.id, sub.id)
    subscriptions.cancel(giver.id, sub.id, now=at(day=2))
    assert subscriptions.materialise(PERIOD + 1) == 0
    assert Subscription.objects.get(id=sub.id).cancelled_at is not None
    # Open-ended subscriptions can be taken again once cancelled.
    subscriptions.subscribe(giver.id, thing.id, None, now=at(day=3))


def test_the_cron_catches_up_a_missed_previous_period():
    from io import StringIO

    from django.core.management import call_command

    giver = factories.user()
    thing = factories.thing(factories.user())
    flattrs.flattr_thing(giver.id, thing.id, now=at())
    subscriptions.subscribe(giver.id, thing.id, 6, now=at())
    out = StringIO()
    call_command("subscriptions", "fire", "--period", str(PERIOD + 2), stdout=out)  # PERIOD + 1 was missed
    assert Flattr.objects.filter(user=giver, source=FlattrSource.SUBSCRIPTION).count() == 2
    assert "caught up" in out.getvalue()
