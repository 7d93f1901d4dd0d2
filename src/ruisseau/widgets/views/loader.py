"""/js/load.js (and the historical /js/0.6/load.js, /js/0.5/load.js paths)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.http import HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

from ruisseau.widgets.badge import etag_for

_SOURCE = Path(__file__).resolve().parent.parent / "static" / "widgets" / "load.js"


@lru_cache(maxsize=1)
def _script() -> tuple[bytes, str]:
    body = _SOURCE.read_bytes()
    return body, etag_for(body.decode())


@require_safe
def load_js(request):
    body, etag = _script()
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600, stale-while-revalidate=86400"
    # Any site may load it (it reads nothing and sets no cookie).
    response["Access-Control-Allow-Origin"] = "*"
    return response
