"""Read models for the thing page and profiles: a fixed number of queries each, whatever the
number of flattrs (counts are aggregated in the database, lists are limited).

The thing page's public part (the thing, its owners, tags and counts) is the same for every
visitor, so it is kept in the cache for ``PUBLIC_TTL_SECONDS`` (issue 3's benchmark: four of the
page's nine queries). A flattr, a taken-back flattr, a change to the thing, its owners or its tags
deletes the thing's entry (signals wired in ``apps.py``) and a user saved through the ORM starts a
new generation, so the process that handled the change shows it at once; other web processes (each
has its own local-memory cache unless ``RUISSEAU_CACHE_URL=db://…`` shares one), and display names
changed by a bulk update, show it when the entry expires. The recent flattrers are read on every
request, so hiding what one gives takes effect at once, as is the visitor's own state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404

from ruisseau.flattrs.models import Flattr, Pledge, PledgeState, Subscription
from ruisseau.periods import Period
from ruisseau.things.models import Thing, ThingOwner

RECENT_FLATTRERS = 12
PUBLIC_TTL_SECONDS = 10
_generation = [0]  # bumped when any user is saved: names and privacy show on many thing pages


@dataclass
class ViewerState:
    """What the signed-in visitor has to do with the thing."""

    is_owner: bool = False
    is_verified_owner: bool = False  # nothing left to prove
    flattr_id: int | None = None  # their flattr of this period, if any
    period_flattrs: int = 0  # how many things they flattred this period
    subscription: Subscription | None = None


@dataclass
class ThingView:
    thing: Thing
    owners: list[ThingOwner]
    tags: list[str]
    period: Period
    period_count: int
    total_count: int
    recent: list[Flattr]
    viewer: ViewerState = field(default_factory=ViewerState)
    pledges_waiting: int = 0

    @property
    def has_verified_owner(self) -> bool:
        return any(owner.verified for owner in self.owners)


def thing_counts(thing_id: int, period: Period) -> tuple[int, int]:
    """(flattrs this period, flattrs all time), one query over the (thing, period) index."""
    counts = Flattr.objects.filter(thing_id=thing_id).aggregate(
        total=Count("id"), period=Count("id", filter=Q(period=period.first_day))
    )
    return counts["period"], counts["total"]


def public_key(thing_id: int) -> str:
    return f"pages:thing:{thing_id}"


def forget_thing(thing_id: int) -> None:
    cache.delete(public_key(thing_id))


def forget_all_things() -> None:
    _generation[0] += 1


def _public_part(thing_id: int, period: Period) -> tuple:
    """(thing, owners, tags, period count, total count), cached (see above)."""
    stamp = (_generation[0], period.first_day)
    cached = cache.get(public_key(thing_id))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    thing = Thing.objects.filter(id=thing_id).first()
    if thing is None:
        raise Http404("No such thing")
    # Only what the page shows of the owners: the entry may sit in a shared cache table
    # (RUISSEAU_CACHE_URL=db://…), which has no business holding password hashes or emails.
    owners = list(
        thing.owners.select_related("user")
        .only("id", "thing_id", "user_id", "weight_bps", "verified", "verification", "verified_at", "claimed_at",
              "user__id", "user__username", "user__display_name")
        .order_by("-verified", "claimed_at", "id")
    )
    period_count, total_count = thing_counts(thing.id, period)
    part = (thing, owners, [t.name for t in thing.tags.all()], period_count, total_count)
    cache.set(public_key(thing_id), (stamp, part), PUBLIC_TTL_SECONDS)
    return part


def thing_view(thing_id: int, user, period: Period) -> ThingView:
    thing, owners, tags, period_count, total_count = _public_part(thing_id, period)
    # Givers who hide what they give are left out entirely (not shown as "someone").
    recent = list(
        Flattr.objects.filter(thing_id=thing.id, user__hide_given=False)
        .select_related("user")
        .order_by("-created_at", "-id")[:RECENT_FLATTRERS]
    )
    view = ThingView(thing, owners, tags, period, period_count, total_count, recent)
    if user.is_authenticated:
        view.viewer = _viewer_state(thing.id, user, period, owners)
        if view.viewer.is_owner:
            view.pledges_waiting = Pledge.objects.filter(thing_id=thing.id, state=PledgeState.WAITING).count()
    return view


def _viewer_state(thing_id: int, user, period: Period, owners: list[ThingOwner]) -> ViewerState:
    # One raw statement instead of two ORM queries (the page is read far more often than it
    # changes, and building the aggregate cost more than running it); the subscription itself is
    # loaded only in the rare case there is one.
    flattrs, subscriptions = Flattr._meta.db_table, Subscription._meta.db_table
    day = connection.ops.adapt_datefield_value(period.first_day)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT (SELECT COUNT(*) FROM {flattrs} WHERE user_id = %s AND period = %s),
                       (SELECT MAX(id) FROM {flattrs} WHERE user_id = %s AND period = %s AND thing_id = %s),
                       (SELECT MIN(id) FROM {subscriptions}
                        WHERE user_id = %s AND thing_id = %s AND cancelled_at IS NULL)""",
            [user.id, day, user.id, day, thing_id, user.id, thing_id],
        )
        count, this_one, subscription_id = cursor.fetchone()
    return ViewerState(
        is_owner=any(o.user_id == user.id for o in owners),
        is_verified_owner=any(o.user_id == user.id and o.verified for o in owners),
        flattr_id=this_one,
        period_flattrs=count,
        subscription=Subscription.objects.get(id=subscription_id) if subscription_id else None,
    )


@dataclass
class ProfileView:
    person: object
    owned: list[ThingOwner]
    given: list[Flattr] | None  # None when the person hides what they give
    given_count: int | None
    received_count: int | None  # None when the person hides what they receive


PROFILE_LIST = 50


def profile_view(person, viewer) -> ProfileView:
    owned = list(
        ThingOwner.objects.filter(user_id=person.id, thing__hidden=False)
        .select_related("thing")
        .order_by("-thing__created_at", "-thing_id")[:PROFILE_LIST]
    )
    itself = viewer.is_authenticated and viewer.id == person.id
    given = given_count = received_count = None
    if itself or not person.hide_given:
        given_qs = Flattr.objects.filter(user_id=person.id, thing__hidden=False)
        given = list(given_qs.select_related("thing").order_by("-created_at", "-id")[:PROFILE_LIST])
        given_count = given_qs.count()
    if itself or not person.hide_received:
        received_count = Flattr.objects.filter(
            thing__owners__user_id=person.id, thing__owners__verified=True
        ).count()
    return ProfileView(person, owned, given, given_count, received_count)
