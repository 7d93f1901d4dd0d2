"""Flattrs, subscriptions and pledges (DESIGN.md §3.2, §3.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ruisseau.things.models import Thing


class FlattrSource(models.TextChoices):
    CLICK = "click", "Button or page"
    API = "api", "API"
    SUBSCRIPTION = "subscription", "Subscription"
    AUTO_SUBMIT = "auto_submit", "Auto-submitted URL"


class Flattr(models.Model):
    """One click of one user on one thing in one period.

    Settlement never rewrites flattrs: a flattr made in P is paid in P unless a Pledge row says
    otherwise, which keeps the settlement's writes small (see docs/settlement.md)."""

    # No index of their own on the foreign keys: (user, created_at, id) and (thing, period) below
    # lead with the same columns.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="flattrs",
                             db_index=False)
    thing = models.ForeignKey(Thing, on_delete=models.PROTECT, related_name="flattrs", db_index=False)
    period = models.DateField(help_text="First day of the month the flattr belongs to")
    created_at = models.DateTimeField()
    source = models.CharField(max_length=16, choices=FlattrSource.choices, default=FlattrSource.CLICK)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thing", "period"], name="flattr_once_per_period")]
        indexes = [
            models.Index(fields=["period", "user"], name="flattr_by_period_user"),
            # A giver's flattrs newest first: the dashboard's pages, the API's lists of a user's flattrs.
            models.Index(fields=["user", "created_at", "id"], name="flattr_by_user_time"),
            models.Index(fields=["thing", "period"], name="flattr_by_thing_period"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} flattred {self.thing_id} in {self.period:%Y-%m}"


class PledgeState(models.TextChoices):
    WAITING = "waiting", "Waiting for an eligible owner"
    PAID = "paid", "Paid"
    LAPSED = "lapsed", "Lapsed"


class Pledge(models.Model):
    """A flattr that was not payable when its period was settled (no eligible owner)."""

    # No database constraint (migration flattrs/0002, docs/settlement.md): PostgreSQL re-checked it
    # row by row when a settlement committed 10^5 new pledges. Settlement writes pledges only
    # for flattrs it has just read, of a closed period, which take_back no longer deletes;
    # PROTECT still refuses deleting a pledged flattr in code, and `ruisseau ledger check`
    # verifies that every pledge names an existing flattr with the same giver and thing.
    flattr = models.OneToOneField(Flattr, on_delete=models.PROTECT, primary_key=True, related_name="pledge",
                                  db_constraint=False)
    # Copies of the flattr's user and thing, so pledges are found without a join; the flattr's own
    # keys are checked, these are not re-checked row by row when settlement writes thousands.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="pledges",
                             db_constraint=False)
    # Indexed by pledge_by_thing_state below, which also serves the thing alone.
    thing = models.ForeignKey(Thing, on_delete=models.DO_NOTHING, related_name="pledges", db_constraint=False,
                              db_index=False)
    since_period = models.DateField()
    state = models.CharField(max_length=8, choices=PledgeState.choices, default=PledgeState.WAITING)
    resolved_period = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state=PledgeState.WAITING, resolved_period__isnull=True)
                | (~Q(state=PledgeState.WAITING) & Q(resolved_period__isnull=False)),
                name="pledge_resolution_consistent",
            )
        ]
        # Few indexes (the key, the user's, the thing's): settlement inserts 10^5 pledges a month
        # at 10^6 flattrs and every index costs each of them (docs/settlement.md, migration 0003).
        # The partial one holds the waiting pledges only (at most PLEDGE_MONTHS months of them):
        # settlement reads them each month, and without it would scan every pledge ever resolved,
        # a table that grows for as long as the site runs (migration 0004).
        indexes = [
            models.Index(fields=["thing", "state"], name="pledge_by_thing_state"),
            models.Index(fields=["since_period"], condition=Q(state=PledgeState.WAITING), name="pledge_waiting"),
        ]


class Subscription(models.Model):
    """An automatic flattr in every period from first_period to last_period (open-ended when
    null), skipped while paused. Pause and resume do not move the end."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subscriptions")
    thing = models.ForeignKey(Thing, on_delete=models.PROTECT, related_name="subscriptions")
    months = models.PositiveSmallIntegerField(null=True, blank=True, help_text="3, 6, 12 or empty for open-ended")
    first_period = models.DateField()
    last_period = models.DateField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    last_fired_period = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "thing"], condition=Q(cancelled_at__isnull=True), name="subscription_once_active"
            ),
            models.CheckConstraint(
                condition=Q(months__isnull=True) | Q(months__in=[3, 6, 12]), name="subscription_months_allowed"
            ),
        ]

    @property
    def active(self) -> bool:
        return self.cancelled_at is None and not self.paused
