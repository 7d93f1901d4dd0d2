"""Sample data: a few people, things across categories, one settled period and an open one.

Everything goes through the real services (sign-up, sandbox top-ups, flattrs, settlement), so
the demo shows what the product really computes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ruisseau.accounts.models import User
from ruisseau.accounts.services import create_user
from ruisseau.flattrs.services import flattr_thing, flattr_url
from ruisseau.flattrs.subscriptions import subscribe
from ruisseau.payments.services import add_funds
from ruisseau.periods import Period
from ruisseau.settlement.run import settle_period
from ruisseau.things.models import OwnerVerification
from ruisseau.things.services import register_thing, set_owners, verify_owner

OPERATOR = ("operator", "ruisseau-demo")
DEMO_PASSWORD = "ruisseau-demo"

PEOPLE = [
    # username, display name, budget, funds added
    ("alice", "Alice Martin", 500, 2000),
    ("bruno", "Bruno Keller", 300, 1000),
    ("chloe", "Chloé Dubois", 200, 1000),
    ("david", "David Okafor", 200, 600),
    ("emma", "Emma Lindqvist", 200, 500),
]

THINGS = [
    # key, owners {user: weight}, url, title, category, language, tags
    ("velo", {"chloe": 10_000}, "https://chloe.example/2026/velo-a-paris", "Le vélo à Paris, dix ans après",
     "text", "fr_FR", "vélo,ville"),
    ("photos", {"chloe": 10_000}, "https://chloe.example/photos/automne", "Automne — une série de photos",
     "images", "fr_FR", "photo"),
    ("podcast", {"david": 10_000}, "https://radio.example/episodes/42", "Episode 42: small streams, big rivers",
     "audio", "en_GB", "podcast,economics"),
    ("tool", {"david": 7_000, "emma": 3_000}, "https://code.example/ruisseau-cli", "A tiny CLI for ledgers",
     "software", "en_GB", "python,cli"),
    ("film", {"emma": 10_000}, "https://video.example/watch/fjord", "Fjord: a short film",
     "video", "sv_SE", "film"),
]


DEMO_SITE_OWNER = "bruno"


def public_domain() -> str:
    return urlsplit(settings.PUBLIC_URL).netloc


def demo_loaded() -> bool:
    return User.objects.filter(username=OPERATOR[0]).exists()


@transaction.atomic
def _people_and_things(past: datetime) -> tuple[dict, dict]:
    create_user(OPERATOR[0], password=OPERATOR[1], email="operator@ruisseau.example", is_staff=True,
                email_verified=True)
    users = {}
    for username, name, budget, funds in PEOPLE:
        user = create_user(username, password=DEMO_PASSWORD, email=f"{username}@ruisseau.example",
                           budget_cents=budget, display_name=name, email_verified=True)
        add_funds(user.id, funds, idempotency_key="demo-topup", now=past)
        users[username] = user
    things = {}
    for key, owners, url, title, category, language, tags in THINGS:
        first_owner = users[next(iter(owners))]
        thing = register_thing(url, owner_id=first_owner.id, title=title, category=category,
                               language=language, tags=tags, now=past)
        set_owners(thing.id, {users[u].id: w for u, w in owners.items()}, now=past)
        for username in owners:
            verify_owner(thing.id, users[username].id, method=OwnerVerification.OPERATOR, now=past)
        things[key] = thing
    return users, things


def load_demo(now: datetime | None = None) -> None:
    """Create the demo, settling last month. Safe to call twice: the second call does nothing."""
    if demo_loaded():
        return
    now = now or timezone.now()
    last = Period.containing(now) - 1
    past = last.start + timedelta(days=1)
    users, things = _people_and_things(past)

    def click(username: str, key: str, day: int, period: Period) -> None:
        flattr_thing(users[username].id, things[key].id, now=period.start + timedelta(days=day, hours=9))

    for username, keys in {
        "alice": ["velo", "podcast", "tool"],
        "bruno": ["velo", "photos", "film", "tool"],
        "chloe": ["podcast", "film"],
        "david": ["velo"],
        "emma": ["photos", "podcast"],
    }.items():
        for day, key in enumerate(keys, start=2):
            click(username, key, day, last)
    # A blog nobody has claimed yet: Alice's flattr waits there as a pledge.
    flattr_url(users["alice"].id, "https://unclaimed.example/post/1?utm_source=feed",
               title="A post by someone not on Ruisseau yet", now=last.start + timedelta(days=8))
    subscribe(users["alice"].id, things["podcast"].id, 6, now=last.start + timedelta(days=9))
    settle_period(last, now=max(now, last.end + timedelta(minutes=settings.SETTLE_AFTER_MINUTES)))

    current = Period.containing(now)
    for minutes, (username, key) in enumerate(
        [("alice", "photos"), ("bruno", "podcast"), ("chloe", "tool"), ("emma", "velo")]
    ):
        moment = max(current.start, now - timedelta(minutes=10 - minutes))
        flattr_thing(users[username].id, things[key].id, now=moment)
    _demo_blog(users, now)


def _demo_blog(users: dict, now: datetime) -> None:
    """The shared demo blog served at /demo-blog/ (widgets/views/demo_blog.py): Bruno runs it and
    keeps 10 %; Chloé and Emma write for it. Its domain is this server's own, marked verified
    here because a demo cannot prove it (a real site proves it: docs/integrations.md)."""
    from ruisseau.things import sites
    from ruisseau.things.site_models import Site

    owner = users["bruno"]
    site = sites.add_site(owner.id, public_domain(), now=now)
    Site.objects.filter(id=site.id).update(verified_at=now, method="meta")
    sites.set_share(site.id, owner.id, 1_000)
    for name in ("bruno", "chloe", "emma"):
        sites.accept_invitation(sites.invite_author(site.id, owner.id, name, now=now).id, users[name].id, now=now)


def follow_public_url() -> str | None:
    """Move the demo blog's site to this start's public address (the demo may have been loaded on
    another port): its buttons name pages on this server, so the site must be this server's
    domain or their flattrs become pledges. Returns the domain, or None when another account
    holds that domain verified (the demo then leaves its site alone)."""
    from django.db.models import Q

    from ruisseau.things.site_models import Site

    domain = public_domain()
    site = Site.objects.filter(owner__username=DEMO_SITE_OWNER, verified_at__isnull=False).first()
    if site is None or site.domain == domain:
        return domain if site is not None else None
    taken = Q(verified_at__isnull=False) | Q(owner_id=site.owner_id)
    if Site.objects.filter(taken, domain=domain).exclude(id=site.id).exists():
        return None
    Site.objects.filter(id=site.id).update(domain=domain)
    return domain
