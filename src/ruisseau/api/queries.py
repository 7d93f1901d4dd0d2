"""Read-only selectors for the API: which things, flattrs and users a request lists, with the
counts its answers show, in a fixed number of queries per page (no query per row)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from ruisseau.accounts.models import User
from ruisseau.api.errors import invalid, not_found
from ruisseau.flattrs.models import Flattr, Subscription
from ruisseau.periods import Period
from ruisseau.things import services as thing_services
from ruisseau.things.models import Thing
from ruisseau.things.search import TEXT_COLUMNS, contains_word, words_match

SORTS = ("relevance", "trend", "flattrs", "flattrs_month", "flattrs_week", "flattrs_day")
_SORT_WINDOWS = {"flattrs_month": 30, "flattrs_week": 7, "flattrs_day": 1, "trend": 14}


def things() -> QuerySet[Thing]:
    """Things the API shows: disabled ones (by an operator, or deleted with history) are gone."""
    return (
        Thing.objects.filter(disabled=False)
        .annotate(
            n_flattrs=Count("flattrs", distinct=True),
            n_flattr_users=Count("flattrs__user", distinct=True),
            last_flattr=Max("flattrs__created_at"),
        )
        .prefetch_related("tags", "owners__user", "site_page")
    )


def thing_by_id(thing_id: int) -> Thing:
    thing = things().filter(id=thing_id).first()
    if thing is None:
        raise not_found("The requested thing could not be found")
    return thing


def things_by_ids(ids: list[int]) -> list[Thing]:
    found = {t.id: t for t in things().filter(id__in=ids)}
    if any(i not in found for i in ids):
        raise not_found("The requested thing(s) could not be found")
    return [found[i] for i in ids]


def user_by_name(username: str) -> User:
    user = User.objects.filter(username__iexact=username, is_active=True, closed_at__isnull=True).first()
    if user is None:
        raise not_found(f"No user named {username!r}")
    return user


def owned_things(user: User, *, include_hidden: bool) -> QuerySet[Thing]:
    qs = things().filter(thing_services.controlled_by([user.id]))
    if not include_hidden:
        qs = qs.filter(hidden=False)
    return qs.order_by("-created_at", "-id")


def owned_by_someone_else(thing: Thing, username: str) -> bool:
    """True when the thing has owners and the named user is not one of them."""
    owners = thing.owners.all()
    return owners.exists() and not owners.filter(user__username__iexact=username).exists()


def page(qs, count: int, number: int) -> list:
    start = (number - 1) * count
    return list(qs[start:start + count])


def flattrs_by(user: User, *, with_hidden: bool = False) -> QuerySet[Flattr]:
    """The user's flattrs; those of hidden (unlisted) things only for the user themself."""
    rows = Flattr.objects.filter(user=user, thing__disabled=False)
    if not with_hidden:
        rows = rows.filter(thing__hidden=False)
    return rows.select_related("thing", "user").order_by("-created_at", "-id")


def flattrs_on(thing: Thing) -> QuerySet[Flattr]:
    return (
        Flattr.objects.filter(thing=thing, user__hide_given=False)
        .select_related("thing", "user")
        .order_by("-created_at", "-id")
    )


def flattrs_to(user: User, *, with_hidden: bool = False) -> QuerySet[Flattr]:
    """Flattrs on things the user owns, from flattrers who do not hide what they give; those on
    hidden (unlisted) things only for the owner themself."""
    rows = Flattr.objects.filter(thing__owners__user=user, thing__disabled=False, user__hide_given=False)
    if not with_hidden:
        rows = rows.filter(thing__hidden=False)
    return rows.select_related("thing", "user").order_by("-created_at", "-id")


def flattred_ids(user_id: int | None, thing_ids) -> set[int]:
    if not user_id:
        return set()
    period = Period.containing(timezone.now()).first_day
    return set(
        Flattr.objects.filter(user_id=user_id, thing_id__in=thing_ids, period=period).values_list("thing_id", flat=True)
    )


