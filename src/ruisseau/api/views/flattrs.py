"""Flattring by thing id and by URL, and the lists of flattrs (reference §7.2, §7.9)."""

from __future__ import annotations

from django.conf import settings

from ruisseau.api import queries, representations as rep
from ruisseau.things.targets import parse_target
from ruisseau.api.errors import ApiError, invalid
from ruisseau.api.http import Call, endpoint
from ruisseau.api.idempotency import idempotent
from ruisseau.api.parsing import paging, text
from ruisseau.errors import RuisseauError
from ruisseau.flattrs import counts as flattr_counts, services
from ruisseau.flattrs.errors import NoMeans
from ruisseau.flattrs.models import FlattrSource


def _flattred(flattr) -> dict:
    thing = flattr.thing  # loaded by the service, usually with its count: the answer costs no query
    count = getattr(thing, "n_flattrs", None)
    return {
        "message": "ok",
        "description": "Thing was successfully flattred",
        "thing": rep.mini_thing(thing, flattrs=flattr_counts.all_time(thing.id) if count is None else count),
        "location": rep.thing_resource(thing.id),  # deprecated in 2012, still read by old clients
    }


@endpoint("POST", scope="flattr")
def flattr_thing(call: Call, thing_id: str):
    try:
        tid = int(thing_id)
    except ValueError:
        raise ApiError("not_found", "The requested thing could not be found") from None

    def act():
        return _flattred(services.flattr_thing(call.caller.user_id, tid, source=FlattrSource.API, with_count=True))

    return idempotent(call, act)


@endpoint("POST", scope="flattr")
def flattr_url(call: Call):
    if not isinstance(call.data, dict):
        raise invalid("The body must be an object with a url")
    raw = text(call.data.get("url"), name="url").strip()
    if not raw:
        raise invalid("url is required")
    target = parse_target(raw)
    if not target.url:
        raise ApiError("validation", "Invalid url: the auto-submit URL names no url")

    def act():
        flattr = services.flattr_url(call.caller.user_id, target.url, source=FlattrSource.API, with_count=True,
                                     author=target.owner, sig=target.sig, **target.fields)
        return _flattred(flattr)

    return idempotent(call, act)


@endpoint("POST", scope="flattr")
def bulk(call: Call):
    """The Flattr 2.0 extension's batch: a JSON array of {"url": ...}. Every URL is flattred once
    this period; repeats and your own things are reported, not failed. No funds → 402."""
    items = call.data
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("url"), str) for i in items):
        raise invalid('The body must be a JSON array of objects like {"url": "https://..."}')
    if len(items) > settings.API_BULK_MAX:
        raise invalid(f"At most {settings.API_BULK_MAX} URLs per request")

    def act():
        results = []
        for item in items:
            target = parse_target(item["url"])
            try:
                if not target.url:
                    raise ApiError("validation", "Invalid url")
                flattr = services.flattr_url(call.caller.user_id, target.url, source=FlattrSource.API,
                                             author=target.owner, sig=target.sig, **target.fields)
                results.append({"url": item["url"], "result": "ok", "thing_id": flattr.thing_id})
            except NoMeans as exc:
                raise ApiError("no_means", exc.message, status=402) from None
            except (RuisseauError, ApiError) as exc:
                code = getattr(exc, "code", "invalid_request")
                results.append({"url": item["url"], "result": code, "description": str(exc)})
        flattred = sum(1 for r in results if r["result"] == "ok")
        return {"message": "ok", "flattred": flattred, "results": results}

    return idempotent(call, act)


@endpoint("GET")
def user_flattrs(call: Call, username: str):
    user = queries.user_by_name(username)
    count, number = paging(call.query)
    if user.hide_given and call.caller.user_id != user.id:
        return []  # an empty list is how the v2 API says "hidden"
    mine = call.caller.user_id == user.id
    return rep.flattrs(queries.page(queries.flattrs_by(user, with_hidden=mine), count, number), call.caller,
                       full=call.full)


@endpoint("GET", token=True)
def my_flattrs(call: Call):
    count, number = paging(call.query)
    rows = queries.page(queries.flattrs_by(call.caller.user, with_hidden=True), count, number)
    return rep.flattrs(rows, call.caller, full=call.full)


@endpoint("GET")
def thing_flattrs(call: Call, thing_id: str):
    try:
        thing = queries.thing_by_id(int(thing_id))
    except ValueError:
        raise ApiError("not_found", "The requested thing could not be found") from None
    count, number = paging(call.query)
    return rep.flattrs(queries.page(queries.flattrs_on(thing), count, number), call.caller, full=call.full)
