"""What a URL given to us names: auto-submit URLs and lenient query strings (reference §7.1, §7.2;
flattr-widgets.md §4).

Auto-submit URLs (`https://flattr.com/submit/auto?url=...&user_id=...`) name a page and carry its
metadata; lookup and flattr-by-URL accept them in place of a plain URL. Any host is accepted: old
feeds point at flattr.com, new ones at this server. Their query is read leniently: ``&amp;``
written literally between parameters (a link copied out of HTML or a feed) separates them like
``&`` (flattr-widgets.md §4.3); ``/submit/auto`` itself reads its own query the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

_FIELDS = ("title", "description", "category", "language", "tags")
_AMP = re.compile(r"&(?:amp;)+", re.IGNORECASE)


def lenient_query(query_string: str) -> dict[str, str]:
    """The parameters of a query string, the first value of each; ``&amp;`` (even ``&amp;amp;``)
    separates parameters like ``&``."""
    query: dict[str, str] = {}
    for key, value in parse_qsl(_AMP.sub("&", query_string or ""), keep_blank_values=True):
        query.setdefault(key, value)
    return query


@dataclass(frozen=True)
class Target:
    url: str
    owner: str = ""  # the auto-submit's user_id: the username it names
    fields: dict = field(default_factory=dict)


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
    return Target(url=query.get("url", "").strip(), owner=owner, fields=fields)
