"""Fetching a page or feed someone named, safely, and reading what it says about itself.

Used to prefill a new thing (title, description, language), to check ownership proofs
(``<link rel="payment">``, ``<meta name="ruisseau:owner">``) and to suggest owners (Web
Monetization, ``podcast:funding``). The URL comes from a user, so the fetch is defensive:

- only http and https, on their usual ports or any port the URL names;
- every address the host resolves to must be public (no loopback, private, link-local,
  multicast or reserved ranges) unless ``RUISSEAU_FETCH_ALLOW_PRIVATE`` is on (tests, intranets);
- the connection goes to the address that was checked, never to a second DNS answer
  (no DNS rebinding between the check and the connect);
- redirects are followed by hand, each hop checked again, at most ``MAX_REDIRECTS``;
- a connect/read timeout and a size limit; only HTML, XML and plain-text bodies are read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 5
USER_AGENT = "Ruisseau/0.1 (ownership and page check)"
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml",
               "application/rss+xml", "application/atom+xml", "text/plain")
_PODCAST_NS = "https://podcastindex.org/namespace/1.0"


class FetchError(Exception):
    """The page could not be fetched; the message says why in words a user understands."""


@dataclass
class FetchedPage:
    url: str  # after redirects
    content_type: str
    text: str
    title: str = ""
    description: str = ""
    language: str = ""
    payment_links: list[str] = field(default_factory=list)  # rel="payment" hrefs, absolute
    owner_metas: list[str] = field(default_factory=list)  # <meta name="ruisseau:owner"> contents
    monetization: list[str] = field(default_factory=list)  # Web Monetization pointers
    podcast_funding: list[str] = field(default_factory=list)  # <podcast:funding url="...">
    feed_links: list[str] = field(default_factory=list)  # rel="alternate" RSS/Atom feeds


def fetch(url: str, *, timeout: float | None = None, max_bytes: int | None = None) -> FetchedPage:
    """Fetch ``url`` under the rules above and parse it as HTML or as a feed."""
    timeout = settings.FETCH_TIMEOUT_SECONDS if timeout is None else timeout
    max_bytes = settings.FETCH_MAX_BYTES if max_bytes is None else max_bytes
    deadline = time.monotonic() + timeout * 3  # connect + slow trickle, all hops together
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        status, headers, body = _get_once(current, timeout=timeout, max_bytes=max_bytes, deadline=deadline)
        if status in (301, 302, 303, 307, 308):
            location = headers.get("location")
            if not location:
                raise FetchError(f"{current} redirects without saying where to")
            current = urljoin(current, location)
            continue
        if status >= 400:
            raise FetchError(f"{current} answered HTTP {status}")
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and content_type not in _TEXT_TYPES:
            raise FetchError(f"{current} is not a web page or feed ({content_type})")
        text = body.decode(_charset(headers.get("content-type", ""), body), errors="replace")
        return parse(current, content_type, text)
    raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times")


def parse(url: str, content_type: str, text: str) -> FetchedPage:
    page = FetchedPage(url=url, content_type=content_type, text=text)
    head = text.lstrip()[:200].lower()
    looks_like_feed = content_type.endswith("xml") and ("<rss" in text[:2000] or "<feed" in text[:2000])
    if looks_like_feed or (not content_type and head.startswith("<?xml") and "<html" not in head):
        _parse_feed(page)
    else:
        _PageParser(page).feed_all(text)
    return page


# --- the network part -------------------------------------------------------------------------


def _get_once(url: str, *, timeout: float, max_bytes: int, deadline: float):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https addresses can be fetched, not {url!r}")
    if not parts.hostname:
        raise FetchError(f"{url!r} has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"{url!r} has an invalid port") from None
    address = _public_address(parts.hostname, port)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    conn = conn_class(parts.hostname, port, address=address, timeout=timeout)
    try:
        conn.request("GET", path, headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "identity",
        })
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"{url} is larger than {max_bytes // 1024} KiB")
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise FetchError(f"{url} took too long to answer")
            chunk = response.read(16_384)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"{url} is larger than {max_bytes // 1024} KiB")
            chunks.append(chunk)
        return response.status, headers, b"".join(chunks)
    except (TimeoutError, socket.timeout):
        raise FetchError(f"{url} took too long to answer") from None
    except ssl.SSLError as exc:
        raise FetchError(f"{url}: the secure connection failed ({exc.reason})") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"{url} could not be reached ({exc.__class__.__name__})") from None
    finally:
        conn.close()


def _public_address(host: str, port: int) -> str:
    """The first address of ``host``, refusing the lot if any of them is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchError(f"the host {host!r} does not exist") from None
    addresses = [info[4][0] for info in infos]
    if not settings.FETCH_ALLOW_PRIVATE:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
                ip = ip.ipv4_mapped
            if not ip.is_global or ip.is_multicast:
                raise FetchError(f"the host {host!r} is not on the public internet")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the name in the URL, not the address we dialled.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _charset(content_type: str, body: bytes) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return _known_codec(value.strip().strip('"'))
    head = body[:1024].lower()
    marker = head.find(b"charset=")
    if marker != -1:
        value = head[marker + 8:marker + 40].lstrip(b"\"' ").split(b'"')[0].split(b"'")[0]
        value = value.split(b";")[0].split(b" ")[0].split(b">")[0].split(b"/")[0]
        return _known_codec(value.decode("ascii", "ignore"))
    return "utf-8"


