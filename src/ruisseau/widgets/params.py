"""Button and auto-submit parameters: read, cleaned and validated in one place.

The same keys reach us from the loader, from hand-written iframes and from auto-submit links
(reference flattr-widgets.md §3.2 and §4.1). Text values are stripped of HTML (``<br>`` becomes
a newline) and of surplus whitespace; the URL is normalised; unknown keys are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from django.utils.translation import gettext as _

from ruisseau.errors import InvalidInput
from ruisseau.things.catalogue import CATEGORY_IDS, LANGUAGE_IDS
from ruisseau.things.services import clean_tags
from ruisseau.things.targets import lenient_query, own_thing_id, signature_param
from ruisseau.things.urls import normalise_url

_TAG = re.compile(r"<[^>]*>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
MAX_TITLE, MAX_DESCRIPTION = 200, 1000


def strip_html(value: str, limit: int) -> str:
    text = _BR.sub("\n", value or "")
    text = unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)[:limit].strip()


@dataclass
class ButtonParams:
    url: str  # normalised
    uid: str = ""
    raw_url: str = ""  # the url parameter as the link gave it: what ``sig`` signs
    sig: str = ""
    title: str = ""
    description: str = ""
    category: str = ""
    language: str = ""
    tags: list[str] = field(default_factory=list)
    hidden: bool = False
    compact: bool = False
    dark: bool = False

    def thing_fields(self) -> dict:
        """Metadata for a thing created by a flattr of this URL (auto-submit). ``hidden=1`` makes
        it unlisted (left out of search and listings); it is flattred like any other."""
        fields: dict = {"title": self.title, "description": self.description, "tags": self.tags,
                        "hidden": self.hidden}
        if self.category:
            fields["category"] = self.category
        if self.language:
            fields["language"] = self.language
        return fields

    def query(self) -> dict[str, str]:
        """The parameters as a query dict, for links that carry them on (popup, auto-submit)."""
        # A signed link passes its address on as given: the signature is of that, not of ours.
        out = {"url": self.raw_url if self.sig and self.raw_url else self.url}
        for key in ("uid", "sig", "title", "description", "category", "language"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.tags:
            out["tags"] = ",".join(self.tags)
        if self.hidden:
            out["hidden"] = "1"
        return out


def from_request(request, *, uid_keys: tuple[str, ...] = ("uid", "user_id")) -> ButtonParams:
    """``parse`` of the request's own query, read leniently: a link written with ``&amp;`` between
    its parameters (copied out of HTML or a feed) keeps them all (flattr-widgets.md §4.3)."""
    return parse(lenient_query(request.META.get("QUERY_STRING", "")), uid_keys=uid_keys)


def parse(query, *, uid_keys: tuple[str, ...] = ("uid", "user_id")) -> ButtonParams:
    """Read button parameters from a QueryDict-like mapping. Raises InvalidInput, naming the
    parameter, when one is malformed."""
    raw_url = (query.get("url") or "").strip()
    if not raw_url:
        raise InvalidInput(_("The url parameter is required"), code="validation")
    try:
        url = normalise_url(unescape(raw_url) if "&amp;" in raw_url else raw_url)
        own_thing_id(url)  # an address of Ruisseau itself is no page for a button, but its thing pages
    except InvalidInput as exc:
        raise InvalidInput(_("The url parameter is not valid: %(why)s") % {"why": exc.words()},
                           code="validation") from None
    uid = ""
    for key in uid_keys:
        uid = uid or (query.get(key) or "").strip()
    if uid and not _USERNAME.match(uid):
        raise InvalidInput(_("The uid parameter is not a valid user name"), code="validation")
    category = (query.get("category") or "").strip().lower()
    if category and category not in CATEGORY_IDS:
        raise InvalidInput(_("Unknown category %(value)r") % {"value": category[:30]}, code="validation")
    language = (query.get("language") or "").strip().replace("-", "_")
    if language and language not in LANGUAGE_IDS:
        raise InvalidInput(_("Unknown language %(value)r") % {"value": language[:30]}, code="validation")
    tags = clean_tags(strip_html(query.get("tags") or "", 1000))
    return ButtonParams(
        url=url, uid=uid, raw_url=raw_url, sig=signature_param(query), title=strip_html(query.get("title") or "", MAX_TITLE),
        description=strip_html(query.get("description") or "", MAX_DESCRIPTION),
        category=category, language=language, tags=tags,
        hidden=(query.get("hidden") or "") in ("1", "true"),
        compact=(query.get("button") or "") == "compact",
        dark=(query.get("theme") or "") == "dark",
    )
