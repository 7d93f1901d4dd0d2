"""URL normalisation: one thing per page, however the URL was written (DESIGN.md §6.1)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext_noop

from ruisseau.errors import InvalidInput, shortened

MAX_URL_LENGTH = 2000
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that say where a click came from, not what the page is.
_TRACKING_EXACT = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_hsenc", "_hsmi", "ref_src"}
)
_TRACKING_PREFIXES = ("utm_",)
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalise_url(raw: str) -> str:
    """Return the canonical form of an http(s) URL, or raise InvalidInput saying why not.

    Lower-cases scheme and host, converts international host names to IDNA, drops user info,
    default ports, fragments and tracking parameters, and writes an empty path as ``/``.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput(gettext_noop("A URL is required"), code="validation")
    text = raw.strip()
    if len(text) > MAX_URL_LENGTH:
        raise InvalidInput(gettext_noop("The URL is longer than %(limit)s characters"), code="validation",
                           params={"limit": MAX_URL_LENGTH})
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise InvalidInput(gettext_noop("A URL may not contain spaces or control characters"), code="validation")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(gettext_noop("Invalid url: %(reason)s"), code="validation", params={"reason": exc}) from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidInput(gettext_noop("Invalid url: only http and https addresses can be flattred"), code="validation")
    host = _normalise_host(parts.hostname or "")
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    query = _strip_tracking(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def _normalise_host(host: str) -> str:
    host = host.rstrip(".").lower()
    if not host:
        raise InvalidInput(gettext_noop("Invalid url: the address has no host name"), code="validation")
    if host.startswith("[") or ":" in host:  # IPv6 literal
        return f"[{host.strip('[]')}]"
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise _bad_host(host) from None
    labels = ascii_host.split(".")
    if not all(_HOST_LABEL.match(label) for label in labels):
        raise _bad_host(host)
    return ascii_host


def _bad_host(host: str) -> InvalidInput:
    return InvalidInput(gettext_noop("Invalid url: %(host)s is not a valid host name"), code="validation",
                        params={"host": repr(shortened(host))})


def _strip_tracking(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [
        (key, value)
        for key, value in pairs
        if key.lower() not in _TRACKING_EXACT and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlencode(kept, quote_via=quote, safe="/:@!$'()*,;-._~")