def subscribed_ids(user_id: int | None, thing_ids) -> set[int]:
    if not user_id:
        return set()
    return set(
        Subscription.objects.filter(user_id=user_id, thing_id__in=thing_ids, cancelled_at__isnull=True)
        .values_list("thing_id", flat=True)
    )


def subscription_for(user_id: int, thing_id: int) -> Subscription:
    sub = Subscription.objects.filter(user_id=user_id, thing_id=thing_id, cancelled_at__isnull=True).first()
    if sub is None:
        raise not_found("You have no subscription to this thing")
    return sub


def subscriptions_of(user_id: int) -> list[Subscription]:
    return list(
        Subscription.objects.filter(user_id=user_id, cancelled_at__isnull=True, thing__disabled=False)
        .select_related("thing")
        .order_by("-created_at", "-id")
    )


# --- search ---------------------------------------------------------------------------------

def search(params: dict, *, caller_id: int | None) -> QuerySet[Thing]:
    """Things matching the v2 search parameters (reference §7.1). Hidden things appear only to
    their owner, and only with the extendedread scope (the view decides ``caller_id``)."""
    visible = Q(hidden=False)
    if caller_id:
        visible |= thing_services.controlled_by([caller_id])
    qs = things().filter(visible)
    if params.get("query"):
        qs = qs.filter(words_match(params["query"].split()[:10], columns=(*TEXT_COLUMNS, "url"), owner_names=False))
    if params.get("url"):
        qs = qs.filter(url__icontains=params["url"])
    if params.get("tags"):
        qs = qs.filter(tag_expression(params["tags"]))
    for name in ("language", "category"):
        if params.get(name):
            qs = qs.filter(**{f"{name}__in": [v.strip() for v in params[name].split(",") if v.strip()]})
    if params.get("user"):
        named = User.objects.filter(username__iexact=params["user"]).values("id")
        qs = qs.filter(thing_services.controlled_by(named))
    return _sort(qs.distinct(), params.get("sort") or "relevance", params.get("query") or "")


def _sort(qs, sort: str, query: str):
    if sort not in SORTS:
        raise invalid(f"sort must be one of {', '.join(SORTS)}")
    if sort == "flattrs":
        return qs.order_by("-n_flattrs", "-created_at", "-id")
    if sort in _SORT_WINDOWS:
        since = timezone.now() - timedelta(days=_SORT_WINDOWS[sort])
        qs = qs.annotate(recent=Count("flattrs", filter=Q(flattrs__created_at__gte=since), distinct=True))
        return qs.order_by("-recent", "-n_flattrs", "-created_at", "-id")
    # relevance: the first word in the title ranks first, then popularity, then newest
    if query:
        first = query.split()[0]
        qs = qs.annotate(in_title=Count("id", filter=Q(contains_word("title", first)), distinct=True))
        return qs.order_by("-in_title", "-n_flattrs", "-created_at", "-id")
    return qs.order_by("-n_flattrs", "-created_at", "-id")


_TOKEN = re.compile(r"\s*([|&!])\s*")


def tag_expression(expression: str) -> Q:
    """`a | b` any of, `a & b` all of, `! c` none of: `game | games ! software` (reference §7.1).
    Read left to right: ``|`` and ``&`` join the next tag, ``!`` excludes it."""
    parts = [p for p in _TOKEN.split(expression) if p is not None]
    condition: Q | None = None
    op = "|"
    for part in parts:
        part = part.strip()
        if part in ("|", "&", "!"):
            op = part
            continue
        if not part:
            continue
        term = Q(tags__name=part.lower())
        has_tag = Q(id__in=Thing.objects.filter(term).values("id"))
        if op == "!":
            condition = (condition or Q()) & ~has_tag
        elif op == "&" and condition is not None:
            condition &= has_tag
        else:
            condition = has_tag if condition is None else condition | has_tag
    return condition or Q()