def _known_codec(name: str) -> str:
    import codecs

    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


# --- reading what a page or feed says ----------------------------------------------------------


class _PageParser(HTMLParser):
    def __init__(self, page: FetchedPage):
        super().__init__(convert_charrefs=True)
        self.page = page
        self._in_title = False
        self._title: list[str] = []
        self._og: dict[str, str] = {}

    def feed_all(self, text: str) -> None:
        self.feed(text)
        self.close()
        page = self.page
        page.title = _clean(self._og.get("og:title") or "".join(self._title))[:200]
        page.description = _clean(page.description or self._og.get("og:description", ""))[:1000]

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang") and not self.page.language:
            self.page.language = a["lang"].strip()
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            name = (a.get("name") or a.get("property") or "").strip().lower()
            content = a.get("content", "").strip()
            if not content:
                return
            if name == "description" and not self.page.description:
                self.page.description = content
            elif name in ("og:title", "og:description"):
                self._og.setdefault(name, content)
            elif name == "ruisseau:owner":
                self.page.owner_metas.append(content)
            elif name == "monetization":
                self.page.monetization.append(content)
        elif tag == "link":
            rels = set(a.get("rel", "").lower().split())
            href = a.get("href", "").strip()
            if not href:
                return
            absolute = urljoin(self.page.url, href)
            if "payment" in rels:
                self.page.payment_links.append(absolute)
            if "monetization" in rels:
                self.page.monetization.append(absolute)
            if "alternate" in rels and a.get("type", "").lower() in (
                    "application/rss+xml", "application/atom+xml"):
                self.page.feed_links.append(absolute)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title and len(self._title) < 50:
            self._title.append(data)


def _parse_feed(page: FetchedPage) -> None:
    try:
        root = ET.fromstring(page.text)
    except ET.ParseError as exc:
        raise FetchError(f"{page.url} is not a well-formed feed ({exc})") from None
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        namespace = element.tag[1:].split("}", 1)[0] if isinstance(element.tag, str) and element.tag.startswith("{") else ""
        if local == "link" and "payment" in element.get("rel", "").lower().split():
            href = element.get("href", "").strip()
            if href:
                page.payment_links.append(urljoin(page.url, href))
        elif local == "funding" and namespace == _PODCAST_NS:
            href = element.get("url", "").strip()
            if href:
                page.podcast_funding.append(urljoin(page.url, href))
        elif local == "title" and not page.title and element.text:
            page.title = _clean(element.text)[:200]
        elif local in ("description", "subtitle") and not page.description and element.text:
            page.description = _clean(element.text)[:1000]
        elif local == "language" and not page.language and element.text:
            page.language = element.text.strip()


def _clean(text: str) -> str:
    return " ".join(text.split())
