"""Categories, languages and the caller's rate limit (reference §6.8, §7.6, §7.7)."""

from __future__ import annotations

from email.utils import formatdate

from django.conf import settings

from ruisseau import ratelimit
from ruisseau.api.auth import authenticate
from ruisseau.api.http import Call, Reply, endpoint
from ruisseau.things.catalogue import CATEGORIES, LANGUAGES


def _listing(call: Call, pairs):
    if call.fmt == "txt":
        return Reply(raw=("\n".join(i for i, _ in pairs) + "\n").encode(), content_type="text/plain; charset=utf-8")
    return [{"id": i, "text": label} for i, label in pairs]


@endpoint("GET", formats=("json", "txt"))
def categories(call: Call):
    return _listing(call, CATEGORIES)


@endpoint("GET", formats=("json", "txt"))
def languages(call: Call):
    return _listing(call, LANGUAGES)


@endpoint("GET", rate_limited=False)
def rate_limit(call: Call):
    """Reads the caller's counter without counting this call (reference §5)."""
    caller = authenticate(call.request)
    who = f"token:{caller.token_id}" if caller.token_id else f"ip:{ratelimit.client_ip(call.request)}"
    state = ratelimit.peek("api", who, limit=settings.API_RATE_LIMIT, window_seconds=settings.API_RATE_WINDOW_SECONDS)
    return {
        "hourly_limit": state.limit,
        "remaining_hits": state.remaining,
        "current_hits": state.current,
        "reset_time_in_seconds": state.reset_at,
        "reset_time": formatdate(state.reset_at, usegmt=False).replace("-0000", "+0000") + " GMT",
    }
