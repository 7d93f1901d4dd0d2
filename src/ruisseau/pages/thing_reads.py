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
from datetime import UTC, datetime
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404
from django.utils.dateparse import parse_datetime

from ruisseau.accounts.models import User
from ruisseau.db import prepared_cursor
from ruisseau.flattrs.models import Flattr, Pledge, PledgeState, Subscription
from ruisseau.periods import Period
from ruisseau.things.models import Thing, ThingOwner
from ruisseau.things.services import controlled_by

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
    subscribed: bool = False  # a subscription to the thing, not cancelled
    subscription_paused: bool = False


class RecentFlattr(NamedTuple):
    username: str
    name: str  # what the page calls them: the display name, else the username
    created_at: datetime


@dataclass
class ThingView:
    thing: Thing
    owners: list[ThingOwner]
    tags: list[str]
    period: Period
    period_count: int
    total_count: int
    recent: list[RecentFlattr]
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
    view = ThingView(thing, owners, tags, period, period_count, total_count, [])
    if user.is_authenticated:
        view.viewer, view.recent = _viewer_state_and_recent(thing.id, user, period, owners)
        if view.viewer.is_owner:
            view.pledges_waiting = Pledge.objects.filter(thing_id=thing.id, state=PledgeState.WAITING).count()
    else:
        view.recent = _recent_flattrers(thing.id)
    return view


# The visitor's part of the page is read with plain SQL, and for a signed-in visitor in a single
# statement: the page is read far more often than it changes, building the ORM querysets cost more
# than running them, and on PostgreSQL every statement is a round trip of its own.
def _recent_sql() -> str:
    # Givers who hide what they give are left out entirely (not shown as "someone").
    return f"""SELECT u.username, u.display_name, f.created_at, f.id
               FROM {Flattr._meta.db_table} f JOIN {User._meta.db_table} u ON u.id = f.user_id
               WHERE f.thing_id = %s AND NOT u.hide_given ORDER BY f.created_at DESC, f.id DESC LIMIT %s"""


def _recent_flattrers(thing_id: int) -> list[RecentFlattr]:
    with prepared_cursor() as cursor:
        cursor.execute(_recent_sql(), [thing_id, RECENT_FLATTRERS])
        return [_recent(*row) for row in cursor.fetchall()]


def _recent(username: str, display_name: str, moment, _id: int) -> RecentFlattr:
    if isinstance(moment, str):  # SQLite, through a subquery, may give the text it keeps
        moment = parse_datetime(moment)
    if moment.tzinfo is None:  # SQLite keeps UTC without saying so
        moment = moment.replace(tzinfo=UTC)
    return RecentFlattr(username, display_name or username, moment)


def _viewer_state_and_recent(thing_id: int, user, period: Period, owners) -> tuple[ViewerState, list[RecentFlattr]]:
    """The visitor's counts on one row, joined to each recent flattrer (or to a row of NULLs)."""
    flattrs, subscriptions = Flattr._meta.db_table, Subscription._meta.db_table
    day = connection.ops.adapt_datefield_value(period.first_day)
    active = f"FROM {subscriptions} WHERE user_id = %s AND thing_id = %s AND cancelled_at IS NULL"
    with prepared_cursor() as cursor:  # planned once per connection on PostgreSQL
        cursor.execute(
            f"""SELECT v.*, r.* FROM (
                    SELECT (SELECT COUNT(*) FROM {flattrs} WHERE user_id = %s AND period = %s),
                           (SELECT MAX(id) FROM {flattrs} WHERE user_id = %s AND period = %s AND thing_id = %s),
                           (SELECT COUNT(*) {active}), (SELECT COUNT(*) {active} AND paused)) v
                LEFT JOIN ({_recent_sql()}) r ON 1 = 1
                ORDER BY r.created_at DESC, r.id DESC""",
            [user.id, day, user.id, day, thing_id, user.id, thing_id, user.id, thing_id, thing_id, RECENT_FLATTRERS],
        )
        rows = cursor.fetchall()
    count, this_one, subscribed, paused = rows[0][:4]
    viewer = ViewerState(
        is_owner=any(o.user_id == user.id for o in owners),
        is_verified_owner=any(o.user_id == user.id and o.verified for o in owners),
        flattr_id=this_one,
        period_flattrs=count,
        subscribed=subscribed > 0,
        subscription_paused=paused > 0,
    )
    return viewer, [_recent(*row[4:]) for row in rows if row[4] is not None]


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
        .filter(thing__in=Thing.objects.filter(controlled_by([person.id])))  # a site's share is not his page
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
