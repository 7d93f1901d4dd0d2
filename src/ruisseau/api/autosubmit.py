"""Auto-submit URLs (`https://flattr.com/submit/auto?url=...&user_id=...`) name a page and carry
its metadata; lookup and flattr-by-URL accept them in place of a plain URL (reference §7.1, §7.2).
Any host is accepted: old feeds point at flattr.com, new ones at this server."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

_FIELDS = ("title", "description", "category", "language", "tags")


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
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    fields = {k: query[k] for k in _FIELDS if query.get(k)}
    if query.get("hidden"):
        fields["hidden"] = query["hidden"].strip().lower() in ("1", "true", "yes", "on")
    return Target(url=query.get("url", "").strip(), owner=query.get("user_id", "").strip(), fields=fields)
