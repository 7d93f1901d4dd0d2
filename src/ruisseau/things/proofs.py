"""Ownership proofs: a page that names its owner, and a domain that proves who holds it
(DESIGN.md §6.2, §6.3). Pages are fetched with ``things.fetch`` (public addresses only, limits,
bounded redirects); DNS TXT records are read with dnspython from a configurable resolver.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import dns.exception
import dns.resolver
from django.conf import settings

from ruisseau.accounts.models import User
from ruisseau.errors import InvalidInput
from ruisseau.things.fetch import FetchedPage, FetchError, fetch

WELL_KNOWN_PATH = "/.well-known/ruisseau.txt"
VERIFY_META = "ruisseau:site-verification"
DNS_PREFIX = "_ruisseau."


class ProofFailed(InvalidInput):
    code = "proof_failed"


def user_from_reference(reference: str) -> User | None:
    """The user a ``rel="payment"`` href or a ``ruisseau:owner`` value points at, if any.

    Accepted: a user name (``alice``, ``@alice``), or a link on this server naming the user
    (``/submit/auto?user_id=alice…``, ``/user/alice``, ``/profile/alice``, ``/@alice``)."""
    reference = (reference or "").strip()
    name = ""
    if "/" not in reference and ":" not in reference:
        name = reference.removeprefix("@")
    else:
        parts = urlsplit(reference.replace("&amp;", "&"))
        public = urlsplit(settings.PUBLIC_URL)
        if (parts.scheme, parts.netloc.lower()) != (public.scheme, public.netloc.lower()):
            return None
        query = parse_qs(parts.query)
        segments = [s for s in parts.path.split("/") if s]
        if segments[:2] == ["submit", "auto"]:
            name = (query.get("user_id") or query.get("uid") or [""])[0]
        elif len(segments) == 2 and segments[0] in ("user", "profile", "users"):
            name = segments[1]
        elif len(segments) == 1 and segments[0].startswith("@"):
            name = segments[0][1:]
    if not name:
        return None
    return User.objects.filter(username=name, is_active=True, closed_at__isnull=True).first()


def users_named_by(page: FetchedPage) -> list[User]:
    """Every user the page names through rel="payment" links or ruisseau:owner metas, in order."""
    found: list[User] = []
    for reference in [*page.owner_metas, *page.payment_links]:
        user = user_from_reference(reference)
        if user is not None and user not in found:
            found.append(user)
    return found


def page_names_user(url: str, user_id: int) -> FetchedPage:
    """Fetch ``url`` and return it when it names the user; raise ProofFailed saying what was
    found otherwise (or why the page could not be read)."""
    try:
        page = fetch(url)
    except FetchError as exc:
        raise ProofFailed(f"The page could not be checked: {exc}") from None
    if any(user.id == user_id for user in users_named_by(page)):
        return page
    seen = len(page.payment_links) + len(page.owner_metas)
    raise ProofFailed(
        f"{page.url} does not name you: found {seen} payment link(s) or owner tag(s), none pointing at your account"
    )


# --- domains --------------------------------------------------------------------------------


def check_dns(domain: str, expected: str) -> None:
    host = domain.rsplit(":", 1)[0] if not domain.startswith("[") else domain
    name = DNS_PREFIX + host
    resolver = dns.resolver.Resolver(configure=not settings.SITE_DNS_NAMESERVER)
    if settings.SITE_DNS_NAMESERVER:
        resolver.nameservers = [settings.SITE_DNS_NAMESERVER]
    resolver.port = settings.SITE_DNS_PORT
    resolver.lifetime = resolver.timeout = settings.SITE_DNS_TIMEOUT_SECONDS
    try:
        answer = resolver.resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        raise ProofFailed(f"No TXT record at {name}") from None
    except dns.exception.DNSException as exc:
        raise ProofFailed(f"The DNS lookup of {name} failed ({exc.__class__.__name__})") from None
    values = [b"".join(record.strings).decode("utf-8", "replace") for record in answer]
    if expected not in values:
        raise ProofFailed(f"The TXT record at {name} does not hold {expected}")


def check_well_known(domain: str, expected: str) -> None:
    _first_that_passes(domain, WELL_KNOWN_PATH, lambda page: expected in page.text.split(),
                       f"does not contain {expected}")


def check_home_meta(domain: str, expected: str) -> None:
    token = expected.split("=", 1)[1]
    _first_that_passes(domain, "/", lambda page: token in _verify_metas(page.text),
                       f'has no <meta name="{VERIFY_META}" content="{token}">')


def _first_that_passes(domain: str, path: str, test, missing: str) -> None:
    problems = []
    for scheme in settings.SITE_PROOF_SCHEMES:
        url = f"{scheme}://{domain}{path}"
        try:
            page = fetch(url)
        except FetchError as exc:
            problems.append(str(exc))
            continue
        if test(page):
            return
        problems.append(f"{url} {missing}")
    raise ProofFailed("; ".join(problems))


class _MetaReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta" and a.get("name", "").strip().lower() == VERIFY_META:
            self.values.append(a.get("content", "").strip())


def _verify_metas(text: str) -> list[str]:
    reader = _MetaReader()
    reader.feed(text)
    reader.close()
    return reader.values


# --- proving a page, discovering owners -------------------------------------------------------


def prove_page(thing_id: int, user_id: int, *, now=None):
    """Fetch the thing's page; when it names the user, record them as a verified owner
    (method ``page``). Raises ProofFailed, NotFound, or InvalidInput (code ``claimed``) when the
    thing already has another verified owner."""
    from ruisseau.things.models import OwnerVerification
    from ruisseau.things.services import claim_thing, get_thing, verify_owner

    thing = get_thing(thing_id)
    page_names_user(thing.url, user_id)
    if not thing.owners.filter(user_id=user_id, verified=True).exists():
        claim_thing(thing.id, user_id, now=now)
        verify_owner(thing.id, user_id, method=OwnerVerification.PAGE, now=now)
    return thing


def discover(url: str) -> dict:
    """What a page or feed says about who should be paid: users of this server it names, and
    outside pointers (Web Monetization, podcast:funding, other payment links). Raises ProofFailed
    when the page cannot be read."""
    try:
        page = fetch(url)
    except FetchError as exc:
        raise ProofFailed(f"The page could not be read: {exc}") from None
    users = users_named_by(page)
    ours = {ref for ref in page.payment_links if user_from_reference(ref)}
    return {
        "url": page.url,
        "users": users,
        "payment_links": [link for link in page.payment_links if link not in ours],
        "monetization": page.monetization,
        "podcast_funding": page.podcast_funding,
    }
