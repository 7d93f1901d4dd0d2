"""The JSON objects of the v2 API (reference §6), field names and types exactly as clients read
them: integers for ids, counts and Unix times, JSON booleans for flags."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from ruisseau.api import queries
from ruisseau.api.auth import Caller
from ruisseau.flattrs import counts as flattr_counts
from ruisseau.ledger.accounts import funds_cents


def unix(moment: datetime | None) -> int:
    return int(moment.timestamp()) if moment else 0


def thing_resource(thing_id: int) -> str:
    return f"{settings.API_BASE_URL}/things/{thing_id}"


def thing_link(thing_id: int) -> str:
    return f"{settings.PUBLIC_URL}/thing/{thing_id}"


def mini_user(user) -> dict | None:
    if user is None:
        return None
    return {
        "type": "user",
        "resource": f"{settings.API_BASE_URL}/users/{user.username.lower()}",
        "link": f"{settings.PUBLIC_URL}/profile/{user.username}",
        "username": user.username,
    }


def full_user(user, caller: Caller) -> dict:
    body = mini_user(user) | {
        "id": str(user.id),
        "firstname": user.first_name or user.display_name,
        "lastname": user.last_name,
        "about": user.about,
        "city": "",
        "country": "",
        "url": user.website,
        "avatar": "",
        "active_supporter": int(funds_cents(user.id) >= user.budget_cents),
    }
    if caller.user_id == user.id:
        if caller.has("email") or caller.has("extendedread"):
            body["email"] = user.email
        if caller.has("extendedread"):
            body["registered_at"] = unix(user.date_joined)
    return body


def thing_owner(thing):
    """The owner a thing shows: the author of a page attributed through a site (the site owner's
    share, however large, does not make it his page), else its verified owner with the largest
    share, else its claimed one. Unclaimed things (auto-submitted URLs) have none: ``owner`` is
    null."""
    owners = sorted(thing.owners.all(), key=lambda o: (not o.verified, -o.weight_bps, o.user_id))
    page = getattr(thing, "site_page", None)  # prefetched by queries.things()
    if page is not None:
        owners.sort(key=lambda o: o.user_id != page.author_id)  # stable: the rest keep their order
    return owners[0].user if owners else None


class ThingWriter:
    """Renders a page of things for one caller with two queries for the caller's flags."""

    def __init__(self, things, caller: Caller, *, full: bool):
        self.caller, self.full = caller, full
        ids = [t.id for t in things]
        self.flattred = queries.flattred_ids(caller.user_id, ids)
        self.subscribed = queries.subscribed_ids(caller.user_id, ids)

    def thing(self, thing) -> dict:
        owner = thing_owner(thing)
        body = {
            "type": "thing",
            "resource": thing_resource(thing.id),
            "link": thing_link(thing.id),
            "id": thing.id,
            "url": thing.url,
            "flattrs": thing.n_flattrs,
            "flattrs_user_count": thing.n_flattr_users,
            "title": thing.title,
            "description": thing.description,
            "tags": sorted(t.name for t in thing.tags.all()),
            "language": thing.language,
            "category": thing.category,
            "created_at": unix(thing.created_at),
            "owner": (full_user(owner, self.caller) if self.full and owner else mini_user(owner)),
            "hidden": bool(thing.hidden),
            "image": thing.image,
        }
        if self.caller.user_id:
            body["flattred"] = thing.id in self.flattred
            body["subscribed"] = thing.id in self.subscribed
            if any(o.user_id == self.caller.user_id for o in thing.owners.all()):
                body["last_flattr_at"] = unix(thing.last_flattr)
                body["updated_at"] = unix(thing.updated_at)
        return body


def things(things_, caller: Caller, *, full: bool) -> list[dict]:
    writer = ThingWriter(things_, caller, full=full)
    return [writer.thing(t) for t in things_]


def mini_thing(thing, *, flattrs: int | None = None, with_owner: bool = False) -> dict:
    body = {
        "type": "thing",
        "resource": thing_resource(thing.id),
        "link": thing_link(thing.id),
        "id": thing.id,
        "url": thing.url,
        "title": thing.title,
        "image": thing.image,
        "flattrs": flattrs if flattrs is not None else flattr_counts.all_time(thing.id),
    }
    if with_owner:
        body["owner"] = mini_user(thing_owner(thing))
    return body


def flattrs(rows, caller: Caller, *, full: bool) -> list[dict]:
    """Flattr objects (§6.5): the thing small (with its owner) or full, the flattrer small or full."""
    ids = list({f.thing_id for f in rows})
    by_id = {t.id: t for t in queries.things().filter(id__in=ids)}
    writer = ThingWriter(list(by_id.values()), caller, full=full) if full else None
    result = []
    for f in rows:
        thing = by_id.get(f.thing_id)
        if thing is None:
            continue
        result.append({
            "type": "flattr",
            "created_at": unix(f.created_at),
            "thing": writer.thing(thing) if writer else mini_thing(thing, flattrs=thing.n_flattrs, with_owner=True),
            "owner": full_user(f.user, caller) if full else mini_user(f.user),
        })
    return result


def subscriptions(subs, caller: Caller) -> list[dict]:
    by_id = {t.id: t for t in queries.things().filter(id__in=[s.thing_id for s in subs])}
    writer = ThingWriter(list(by_id.values()), caller, full=False)
    return [
        {
            "type": "subscription",
            "active": s.active,
            "created_at": unix(s.created_at),
            "started_at": unix(s.created_at),
            "thing": writer.thing(by_id[s.thing_id]),
        }
        for s in subs
        if s.thing_id in by_id
    ]
