"""Links to pages other areas own, with a plain fallback while they are not installed."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse


def thing_page(thing_id: int) -> str:
    try:
        return reverse("pages:thing", args=[thing_id])
    except NoReverseMatch:
        return f"/thing/{thing_id}/"


def auto_submit(query: dict[str, str]) -> str:
    return reverse("widgets:submit_auto") + "?" + urlencode(query)
