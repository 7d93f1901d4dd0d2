"""Fixed-window rate limits kept in Django's cache, shared by the website, the API and the buttons.

A window is ``window_seconds`` long and aligned on multiples of it, so every process counts the
same window and the reset time is known in advance (the API reports it in ``X-RateLimit-Reset``).
With the default local-memory cache each web process counts on its own; point
``RUISSEAU_CACHE_URL`` at a shared cache (see docs/configuration.md) to count across processes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import caches


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    current: int  # requests counted in this window, this one included
    reset_at: int  # Unix time when the window ends

    @property
    def remaining(self) -> int:
        return max(self.limit - self.current, 0)

    @property
    def retry_after(self) -> int:
        return max(self.reset_at - int(clock()), 1)


def clock() -> float:
    """The time windows are counted on (tests pin it so a window cannot roll over mid-test)."""
    return time.time()


def hit(scope: str, who: str, *, limit: int, window_seconds: int, now: float | None = None) -> Decision:
    """Count one request by ``who`` (a user id, an IP, a token) against ``scope``'s limit."""
    if limit < 1 or window_seconds < 1:
        raise ValueError("a rate limit needs a positive limit and window")
    key, window_start = _window_key(scope, who, window_seconds, now)
    cache = caches["default"]
    # add() creates the counter only if absent, so concurrent first hits do not reset each other.
    cache.add(key, 0, timeout=window_seconds + 1)
    try:
        current = cache.incr(key)
    except ValueError:  # evicted between add() and incr(): start the window again
        cache.set(key, 1, timeout=window_seconds + 1)
        current = 1
    return Decision(allowed=current <= limit, limit=limit, current=current, reset_at=window_start + window_seconds)


def peek(scope: str, who: str, *, limit: int, window_seconds: int) -> Decision:
    """The state of ``who``'s counter in the current window, without counting a request."""
    key, window_start = _window_key(scope, who, window_seconds, None)
    current = int(caches["default"].get(key, 0))
    return Decision(allowed=current < limit, limit=limit, current=current, reset_at=window_start + window_seconds)


def _window_key(scope: str, who: str, window_seconds: int, now: float | None) -> tuple[str, int]:
    now = clock() if now is None else now
    window_start = int(now) - int(now) % window_seconds
    return f"rl:{scope}:{who}:{window_start}", window_start


def client_ip(request) -> str:
    """The address to count anonymous requests against: the one every part of Ruisseau uses.

    Behind ``RUISSEAU_TRUSTED_PROXIES`` proxies, each appends the address it received the request
    from to ``X-Forwarded-For``; so the client's address is that many entries from the end. The
    entries before it are whatever the client sent and must never be believed. With no trusted
    proxy (or a header shorter than the proxies would make) the connection's own address counts.
    """
    from django.conf import settings

    trusted = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted and forwarded:
        entries = [entry.strip() for entry in forwarded.split(",")]
        if len(entries) >= trusted and entries[-trusted]:
            return entries[-trusted]
    return request.META.get("REMOTE_ADDR") or "unknown"
