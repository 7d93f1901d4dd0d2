"""Reading what clients send: JSON or form bodies, booleans in every spelling, paging (reference §2)."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import QueryDict

from ruisseau.api.errors import invalid

_FALSE = {"0", "false", "no", "off"}
_TRUE = {"1", "true", "yes", "on"}


def read_body(request) -> dict:
    """The request body as a flat dict of values; JSON objects and form bodies alike."""
    if not request.body:  # no body at all, whatever Content-Type says (servers default to text/plain)
        return {}
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body.decode("utf-8") or "{}")
        except (ValueError, UnicodeDecodeError):
            raise invalid("The body is not valid JSON") from None
        return data if isinstance(data, (dict, list)) else _not_object()
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data", ""):
        try:
            form = request.POST if request.method == "POST" else QueryDict(request.body, encoding="utf-8")
        except Exception:  # a malformed multipart body: say so instead of failing
            raise invalid("The form body could not be read") from None
        return {key: form.get(key) for key in form}
    raise invalid(f"Send the body as application/json or a form, not {request.content_type}")


def _not_object():
    raise invalid("The JSON body must be an object")


def parse_bool(value, *, name: str, default: bool = False) -> bool:
    """JSON true/false, form 1/0, true/false, True/False; an empty string is false (PHP)."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text == "" or text in _FALSE:
        return False
    if text in _TRUE:
        return True
    raise invalid(f"{name} must be true or false, got {value!r}")


def full_flag(query) -> bool:
    """`?full`, `full=1`, `full=full` are on; `full=False`, `0`, `no`, `off` are off (reference §2.6)."""
    if "full" not in query:
        return False
    return query.get("full", "").strip().lower() not in _FALSE


def paging(query) -> tuple[int, int]:
    """(count, page) from the query: count 1..API_PAGE_MAX (default 30), page from 1. A larger
    count is refused, not cut: clients stop at the first page shorter than the count they asked."""
    count = _positive_int(query.get("count"), "count", 30)
    page = _positive_int(query.get("page"), "page", 1)
    if count > settings.API_PAGE_MAX:
        raise invalid(f"count must be between 1 and {settings.API_PAGE_MAX}, got {count}")
    return count, page


def _positive_int(raw, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise invalid(f"{name} must be a positive whole number, got {raw!r}") from None
    if value < 1 or value > 1_000_000:
        raise invalid(f"{name} must be between 1 and 1000000, got {value}")
    return value


def text(value, *, name: str, default: str = "") -> str:
    if value is None:
        return default
    if isinstance(value, (dict, list)):
        raise invalid(f"{name} must be text")
    return str(value)
