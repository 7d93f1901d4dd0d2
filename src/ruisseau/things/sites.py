"""Sites and their authors: verification, invitations, the site's share, and attributing a
page on a site to the author it names (DESIGN.md §6.3)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from ruisseau.accounts.models import User
from ruisseau.errors import InvalidInput, NotFound
from ruisseau.things import proofs
from ruisseau.things.models import FULL_WEIGHT_BPS, OwnerVerification, Thing
from ruisseau.things.services import get_or_submit, set_owners, verify_owner
from ruisseau.things.site_models import (MAX_SITE_SHARE_BPS, Site, SiteAuthor, SitePage, SiteProofMethod,
                                        new_secret)
from ruisseau.things.urls import normalise_url

_CHECKS = {
    SiteProofMethod.DNS: proofs.check_dns,
    SiteProofMethod.WELL_KNOWN: proofs.check_well_known,
    SiteProofMethod.META: proofs.check_home_meta,
}


def normalise_domain(raw: str) -> str:
    """``Example.org``, ``https://example.org/blog`` → ``example.org`` (port kept if not default)."""
    raw = (raw or "").strip()
    if not raw:
        raise InvalidInput(gettext_noop("A domain is required"), code="validation")
    url = normalise_url(raw if "://" in raw else f"https://{raw}")
    return urlsplit(url).netloc


def add_site(owner_id: int, domain: str, *, now: datetime | None = None) -> Site:
    """Start a site for ``owner_id``; it needs a proof before it counts."""
    domain = normalise_domain(domain)
    if Site.objects.filter(domain=domain, verified_at__isnull=False).exclude(owner_id=owner_id).exists():
        raise InvalidInput(f"{domain} is already verified by another account", code="validation")
    site, _ = Site.objects.get_or_create(domain=domain, owner_id=owner_id,
                                         defaults={"created_at": now or timezone.now()})
    return site


def owned_site(site_id: int, user_id: int) -> Site:
    site = Site.objects.filter(id=site_id).first()
    if site is None or site.owner_id != user_id:
        raise NotFound(f"You have no site with id {site_id}")
    return site


def proven_site(site_id: int, user_id: int) -> Site:
    """The owner's site, once verified: nothing else (invitations, share, pages) before the proof."""
    site = owned_site(site_id, user_id)
    if not site.verified:
        raise InvalidInput(f"Prove that {site.domain} is yours first", code="validation")
    return site


@transaction.atomic
def verify_site(site_id: int, user_id: int, method: str, *, now: datetime | None = None) -> Site:
    """Run one proof; on success the site is verified and its owner is its first author.
    Raises ProofFailed with what was wrong, InvalidInput for an unknown method."""
    site = owned_site(site_id, user_id)
    if method not in _CHECKS:
        raise InvalidInput(f"Unknown proof method {method!r}", code="validation")
    _CHECKS[method](site.domain, site.proof_value)
    now = now or timezone.now()
    site.verified_at, site.method = now, method
    try:
        with transaction.atomic():
            site.save(update_fields=["verified_at", "method"])
    except IntegrityError:
        raise InvalidInput(f"{site.domain} is already verified by another account", code="validation") from None
    SiteAuthor.objects.update_or_create(site=site, user_id=site.owner_id,
                                        defaults={"invited_at": now, "accepted_at": now})
    return site


def invite_author(site_id: int, owner_id: int, username: str, *, now: datetime | None = None) -> SiteAuthor:
    site = proven_site(site_id, owner_id)
    user = User.objects.filter(username=(username or "").strip().removeprefix("@"), is_active=True).first()
    if user is None:
        raise InvalidInput(f"No active user named {username!r}", code="validation")
    author, _ = SiteAuthor.objects.get_or_create(site=site, user=user, defaults={"invited_at": now or timezone.now()})
    return author


def accept_invitation(author_id: int, user_id: int, *, now: datetime | None = None) -> SiteAuthor:
    author = SiteAuthor.objects.filter(id=author_id, user_id=user_id).select_related("site").first()
    if author is None:
        raise NotFound("No such invitation for you")
    if not author.site.verified:
        raise InvalidInput(f"{author.site.domain} is not verified: there is nothing to accept yet", code="validation")
    if author.accepted_at is None:
        author.accepted_at = now or timezone.now()
        author.save(update_fields=["accepted_at"])
    return author


def set_share(site_id: int, owner_id: int, share_bps: int) -> Site:
    """The site owner's share of every author's page, in basis points (0 … 9 999). Applies to
    pages attributed from now on; things already attributed keep their weights."""
    site = proven_site(site_id, owner_id)
    if not isinstance(share_bps, int) or isinstance(share_bps, bool) or not 0 <= share_bps <= MAX_SITE_SHARE_BPS:
        raise InvalidInput(f"The site's share is a whole number of basis points from 0 to {MAX_SITE_SHARE_BPS}",
                           code="validation")
    site.share_bps = share_bps
    site.save(update_fields=["share_bps"])
    return site


def set_signed_only(site_id: int, owner_id: int, signed_only: bool) -> Site:
    """Attribute pages only through links signed with the site's secret (or through any link)."""
    site = proven_site(site_id, owner_id)
    site.signed_only = bool(signed_only)
    site.save(update_fields=["signed_only"])
    return site


def replace_secret(site_id: int, owner_id: int) -> Site:
    """A new signing secret: links signed with the old one no longer count as signed."""
    site = proven_site(site_id, owner_id)
    site.secret = new_secret()
    site.save(update_fields=["secret"])
    return site


def signature(secret: str, url: str, uid: str) -> str:
    """What a link to a page of the site carries as ``sig``: lowercase hex HMAC-SHA256 of
    ``url|uid`` with the site's secret, ``url`` as the link gives it (before normalisation) and
    ``uid`` the author's user name (docs/integrations.md §4)."""
    return hmac.new(secret.encode(), f"{url}|{uid}".encode(), hashlib.sha256).hexdigest()


