"""The static SVG badge, by thing id and by URL.

Public and anonymous by construction: these views never touch ``request.user`` or the session
and never render a CSRF token, so no cookie is set and no ``Vary: Cookie`` is added.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

from ruisseau.errors import InvalidInput
from ruisseau.web.views import package_file
from ruisseau.widgets import counts, links
from ruisseau.widgets.badge import etag_for, render_badge
from ruisseau.widgets.fastpath import TAG_HEADER, tag_value


def _svg_response(request, count: int, link: str, tags: dict, status: int = 200) -> HttpResponse:
    etag = etag_for(count, link)
    cache_control = (f"public, max-age={settings.WIDGETS_COUNT_TTL_SECONDS}, "
                     f"stale-while-revalidate={settings.WIDGETS_STALE_SECONDS}")
    if status == 200 and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(render_badge(count, link), status=status, content_type="image/svg+xml")
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    # An SVG opened on its own is a document: forbid scripts and outside loads in it.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response[TAG_HEADER] = tag_value(tags)  # lets fastpath.py replay this answer while it holds
    return response


@require_safe
def badge_by_id(request, thing_id: int):
    if not counts.thing_exists(thing_id):
        return HttpResponse("No such thing\n", status=404, content_type="text/plain")
    count = counts.flattr_count(thing_id)
    return _svg_response(request, count, links.thing_page(thing_id), {counts.count_key(thing_id): count})


@require_safe
def badge_by_url(request):
    url = request.GET.get("url", "")
    try:
        key, thing_id, cached = counts.url_lookup(url)
    except InvalidInput as exc:
        return HttpResponse(f"Bad url parameter: {exc.message}\n", status=400, content_type="text/plain")
    if thing_id is None:  # not a thing yet: 0, and the link offers to flattr it
        return _svg_response(request, 0, links.auto_submit({"url": url}), {key: cached})
    count = counts.flattr_count(thing_id)
    return _svg_response(request, count, links.thing_page(thing_id), {key: cached, counts.count_key(thing_id): count})


# Flattr's static badges at their historical paths (flattr-widgets.md §3.4): pages still carry
# <img src=".../button/flattr-badge-large.png"> inside a link to an auto-submit URL or a thing.
_LEGACY_BADGES = {size: (Path(__file__).resolve().parent.parent / "static" / "widgets" / f"flattr-badge-{size}.png")
                  .read_bytes() for size in ("large", "small")}


@require_safe
def legacy_badge(request, size: str) -> HttpResponse:
    return package_file(_LEGACY_BADGES[size], "image/png")
