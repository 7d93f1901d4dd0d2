"""One decorator gives every v2 endpoint the same behaviour (reference §2, §5, §9): CORS and
preflight, `_method` override, JSON or form bodies, bearer auth and scopes, rate-limit headers,
format suffixes, JSONP, and the documented error body for every failure."""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from ruisseau import ratelimit
from ruisseau.api.auth import ANONYMOUS, Caller, authenticate
from ruisseau.api.errors import ApiError, from_domain
from ruisseau.api.parsing import full_flag, read_body
from ruisseau.errors import RuisseauError

log = logging.getLogger("ruisseau.api")

JSON_TYPE = "application/json; charset=utf-8"
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
_OVERRIDABLE = {"PATCH", "PUT", "DELETE"}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key",
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Expose-Headers": "Location, X-RateLimit-Limit, X-RateLimit-Remaining, "
    "X-RateLimit-Current, X-RateLimit-Reset",
}


@dataclass
class Call:
    """What a view needs to know about one API request."""

    request: object
    method: str
    data: dict | list
    caller: Caller
    fmt: str
    headers: dict = field(default_factory=dict)  # extra response headers views may add

    @property
    def query(self):
        return self.request.GET

    @property
    def full(self) -> bool:
        return full_flag(self.request.GET)

    def require(self, scope: str | None, *, error: str = "insufficient_scope", description: str = "") -> None:
        """A token, and with ``scope`` one granting it, else the documented error. Views whose
        methods differ in what they need (a public GET, a POST that needs ``thing``) call it for
        the methods that need it; the others declare it on @endpoint, which calls it too."""
        require_token_and_scope(self.caller, scope, error=error, description=description)


def require_token_and_scope(caller: Caller, scope: str | None, *, error: str = "insufficient_scope",
                            description: str = "") -> None:
    if caller.user_id is None:
        raise ApiError("unauthorized", "This resource needs an access token")
    if scope and not caller.has(scope):
        raise ApiError(error, description or f"The access token lacks the {scope!r} scope")


@dataclass
class Reply:
    body: object = None
    status: int = 200
    headers: dict = field(default_factory=dict)
    content_type: str = JSON_TYPE
    raw: bytes | None = None  # a body already rendered (activities as Atom, text lists)


def endpoint(*methods: str, scope: str | None = None, token: bool = False, formats=("json",),
             rate_limited: bool = True):
    """Declare an endpoint: the methods it answers, whether it needs a token and which scope.
    ``formats`` lists the suffixes/Accept forms it can render besides JSON."""
    allowed = {m.upper() for m in methods}

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, fmt: str | None = None, **kwargs):
            if request.method == "OPTIONS":
                return _finish(HttpResponse(status=204), {})
            limit_headers: dict = {}
            try:
                data = read_body(request)
                _refuse_nul(request.GET, data)
                method = _effective_method(request, data)
                if method not in allowed:
                    exc = ApiError("method_not_allowed", f"{method} is not allowed here; use {', '.join(sorted(allowed))}")
                    exc.headers = {"Allow": ", ".join(sorted(allowed | {"OPTIONS"}))}
                    raise exc
                try:
                    caller = authenticate(request)
                except ApiError:
                    # Bad tokens count against the address, so guessing tokens is rate limited too.
                    if rate_limited:
                        limit_headers = _count(request, ANONYMOUS)
                    raise
                if rate_limited:
                    limit_headers = _count(request, caller)
                if token or scope:
                    require_token_and_scope(caller, scope)
                call = Call(request, method, data, caller, _format(fmt, request, formats))
                result = view(call, *args, **kwargs)
                response = _render(request, result)
                for key, value in call.headers.items():
                    response[key] = value
            except ApiError as exc:
                response = _error(request, exc)
            except RuisseauError as exc:
                response = _error(request, from_domain(exc))
            except Exception:
                log.exception("API request failed: %s %s", request.method, request.path)
                response = _error(request, ApiError("server_error", "Something went wrong, we have been notified"))
            return _finish(response, limit_headers)

        wrapper.api_methods = allowed
        return wrapper

    return decorate


def _refuse_nul(query, data) -> None:
    """A NUL character is never meaningful here, and PostgreSQL refuses it in text."""
    values = [v for values in query.lists() for v in values] + list(query.keys())
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            values.append(item)
    if any("\x00" in v for v in values):
        raise ApiError("invalid_parameters", "Parameters may not contain NUL characters")


