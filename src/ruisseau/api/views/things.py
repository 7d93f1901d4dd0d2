"""/things: get one or several, look up by URL, search, create, update, delete (reference §7.1)."""

from __future__ import annotations

from urllib.parse import unquote

from ruisseau.api import queries, representations as rep
from ruisseau.things.targets import parse_target
from ruisseau.api.errors import ApiError, invalid, not_found
from ruisseau.api.http import Call, Reply, endpoint
from ruisseau.api.parsing import paging, parse_bool, text
from ruisseau.things import services

THING_FIELDS = ("title", "description", "category", "language", "tags")


def _ids(raw: str) -> list[int]:
    parts = [p for p in unquote(raw).split(",") if p.strip()]
    if not parts or len(parts) > 100:
        raise not_found("The requested thing(s) could not be found")
    try:
        ids = [int(p) for p in parts]
    except ValueError:
        raise not_found("The requested thing(s) could not be found") from None
    if any(i < 1 or i > 2**62 for i in ids):
        raise not_found("The requested thing(s) could not be found")
    return ids


@endpoint("GET", "PATCH", "DELETE")
def thing(call: Call, ids: str):
    if call.method == "PATCH":
        return _update(call, _single_id(ids))
    if call.method == "DELETE":
        return _delete(call, _single_id(ids))
    wanted = _ids(ids)
    found = queries.things_by_ids(wanted)
    objects = rep.things(found, call.caller, full=call.full)
    return objects[0] if len(objects) == 1 else objects


def _single_id(ids: str) -> int:
    wanted = _ids(ids)
    if len(wanted) != 1:
        raise invalid("Change or delete one thing at a time")
    return wanted[0]


def _update(call: Call, thing_id: int):
    call.require("thing")
    data = _object(call.data)
    current = queries.thing_by_id(thing_id)
    if "url" in data and data["url"] not in (None, "", current.url):
        try:
            same = services.find_by_url(text(data["url"], name="url"))
        except Exception:  # an unreadable URL is simply not this thing's
            same = None
        if same is None or same.id != current.id:
            raise ApiError("validation", "The url of a thing cannot be changed")
    changes = {name: text(data[name], name=name) for name in THING_FIELDS if name in data and data[name] is not None}
    if "hidden" in data:
        changes["hidden"] = parse_bool(data["hidden"], name="hidden")
    services.update_thing(thing_id, call.caller.user_id, **changes)
    return {"message": "ok", "description": "Thing was updated correctly"}


def _delete(call: Call, thing_id: int):
    call.require("thing", error="forbidden", description="Cannot delete the thing: the access token lacks the 'thing' scope")
    queries.thing_by_id(thing_id)
    if not services.controls(thing_id, call.caller.user_id):
        raise ApiError("forbidden", "Cannot delete the thing: it is not yours")
    services.delete_thing(thing_id, call.caller.user_id)
    return Reply(status=204)


def _object(data) -> dict:
    if not isinstance(data, dict):
        raise invalid("The body must be an object")
    return data


@endpoint("GET", "POST")
def things(call: Call):
    """POST /things creates a thing; GET /things (no ids) is not a resource of its own."""
    if call.method == "GET":
        raise not_found("List things with /things/search, /user/things or /users/:username/things")
    call.require("thing")
    data = _object(call.data)
    url = text(data.get("url"), name="url").strip()
    if not url:
        raise ApiError("validation", "Invalid url: a url is required")
    fields = {name: text(data[name], name=name) for name in THING_FIELDS if data.get(name) not in (None, "")}
    created = services.register_thing(
        url, owner_id=call.caller.user_id, hidden=parse_bool(data.get("hidden"), name="hidden"), **fields
    )
    return Reply(
        {"id": created.id, "link": rep.thing_resource(created.id), "message": "ok",
         "description": "Thing was created successfully"},
        status=201,
        headers={"Location": rep.thing_resource(created.id)},
    )


@endpoint("GET")
def lookup(call: Call, quoted: str | None = None):
    raw = unquote(quoted) if quoted else call.query.get("url", "")
    if not raw.strip():
        raise invalid("url is required")
    target = parse_target(raw)
    found = services.find_by_url(target.url) if target.url else None
    if found is None or found.disabled:
        return Reply(
            {"message": "not_found", "description": "No thing was found", "error": "not_found",
             "error_description": "No thing was found", "error_uri": "https://developers.flattr.net/api"},
            status=404,
        )
    if target.owner and queries.owned_by_someone_else(found, target.owner):
        raise ApiError("validation", "Owner mismatch. Current thing owned by other account.")
    location = rep.thing_resource(found.id)
    return Reply({"message": "found", "location": location}, status=302, headers={"Location": location})


@endpoint("GET")
def search(call: Call):
    count, number = paging(call.query)
    params = {k: call.query.get(k, "") for k in ("query", "url", "tags", "language", "category", "user", "sort")}
    owner_view = call.caller.user_id if call.caller.has("extendedread") else None
    qs = queries.search(params, caller_id=owner_view)
    total = qs.count()
    rows = queries.page(qs, count, number)
    return {
        "total_items": total,
        "items": len(rows),
        "page": number,
        "things": rep.things(rows, call.caller, full=call.full),
    }


@endpoint("GET")
def user_things(call: Call, username: str):
    user = queries.user_by_name(username)
    include_hidden = call.caller.user_id == user.id and call.caller.has("extendedread")
    count, number = paging(call.query)
    rows = queries.page(queries.owned_things(user, include_hidden=include_hidden), count, number)
    return rep.things(rows, call.caller, full=call.full)


@endpoint("GET", token=True)
def my_things(call: Call):
    count, number = paging(call.query)
    rows = queries.page(queries.owned_things(call.caller.user, include_hidden=True), count, number)
    return rep.things(rows, call.caller, full=call.full)

