"""Flattr counts for buttons and badges, read through a short-lived cache.

The badge and the button are the hot path (DESIGN.md §8): a popular page asks for its count on
every view. The count of a thing and the thing id of a URL are cached for
``WIDGETS_COUNT_TTL_SECONDS`` (60 s by default). A flattr or a taken-back flattr deletes the
thing's entry in the process that handled it (signals wired in ``apps.py``), so the person who
flattred sees the new count at once; other web processes (each has its own local-memory cache
unless ``RUISSEAU_CACHE_URL=db://…`` shares one) see it when their entry expires, within the TTL.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from ruisseau.flattrs import counts as flattr_counts
from ruisseau.things.models import Thing
from ruisseau.things.targets import own_thing_id
from ruisseau.things.urls import normalise_url

_NO_THING = -1  # cached "this URL is not a thing (yet)", so unknown URLs cost no query either


def count_key(thing_id: int) -> str:
    return f"widgets:count:{thing_id}"


def url_key(canonical: str) -> str:
    return "widgets:url:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


def flattr_count(thing_id: int) -> int:
    """All flattrs a thing ever received (what the original buttons showed)."""
    key = count_key(thing_id)
    count = cache.get(key)
    if count is None:
        count = flattr_counts.all_time(thing_id)
        cache.set(key, count, settings.WIDGETS_COUNT_TTL_SECONDS)
    return count


def thing_id_for_url(url: str) -> int | None:
    """The id of the thing at ``url`` or None. Raises InvalidInput for a malformed URL."""
    return url_lookup(url)[1]


def url_lookup(url: str) -> tuple[str, int | None, int]:
    """(cache key, thing id or None, the value cached under the key) for ``url``."""
    canonical = normalise_url(url)
    key = url_key(canonical)
    cached = cache.get(key)
    if cached is None:
        own = own_thing_id(canonical)  # our thing page names its thing; other addresses of ours raise
        found = Thing.objects.filter(id=own) if own is not None else Thing.objects.filter(url=canonical)
        cached = found.filter(disabled=False).values_list("id", flat=True).first()
        cached = _NO_THING if cached is None else cached
        cache.set(key, cached, settings.WIDGETS_COUNT_TTL_SECONDS)
    return key, (None if cached == _NO_THING else cached), cached


def thing_exists(thing_id: int) -> bool:
    key = f"widgets:exists:{thing_id}"
    cached = cache.get(key)
    if cached is None:
        cached = Thing.objects.filter(id=thing_id, disabled=False).exists()
        cache.set(key, cached, settings.WIDGETS_COUNT_TTL_SECONDS)
    return cached


def forget_thing(thing_id: int, url: str | None = None) -> None:
    """Drop cached values of a thing after it changed (a flattr, a new thing at a URL)."""
    cache.delete_many([count_key(thing_id), f"widgets:exists:{thing_id}"])
    if url:
        cache.delete(url_key(url))