def signature_valid(site: Site, url: str, uid: str, sig: str) -> bool:
    if not sig or not url:
        return False
    return hmac.compare_digest(signature(site.secret, url, uid).encode(), sig.strip().lower().encode("utf-8"))


def site_for_url(url: str) -> Site | None:
    netloc = urlsplit(normalise_url(url)).netloc
    return Site.objects.filter(domain=netloc, verified_at__isnull=False).first()


def site_things(site: Site):
    """The pages attributed through the site, never other pages on the domain that someone owns
    on their own (and nothing at all while the site is unproven)."""
    if not site.verified:
        return Thing.objects.none()
    return Thing.objects.filter(site_page__site=site)


def site_author_for(url: str, author_name: str) -> SiteAuthor | None:
    """The accepted author ``author_name`` of the verified site ``url`` is on, else None: who a
    button's page is attributed to."""
    site = site_for_url(url)
    if site is None or not author_name:
        return None
    return (SiteAuthor.objects.select_related("site", "user")
            .filter(site=site, user__username=author_name.removeprefix("@"), accepted_at__isnull=False).first())


@transaction.atomic
def attribute(thing: Thing, author_name: str, *, sig: str = "", signed_url: str = "",
              now: datetime | None = None, by: int | None = None) -> bool:
    """Give a thing that has no verified owner to the site author it names, with the site's
    share to the site owner, both verified by the site. False when the URL is on no verified
    site, the name is not an accepted author there, the thing already has a verified owner, or
    the site attributes only signed links and ``sig`` is not the signature of ``signed_url``
    (the page address as the link gave it; the thing's URL when not given) and the author's
    name. A valid signature is recorded on the page either way."""
    if thing.owners.filter(verified=True).exists():
        return False
    author = site_author_for(thing.url, author_name)
    if author is None:
        return False
    signed = signature_valid(author.site, signed_url or thing.url, author.user.username, sig)
    if author.site.signed_only and not signed:
        return False
    now = now or timezone.now()
    _give_to(thing.id, author.user_id, author.site, author.site.share_bps, now=now)
    SitePage.objects.update_or_create(thing=thing, defaults={
        "site": author.site, "author_id": author.user_id, "created_by_id": by, "created_at": now,
        "signed": signed, "changed_by": None, "changed_at": None})
    return True


def _give_to(thing_id: int, author_id: int, site: Site, site_weight: int, *, now: datetime) -> None:
    """Owners ``10 000 − site_weight`` for the author and ``site_weight`` for the site owner (the
    whole page when the owner writes it), verified by the site."""
    weights = {author_id: FULL_WEIGHT_BPS}
    if site_weight and site.owner_id != author_id:
        weights = {author_id: FULL_WEIGHT_BPS - site_weight, site.owner_id: site_weight}
    set_owners(thing_id, weights, now=now)
    for user_id in weights:
        verify_owner(thing_id, user_id, method=OwnerVerification.SITE, now=now)


@transaction.atomic
def reattribute(site_id: int, owner_id: int, thing_id: int, username: str, *,
                now: datetime | None = None) -> SitePage:
    """The site owner gives a page attributed through the site to another accepted author. The
    site keeps the weight it has on the page (a share changed since applies to new pages only,
    as set_share promises); the author's part moves to the new author (all of it when that is the
    site owner, who then writes the page). Refused when an operator has changed the page's owners
    since: it is no longer the site's to give. The owners change from now on: revenue already
    settled stays where it was paid (the ledger is not touched); this period's flattrs are split
    at settlement among the owners of that moment, so they follow the new author."""
    site = proven_site(site_id, owner_id)
    page = SitePage.objects.select_for_update().filter(thing_id=thing_id, site=site).select_related("thing").first()
    if page is None:
        raise NotFound(f"No page {thing_id!r} is attributed through {site.domain}")
    author = (SiteAuthor.objects.select_related("site", "user")
              .filter(site=site, user__username=(username or "").strip().removeprefix("@"),
                      accepted_at__isnull=False).first())
    if author is None:
        raise InvalidInput(f"{username!r} is not an author of {site.domain} who accepted the invitation",
                           code="validation")
    owners = {o.user_id: o for o in page.thing.owners.all()}
    if (page.author_id not in owners or set(owners) - {page.author_id, site.owner_id}
            or any(o.verification != OwnerVerification.SITE for o in owners.values())):
        raise InvalidInput("An operator has changed this page's owners: it is no longer the site's to give",
                           code="validation")
    now = now or timezone.now()
    site_weight = owners[site.owner_id].weight_bps if site.owner_id in owners and site.owner_id != page.author_id else 0
    _give_to(page.thing.id, author.user_id, site, site_weight, now=now)
    page.author_id, page.changed_by_id, page.changed_at = author.user_id, owner_id, now
    page.save(update_fields=["author", "changed_by", "changed_at"])
    return page


def submit_attributed(url: str, author_name: str, *, sig: str = "", signed_url: str = "",
                      now: datetime | None = None, by: int | None = None, **fields) -> Thing:
    """The thing for ``url`` (created unclaimed when unknown), attributed to ``author_name``
    when the page is on a verified site that author writes for (and, when the site asks for it,
    the link's ``sig`` signs ``signed_url`` — the address as the link gave it, ``url`` when not
    given — with the author's name); ``by`` (who named the author) is recorded with the
    attribution."""
    thing, _created = get_or_submit(url, now=now, **fields)
    if author_name and not thing.owners.exists():
        attribute(thing, author_name, sig=sig, signed_url=signed_url or url, now=now, by=by)
    return thing