def _effective_method(request, data) -> str:
    method = request.method.upper()
    if method == "HEAD":
        return "GET"  # answered like GET; the server drops the body
    if method != "POST":
        return method
    override = request.GET.get("_method") or (data.get("_method") if isinstance(data, dict) else None)
    override = str(override or "").upper()
    return override if override in _OVERRIDABLE else method


def _count(request, caller: Caller) -> dict:
    who = f"token:{caller.token_id}" if caller.token_id else f"ip:{ratelimit.client_ip(request)}"
    decision = ratelimit.hit("api", who, limit=settings.API_RATE_LIMIT, window_seconds=settings.API_RATE_WINDOW_SECONDS)
    headers = {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Current": str(decision.current),
        "X-RateLimit-Reset": str(decision.reset_at),
    }
    if not decision.allowed:
        exc = ApiError("rate_limit_exceeded", "Too many requests in this hour; try again after X-RateLimit-Reset")
        exc.headers = headers
        raise exc
    return headers


# Media types of the formats a resource may offer (reference §2.1). An Accept of
# application/stream+json also takes JSON where there is no Activity Streams form (flattrclient
# sets it for good, reference §2.1 [OBS]).
_JSON_RANGES = {"application/json", "application/stream+json", "application/*", "*/*"}
_MEDIA = {"as": {"application/stream+json"}, "atom": {"application/atom+xml"}, "txt": {"text/plain", "text/*"}}


def _accepted(header: str) -> set[str]:
    """The media ranges an Accept header allows (q > 0), lower-cased; empty when there is none."""
    ranges = set()
    for part in header.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        weight = 1.0
        for param in params:
            name, _eq, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    pass
        if media and weight > 0:
            ranges.add(media.lower())
    return ranges


def _format(fmt: str | None, request, formats) -> str:
    """The response format from the path suffix, else from Accept (reference §2.1): a suffix or an
    Accept the resource cannot answer is 406 ``not_acceptable``, either way."""
    if fmt:
        fmt = fmt.lower()
        if fmt == "json" or (fmt == "as" and "as" not in formats):
            return "json"
        if fmt in formats:
            return fmt
        raise ApiError("not_acceptable", f"This resource cannot be answered as .{fmt}")
    accepted = _accepted(request.META.get("HTTP_ACCEPT", ""))
    if not accepted:
        return "json"
    for offered in ("as", "atom"):  # asked for by name: the Activity Streams forms come first
        if offered in formats and accepted & _MEDIA[offered]:
            return offered
    if accepted & _JSON_RANGES:
        return "json"
    if "txt" in formats and accepted & _MEDIA["txt"]:
        return "txt"
    wanted = ", ".join(sorted(accepted))[:100]
    raise ApiError("not_acceptable", f"This resource cannot be answered as {wanted}; it answers JSON"
                   + "".join(f", .{f}" for f in formats if f != "json"))


def _render(request, result) -> HttpResponse:
    if isinstance(result, HttpResponse):
        return result
    if not isinstance(result, Reply):
        result = Reply(result)
    if result.status == 204:
        response = HttpResponse(status=204)
        response.headers.pop("Content-Type", None)
    elif result.raw is not None:
        response = HttpResponse(result.raw, status=result.status, content_type=result.content_type)
    else:
        response = _json(request, result.body, result.status, result.content_type)
    for key, value in result.headers.items():
        response[key] = value
    return response


def _json(request, body, status: int, content_type: str = JSON_TYPE) -> HttpResponse:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    callback = request.GET.get("jsonp") or request.GET.get("callback")
    if callback and request.method == "GET" and _CALLBACK.match(callback):
        # Always 200: a <script> that fails to load fires onerror and never calls back, so a JSONP
        # client could not read the error body (`error`, `error_description`) it is given here.
        return HttpResponse(f"/**/{callback}({payload});", status=200,
                            content_type="application/javascript; charset=utf-8")
    return HttpResponse(payload, status=status, content_type=content_type)


def _error(request, exc: ApiError) -> HttpResponse:
    response = _json(request, exc.body(), exc.status)
    for key, value in getattr(exc, "headers", {}).items():
        response[key] = value
    return response


def _finish(response: HttpResponse, limit_headers: dict) -> HttpResponse:
    for key, value in {**CORS_HEADERS, **limit_headers}.items():
        response[key] = value
    response["Vary"] = "Authorization, Accept"
    return response


def error_response(request, exc: ApiError) -> HttpResponse:
    """For URL-level failures outside an endpoint (unknown /rest/v2 path)."""
    return _finish(_error(request, exc), {})
