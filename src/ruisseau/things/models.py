"""Things (what can be flattred) and their owners (who gets paid)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ruisseau.things.catalogue import CATEGORIES, DEFAULT_CATEGORY, DEFAULT_LANGUAGE, LANGUAGES

FULL_WEIGHT_BPS = 10_000


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class Thing(models.Model):
    url = models.CharField(max_length=2000, unique=True, help_text="Normalised URL")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=16, choices=CATEGORIES, default=DEFAULT_CATEGORY)
    language = models.CharField(max_length=8, choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    tags = models.ManyToManyField(Tag, blank=True, related_name="things")
    image = models.CharField(max_length=2000, blank=True)
    hidden = models.BooleanField(default=False, help_text="Left out of search and listings")
    disabled = models.BooleanField(default=False, help_text="Set by an operator: cannot be flattred")
    # Null for things created by auto-submit (someone flattred an unknown URL).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="things_created"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.title or self.url


class OwnerVerification(models.TextChoices):
    OPERATOR = "operator", "Operator decision"
    PAGE = "page", "The page names the owner"
    SITE = "site", "Author of a verified site"


class ThingOwner(models.Model):
    """A claim on a thing. Only verified owners are paid (DESIGN.md §6.2)."""

    thing = models.ForeignKey(Thing, on_delete=models.CASCADE, related_name="owners")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ownerships")
    weight_bps = models.PositiveIntegerField(default=FULL_WEIGHT_BPS)
    verified = models.BooleanField(default=False)
    verification = models.CharField(max_length=16, choices=OwnerVerification.choices, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thing", "user"], name="thing_owner_once"),
            models.CheckConstraint(
                condition=Q(weight_bps__gt=0, weight_bps__lte=FULL_WEIGHT_BPS), name="thing_owner_weight_range"
            ),
            models.CheckConstraint(
                condition=Q(verified=False) | ~Q(verification=""), name="thing_owner_verified_how"
            ),
        ]
        indexes = [models.Index(fields=["user", "thing"], name="thing_owner_by_user")]

    def __str__(self) -> str:
        state = "verified" if self.verified else "claimed"
        return f"{self.user} owns {self.weight_bps / 100:g} % of thing {self.thing_id} ({state})"


from ruisseau.things.site_models import Site, SiteAuthor, SitePage, SiteProofMethod  # noqa: E402,F401  (one app, two modules)
