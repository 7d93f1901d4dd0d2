"""A WSGI layer that answers repeated badge and anonymous button requests from the cache.

Django's full request cycle (middleware, URL resolution, template) costs a few hundred
microseconds; a popular page asks for the same badge thousands of times a minute. The first
request goes through Django as usual; when its answer is public (``Cache-Control: public``, no
cookie set) the view has tagged it with the cache entries it was computed from
(``X-Ruisseau-Cache-Tag: widgets:count:12=3``), and this layer keeps the complete response in the process —
headers from every middleware included — under the request's path and query. Later requests are
answered from it while every tagged entry still holds the same value: a flattr deletes the
thing's count entry (see counts.py), so the next request misses and re-renders. Freshness is
therefore exactly that of counts.py, and a process that handled a flattr is fresh at once.

Only GET/HEAD requests to the badge and button paths are considered; button requests that carry
any cookie (a session, a language choice) always go through Django.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

TAG_HEADER = "X-Ruisseau-Cache-Tag"
_BADGE_PREFIX = "/badge/"
_BUTTON_PATH = "/button/view/"
MAX_KEPT = 20_000  # responses kept per process (a few KiB each at most)


def tag_value(pairs: dict[str, object]) -> str:
    return ";".join(f"{key}={value}" for key, value in pairs.items())


def _key(environ) -> str | None:
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    path = environ.get("PATH_INFO", "")
    if path.startswith(_BADGE_PREFIX):
        vary = ""
    elif path == _BUTTON_PATH and not environ.get("HTTP_COOKIE"):
        vary = environ.get("HTTP_ACCEPT_LANGUAGE", "")
    else:
        return None
    return f"{environ.get('HTTP_HOST', '')}|{path}?{environ.get('QUERY_STRING', '')}|{vary}"


def _still_valid(tags: list[tuple[str, str]]) -> bool:
    current = cache.get_many([key for key, _ in tags])
    return all(str(current.get(key)) == value for key, value in tags)


def _without_tag(start_response):
    def strip(status, headers, exc_info=None):
        headers = [(k, v) for k, v in headers if k != TAG_HEADER]
        return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
    return strip


class WidgetsFastPath:
    def __init__(self, application):
        self.application = application
        # Kept in the process, not in the Django cache: replaying must not cost an unpickling.
        # The tags it is checked against live in the shared cache, so invalidation still works.
        self.responses: dict[str, dict] = {}

    def __call__(self, environ, start_response):
        key = _key(environ)
        if key is None:
            if environ.get("PATH_INFO", "").startswith((_BADGE_PREFIX, _BUTTON_PATH)):
                return self.application(environ, _without_tag(start_response))
            return self.application(environ, start_response)
        stored = self.responses.get(key)
        if stored is not None and stored["expires"] > time.monotonic() and _still_valid(stored["tags"]):
            return self._replay(environ, start_response, stored)
        return self._record(environ, start_response, key)

    def _replay(self, environ, start_response, stored):
        etag = stored["etag"]
        if etag and etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            headers = [(k, v) for k, v in stored["headers"] if k.lower() not in ("content-length", "content-type")]
            start_response("304 Not Modified", headers)
            return [b""]
        start_response(stored["status"], stored["headers"])
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [stored["body"]]

    def _record(self, environ, start_response, key):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            tags = [v for k, v in headers if k == TAG_HEADER]
            clean = [(k, v) for k, v in headers if k != TAG_HEADER]
            captured["tags"] = tags
            return start_response(status, clean, exc_info) if exc_info else start_response(status, clean)

        result = self.application(environ, capture)
        tags = captured.get("tags")
        if not tags or not captured["status"].startswith("200") or environ["REQUEST_METHOD"] != "GET":
            return result
        headers = [(k, v) for k, v in captured["headers"] if k != TAG_HEADER]
        names = {k.lower() for k, _ in headers}
        cache_control = next((v for k, v in headers if k.lower() == "cache-control"), "")
        if "set-cookie" in names or not cache_control.startswith("public"):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if len(self.responses) >= MAX_KEPT:
            self.responses.clear()  # crude but bounded; the hot entries come back at once
        self.responses[key] = {
            "status": captured["status"], "headers": headers, "body": body,
            "etag": next((v for k, v in headers if k.lower() == "etag"), ""),
            "tags": [tuple(pair.split("=", 1)) for pair in tags[0].split(";") if "=" in pair],
            "expires": time.monotonic() + settings.WIDGETS_COUNT_TTL_SECONDS,
        }
        return [body]
