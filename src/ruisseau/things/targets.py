"""What a URL given to us names: auto-submit URLs and lenient query strings (reference §7.1, §7.2;
flattr-widgets.md §4).

Auto-submit URLs (`https://flattr.com/submit/auto?url=...&user_id=...`) name a page and carry its
metadata; lookup and flattr-by-URL accept them in place of a plain URL. Any host is accepted: old
feeds point at flattr.com, new ones at this server. Their query is read leniently: ``&amp;``
written literally between parameters (a link copied out of HTML or a feed) separates them like
``&`` (flattr-widgets.md §4.3); ``/submit/auto`` itself reads its own query the same way.

An address on this instance's own public address is not a page to flattr: its thing page
``/thing/<id>/`` names thing <id> wherever a URL is resolved to a thing (``own_thing_id``), and any
other address of ours is refused, so no thing is ever made of a page of Ruisseau itself (a pledge
nobody could ever prove and collect). ``OWN_CONTENT_PATHS`` (the demo blog) are the exception."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

from django.conf import settings

from ruisseau.errors import InvalidInput
from ruisseau.things.urls import normalise_url

_FIELDS = ("title", "description", "category", "language", "tags")
_AMP = re.compile(r"&(?:amp;)+", re.IGNORECASE)
_THING_PAGE = re.compile(r"^/thing/([1-9][0-9]{0,17})/?$")


@lru_cache(maxsize=4)
def _public(public_url: str) -> tuple[str, str]:
    parts = urlsplit(normalise_url(public_url + "/"))
    return parts.netloc, parts.path.rstrip("/")


def own_thing_id(canonical: str) -> int | None:
    """For a normalised URL: None when it is not on this instance's public address (or is under
    ``OWN_CONTENT_PATHS``); the id when it is our thing page ``/thing/<id>/`` (either scheme, any
    query); InvalidInput (``validation``) for any other address of ours."""
    parts = urlsplit(canonical)
    host, prefix = _public(settings.PUBLIC_URL)
    if parts.netloc != host or not (parts.path + "/").startswith(prefix + "/"):
        return None
    path = parts.path[len(prefix):]
    if any(path.startswith(p) for p in settings.OWN_CONTENT_PATHS):
        return None
    page = _THING_PAGE.match(path)
    if page:
        return int(page.group(1))
    raise InvalidInput(
        f"{canonical} is an address of Ruisseau itself, not a page to flattr; "
        f"to name a thing of Ruisseau, use its page {settings.PUBLIC_URL}/thing/<id>/",
        code="validation",
    )


def lenient_query(query_string: str) -> dict[str, str]:
    """The parameters of a query string, the first value of each; ``&amp;`` (even ``&amp;amp;``)
    separates parameters like ``&``."""
    query: dict[str, str] = {}
    for key, value in parse_qsl(_AMP.sub("&", query_string or ""), keep_blank_values=True):
        query.setdefault(key, value)
    return query


def signature_param(query) -> str:
    """The ``sig`` a button or auto-submit link carries: HMAC-SHA256 hex of ``url|uid`` with its
    site's secret (docs/integrations.md §4), checked where the page is attributed. Read here for
    buttons, auto-submit links and the API alike; a missing, malformed or wrong one is unsigned."""
    return (query.get("sig") or "").strip().lower()[:128]


@dataclass(frozen=True)
class Target:
    url: str
    owner: str = ""  # the auto-submit's user_id: the username it names
    fields: dict = field(default_factory=dict)
    sig: str = ""  # the auto-submit's signature of url and owner (signature_param)


def parse_target(raw: str) -> Target:
    value = raw.strip()
    if value.lower().startswith(("http%3a", "https%3a")):
        value = unquote(value)  # encoded twice, as a 2012 version of the docs asked
    parts = urlsplit(value)
    if not parts.path.rstrip("/").endswith("/submit/auto"):
        return Target(url=value)
    query = lenient_query(parts.query)
    fields = {k: query[k] for k in _FIELDS if query.get(k)}
    if query.get("hidden"):
        fields["hidden"] = query["hidden"].strip().lower() in ("1", "true", "yes", "on")
    owner = (query.get("user_id") or query.get("uid") or "").strip()
    return Target(url=query.get("url", "").strip(), owner=owner, fields=fields, sig=signature_param(query))
