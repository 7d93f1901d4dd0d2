"""The OpenAPI 3.1 description of the v2 surface, served at /rest/v2/openapi.json. Written by hand
next to the views so the shapes here are the ones the views emit; the fuzzing test holds the
answers to it."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop as N_  # summaries stay English here; the docs page translates them

from ruisseau.api.scopes import SCOPES


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str], **props) -> dict:
    return {"type": "object", "required": required, "properties": props}


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
NULLABLE_USER = {"anyOf": [ref("User"), {"type": "null"}]}

SCHEMAS = {
    "Error": obj(["error", "error_description", "error_uri"], error=STR, error_description=STR, error_uri=STR),
    "User": obj(
        ["type", "resource", "link", "username"], type={"const": "user"}, resource=STR, link=STR, username=STR,
        id=STR, firstname=STR, lastname=STR, about=STR, city=STR, country=STR, url={"type": ["string", "null"]},
        avatar=STR, active_supporter=INT, email=STR, registered_at=INT,
    ),
    "MiniThing": obj(
        ["type", "resource", "link", "id", "url", "title", "image", "flattrs"], type={"const": "thing"},
        resource=STR, link=STR, id=INT, url=STR, title=STR, image=STR, flattrs=INT, owner=NULLABLE_USER,
    ),
    "Thing": obj(
        ["type", "resource", "link", "id", "url", "flattrs", "flattrs_user_count", "title", "description", "tags",
         "language", "category", "created_at", "owner", "hidden", "image"],
        type={"const": "thing"}, resource=STR, link=STR, id=INT, url=STR, flattrs=INT, flattrs_user_count=INT,
        title=STR, description=STR, tags={"type": "array", "items": STR}, language=STR, category=STR,
        created_at=INT, owner=NULLABLE_USER, hidden=BOOL, image=STR, flattred=BOOL, subscribed=BOOL,
        last_flattr_at=INT, updated_at=INT,
    ),
    "Flattr": obj(["type", "created_at", "thing", "owner"], type={"const": "flattr"}, created_at=INT,
                  thing=ref("MiniThing"), owner=ref("User")),
    "Subscription": obj(["type", "active", "created_at", "started_at", "thing"], type={"const": "subscription"},
                        active=BOOL, created_at=INT, started_at=INT, thing=ref("Thing")),
    "SearchResult": obj(["total_items", "items", "page", "things"], total_items=INT, items=INT, page=INT,
                        things={"type": "array", "items": ref("Thing")}),
    "IdText": obj(["id", "text"], id=STR, text=STR),
    "Message": obj(["message", "description"], message=STR, description=STR),
    "Flattred": obj(["message", "description", "thing"], message={"const": "ok"}, description=STR,
                    thing=ref("MiniThing"), location=STR),
    "Created": obj(["id", "link", "message", "description"], id=INT, link=STR, message=STR, description=STR),
    "LookupFound": obj(["message", "location"], message={"const": "found"}, location=STR),
    "Activities": obj(["items"], items={"type": "array", "items": obj(
        ["published", "title", "actor", "verb", "object", "id"], published=STR, title=STR, verb=STR, id=STR,
        actor={"type": "object"}, object={"type": "object"})}),
    "RateLimit": obj(["hourly_limit", "remaining_hits", "current_hits", "reset_time_in_seconds", "reset_time"],
                     hourly_limit=INT, remaining_hits=INT, current_hits=INT, reset_time_in_seconds=INT,
                     reset_time=STR),
    "BulkResult": obj(["message", "flattred", "results"], message=STR, flattred=INT,
                      results={"type": "array", "items": {"type": "object"}}),
    "ThingInput": {"type": "object", "properties": {
        "url": {"type": "string", "format": "uri"}, "title": STR, "description": STR, "category": STR,
        "language": STR, "tags": {"type": "string", "description": "comma-separated"},
        "hidden": {"type": ["boolean", "string"]}}},
}


def json_body(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def answer(code: str, description: str, schema: dict | None = None, media: str = "application/json") -> dict:
    response = {"description": description}
    if schema is not None:
        response["content"] = {media: {"schema": schema}}
    return {code: response}


def op(summary: str, responses: dict, *, security: list[str] | None = None, params=(), body=None,
       tag: str = "things") -> dict:
    operation = {
        "summary": summary,
        "tags": [tag],
        "parameters": list(params),
        "responses": {**responses, "default": {"description": "An error (see the error code)",
                                               "content": {"application/json": {"schema": ref("Error")}}}},
    }
    if security is not None:
        operation["security"] = [{"oauth2": security}, {"bearer": []}]
    if body is not None:
        operation["requestBody"] = body
    return operation


def query(name: str, schema: dict, description: str = "") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def path_param(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


THING_ID = path_param("thing_id", {"type": "integer", "minimum": 1, "maximum": 10**17})
USERNAME = path_param("username", {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_-]{0,39}$"})
PAGING = [query("count", {"type": "integer", "minimum": 1, "maximum": 100}),
          query("page", {"type": "integer", "minimum": 1, "maximum": 1000}),
          query("full", {"type": "string"}, "present and not 0/false/no/off: full nested objects")]
THINGS = {"type": "array", "items": ref("Thing")}
FLATTRS = {"type": "array", "items": ref("Flattr")}
ACTIVITY_ANSWER = {"200": {"description": "Activity Streams 1.0 JSON, or Atom with .atom", "content": {
    "application/stream+json": {"schema": ref("Activities")}, "application/atom+xml": {"schema": STR}}}}
ACTIVITY_TYPE = query("type", {"enum": ["outgoing", "incoming"]})
TEXT = {"type": "string"}


def paths() -> dict:
    thing_list_answer = answer("200", "Things", THINGS)
    return {
        "/things": {"post": op(N_("Create a thing"), answer("201", "Created", ref("Created")), security=["thing"],
                               body={"content": {"application/json": {"schema": ref("ThingInput")},
                                                 "application/x-www-form-urlencoded": {"schema": ref("ThingInput")}}})},
        "/things/{ids}": {
            "parameters": [path_param("ids", {"type": "string", "pattern": "^[0-9]{1,17}(,[0-9]{1,17}){0,5}$"})],
            "get": op(N_("One thing, or several by comma-separated ids"), answer(
                "200", "A thing (one id) or a list", {"anyOf": [ref("Thing"), THINGS]}), params=PAGING[2:]),
            "patch": op(N_("Update a thing (also POST with _method=patch)"), answer("200", "Updated", ref("Message")),
                        security=["thing"], body=json_body(ref("ThingInput"))),
            "delete": op(N_("Delete a thing"), {"204": {"description": "Deleted"}}, security=["thing"]),
        },
        "/things/lookup": {"get": op(N_("Find the thing of a URL (or an auto-submit URL)"), {
            **answer("302", "Found: Location is the thing", ref("LookupFound")),
            **answer("200", "The thing, for clients that follow the redirect", ref("Thing"))},
            params=[{**query("url", TEXT), "required": True}])},
        "/things/search": {"get": op(N_("Search things"), answer("200", "Search result", ref("SearchResult")), params=[
            query("query", TEXT), query("url", TEXT), query("tags", TEXT, "a | b & c ! d"),
            query("language", TEXT), query("category", TEXT), query("user", TEXT),
            query("sort", {"enum": ["relevance", "trend", "flattrs", "flattrs_month", "flattrs_week", "flattrs_day"]}),
            *PAGING])},
        "/things/{thing_id}/flattr": {"parameters": [THING_ID], "post": op(
            "Flattr a thing", answer("200", "Flattred", ref("Flattred")), security=["flattr"], tag="flattrs")},
        "/things/{thing_id}/flattrs": {"parameters": [THING_ID], "get": op(
            "Who flattred a thing", answer("200", "Flattrs", FLATTRS), params=PAGING, tag="flattrs")},
        "/things/{thing_id}/subscriptions": {
            "parameters": [THING_ID],
            "post": op(N_("Subscribe"), answer("200", "Subscribed", ref("Flattred")), security=["flattr"], tag="subscriptions"),
            "put": op(N_("Pause or resume"), answer("200", "paused or started", ref("Message")), security=["flattr"],
                      tag="subscriptions"),
            "delete": op(N_("Unsubscribe"), {"204": {"description": "Unsubscribed"}}, security=["flattr"], tag="subscriptions"),
        },
        "/flattr": {"post": op(N_("Flattr a URL (unknown URLs become unclaimed things)"),
                               answer("200", "Flattred", ref("Flattred")), security=["flattr"], tag="flattrs",
                               body=json_body(obj(["url"], url=TEXT)))},
        "/flattr/bulk": {"post": op(N_("Flattr several URLs (Flattr 2.0 extension)"),
                                    answer("200", "Accepted", ref("BulkResult")), security=["flattr"], tag="flattrs",
                                    body=json_body({"type": "array", "maxItems": 5, "items": obj(["url"], url=TEXT)}))},
        "/user": {"get": op(N_("The caller"), answer("200", "User", ref("User")), security=[], tag="users")},
        "/user/things": {"get": op(N_("The caller's things"), thing_list_answer, security=[], params=PAGING)},
        "/user/flattrs": {"get": op(N_("The caller's flattrs"), answer("200", "Flattrs", FLATTRS), security=[],
                                    params=PAGING, tag="flattrs")},
        "/user/subscriptions": {"get": op(N_("The caller's subscriptions"), answer(
            "200", "Subscriptions", {"type": "array", "items": ref("Subscription")}), security=["flattr"],
            tag="subscriptions")},
        "/user/activities": {"get": op(N_("The caller's activities"), ACTIVITY_ANSWER, security=[],
                                       params=[ACTIVITY_TYPE], tag="activities")},
        "/users/{username}": {"parameters": [USERNAME], "get": op(N_("A user"), answer("200", "User", ref("User")),
                                                                  tag="users")},
        "/users/{username}/things": {"parameters": [USERNAME], "get": op(N_("A user's things"), thing_list_answer,
                                                                         params=PAGING)},
        "/users/{username}/flattrs": {"parameters": [USERNAME], "get": op(
            "A user's flattrs", answer("200", "Flattrs", FLATTRS), params=PAGING, tag="flattrs")},
        "/users/{username}/activities": {"parameters": [USERNAME], "get": op(
            "A user's activities", ACTIVITY_ANSWER, params=[ACTIVITY_TYPE], tag="activities")},
        "/categories": {"get": op(N_("Categories"), answer("200", "Categories", {"type": "array", "items": ref("IdText")}),
                                  tag="meta")},
        "/languages": {"get": op(N_("Languages"), answer("200", "Languages", {"type": "array", "items": ref("IdText")}),
                                 tag="meta")},
        "/rate_limit": {"get": op(N_("The caller's rate limit"), answer("200", "Rate limit", ref("RateLimit")), tag="meta")},
    }


def _english_scopes() -> dict:
    with translation.override("en"):
        return {name: str(label) for name, label in SCOPES.items()}


@lru_cache(maxsize=4)
def _document(base_url: str, public_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Ruisseau — Flattr REST API v2 compatible",
            "version": "2",
            "description": "Existing Flattr v2 clients work by changing only the host. Every error answers "
                           "{error, error_description, error_uri}. Bodies are JSON or forms; `_method=patch` "
                           "works in place of PATCH; `?jsonp=cb` wraps GET answers.",
        },
        "servers": [{"url": base_url}],
        "paths": paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "oauth2": {"type": "oauth2", "flows": {"authorizationCode": {
                    "authorizationUrl": f"{public_url}/oauth/authorize", "tokenUrl": f"{public_url}/oauth/token",
                    "scopes": _english_scopes()}}},
                "bearer": {"type": "http", "scheme": "bearer", "description": "An OAuth2 or personal access token"},
            },
        },
    }


def document() -> dict:
    return _document(settings.API_BASE_URL, settings.PUBLIC_URL)
