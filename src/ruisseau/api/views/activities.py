"""Activities as Activity Streams 1.0 JSON (`.as`) or Atom (`.atom`) (reference §6.9, §7.5).
Outgoing: the user's flattrs. Incoming: flattrs on the user's things (from people who do not
hide what they give)."""

from __future__ import annotations

from datetime import UTC
from xml.etree import ElementTree as ET

from django.conf import settings

from ruisseau.api import queries, representations as rep
from ruisseau.api.errors import invalid
from ruisseau.api.http import Call, Reply, endpoint
from ruisseau.api.parsing import paging

STREAM_TYPE = "application/stream+json"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def _host() -> str:
    return settings.PUBLIC_URL.split("://", 1)[-1].split("/")[0].split(":")[0]


def _item(flattr) -> dict:
    user, thing = flattr.user, flattr.thing
    published = flattr.created_at.astimezone(UTC)
    return {
        "published": published.isoformat(timespec="seconds"),
        "title": f'{user.username} flattred "{thing.title}"',
        "actor": {"displayName": user.username, "url": rep.mini_user(user)["link"], "objectType": "person"},
        "verb": "like",
        "object": {"displayName": thing.title, "url": rep.thing_link(thing.id), "objectType": "bookmark"},
        "id": f"tag:{_host()},{published:%Y-%m-%d}:{user.username}/flattr/{thing.id}",
    }


def _activities(call: Call, user, *, mine: bool):
    kind = call.query.get("type", "outgoing") or "outgoing"
    if kind not in ("outgoing", "incoming"):
        raise invalid("type must be outgoing or incoming")
    count, number = paging(call.query)
    if kind == "outgoing":
        rows = [] if (user.hide_given and not mine) else queries.page(
            queries.flattrs_by(user, with_hidden=mine), count, number)
    else:
        rows = queries.page(queries.flattrs_to(user, with_hidden=mine), count, number)
    items = [_item(f) for f in rows]
    if call.fmt == "atom":
        return Reply(raw=_atom(user, items), content_type=ATOM_TYPE)
    return Reply({"items": items}, content_type=STREAM_TYPE)


def _atom(user, items) -> bytes:
    ns = {"": "http://www.w3.org/2005/Atom", "activity": "http://activitystrea.ms/spec/1.0/"}
    ET.register_namespace("", ns[""])
    ET.register_namespace("activity", ns["activity"])
    feed = ET.Element(f"{{{ns['']}}}feed")
    ET.SubElement(feed, f"{{{ns['']}}}title").text = f"{user.username}'s activities"
    ET.SubElement(feed, f"{{{ns['']}}}id").text = rep.mini_user(user)["resource"] + "/activities"
    ET.SubElement(feed, f"{{{ns['']}}}updated").text = items[0]["published"] if items else "1970-01-01T00:00:00+00:00"
    for item in items:
        entry = ET.SubElement(feed, f"{{{ns['']}}}entry")
        ET.SubElement(entry, f"{{{ns['']}}}id").text = item["id"]
        ET.SubElement(entry, f"{{{ns['']}}}title").text = item["title"]
        ET.SubElement(entry, f"{{{ns['']}}}published").text = item["published"]
        ET.SubElement(entry, f"{{{ns['']}}}updated").text = item["published"]
        author = ET.SubElement(entry, f"{{{ns['']}}}author")
        ET.SubElement(author, f"{{{ns['']}}}name").text = item["actor"]["displayName"]
        ET.SubElement(author, f"{{{ns['']}}}uri").text = item["actor"]["url"]
        ET.SubElement(entry, f"{{{ns['activity']}}}verb").text = "http://activitystrea.ms/schema/1.0/like"
        obj = ET.SubElement(entry, f"{{{ns['activity']}}}object")
        ET.SubElement(obj, f"{{{ns['activity']}}}object-type").text = "http://activitystrea.ms/schema/1.0/bookmark"
        ET.SubElement(obj, f"{{{ns['']}}}title").text = item["object"]["displayName"]
        ET.SubElement(obj, f"{{{ns['']}}}link", href=item["object"]["url"])
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@endpoint("GET", formats=("as", "atom"))
def user_activities(call: Call, username: str):
    return _activities(call, queries.user_by_name(username), mine=False)


@endpoint("GET", token=True, formats=("as", "atom"))
def my_activities(call: Call):
    return _activities(call, call.caller.user, mine=True)
