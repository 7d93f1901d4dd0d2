"""Sites: a verified domain with member authors (DESIGN.md §6.3)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

MAX_SITE_SHARE_BPS = 9_999  # the author of a page always keeps something


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_secret() -> str:
    """A site's signing secret: 32 random bytes as 64 hex digits (easy to paste into a config)."""
    return secrets.token_hex(32)


class SiteProofMethod(models.TextChoices):
    DNS = "dns", "DNS TXT record"
    WELL_KNOWN = "well_known", "File under /.well-known/"
    META = "meta", "Meta tag on the home page"


class Site(models.Model):
    """A domain (host, with its port when not the default) someone says is theirs. Unverified
    until a proof passes; only one verified site per domain."""

    domain = models.CharField(max_length=255)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sites_owned")
    token = models.CharField(max_length=64, default=new_token)
    share_bps = models.PositiveIntegerField(default=0, help_text="The site owner's share of each author's page")
    verified_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=16, choices=SiteProofMethod.choices, blank=True)
    created_at = models.DateTimeField()
    # Signed attribution (docs/integrations.md §4): links carry sig = HMAC-SHA256(secret, "url|uid");
    # shown only to the owner. With ``signed_only`` an unsigned or wrongly signed link attributes nothing.
    secret = models.CharField(max_length=64, default=new_secret)
    signed_only = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["domain", "owner"], name="site_once_per_owner"),
            models.UniqueConstraint(fields=["domain"], condition=Q(verified_at__isnull=False),
                                    name="site_verified_once"),
            models.CheckConstraint(condition=Q(share_bps__lte=MAX_SITE_SHARE_BPS), name="site_share_range"),
            models.CheckConstraint(condition=Q(verified_at__isnull=True) | ~Q(method=""), name="site_verified_how"),
        ]

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def proof_value(self) -> str:
        return f"ruisseau-site-verification={self.token}"

    def __str__(self) -> str:
        return self.domain


class SiteAuthor(models.Model):
    """A user invited to write on a site; counts once accepted."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="authors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="site_memberships")
    invited_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "user"], name="site_author_once")]

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


class SitePage(models.Model):
    """A thing attributed through a verified site (DESIGN.md §6.3): the author it names controls
    it (changes, deletes, lists it as theirs); the site owner only receives the share. Records
    who made the attribution (the signed-in person whose flattr or submit named the author;
    empty for an anonymous one) and who last changed it (the site owner, on ``/sites/<id>/``)."""

    thing = models.OneToOneField("things.Thing", on_delete=models.CASCADE, related_name="site_page")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="pages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="site_pages")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="site_pages_attributed")
    created_at = models.DateTimeField()
    signed = models.BooleanField(default=False, help_text="The link that attributed it carried a valid signature")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="site_pages_changed")
    changed_at = models.DateTimeField(null=True, blank=True)
