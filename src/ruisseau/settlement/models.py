"""Settlement runs and the statements they leave behind (DESIGN.md §3.3–3.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ruisseau.things.models import Thing

# Statement rows are derived from flattrs, users and things that are never deleted (PROTECT), and
# a run writes them by the hundred thousand: a database-level foreign key would re-check each row
# at commit for nothing. `ruisseau ledger check` verifies them against the ledger instead.
DERIVED = {"on_delete": models.DO_NOTHING, "related_name": "+", "db_index": False, "db_constraint": False}


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running or interrupted"
    DONE = "done", "Done"


class SettlementRun(models.Model):
    """One per period. The rules in force are copied here when the run starts, so a resumed
    run computes exactly what the interrupted one would have."""

    period = models.DateField(unique=True)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.RUNNING)
    stages_done = models.PositiveSmallIntegerField(default=0)
    fee_bps = models.PositiveIntegerField()
    receive_requires_giving = models.BooleanField()
    pledge_months = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"settlement of {self.period:%Y-%m} ({self.status})"


class GiverStatement(models.Model):
    """What one giver spent in one period. Each payable flattr got ``share_cents``, plus one
    cent for the ``extra_count`` earliest (by time, then id): see statements.py."""

    period = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, **DERIVED)
    budget_cents = models.BigIntegerField()
    funds_cents = models.BigIntegerField(help_text="Funds when the period was settled")
    active_giver = models.BooleanField(help_text="Flattred in the period and funds covered the budget")
    payable_count = models.PositiveIntegerField(default=0)
    spend_cents = models.BigIntegerField(default=0)
    fee_cents = models.BigIntegerField(default=0)
    share_cents = models.BigIntegerField(default=0)
    extra_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="giver_statement_once"),
            models.CheckConstraint(
                condition=models.Q(
                    spend_cents=models.F("fee_cents")
                    + models.F("share_cents") * models.F("payable_count")
                    + models.F("extra_count")
                ),
                name="giver_statement_balanced",
            ),
        ]
        indexes = [models.Index(fields=["period"], name="giver_statement_by_period")]


class ThingRevenue(models.Model):
    """What one owner received for one thing in one period."""

    period = models.DateField()
    thing = models.ForeignKey(Thing, **{**DERIVED, "related_name": "revenues"})
    user = models.ForeignKey(settings.AUTH_USER_MODEL, **DERIVED)
    flattr_count = models.PositiveIntegerField()
    revenue_cents = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "thing", "user"], name="thing_revenue_once")]
        indexes = [
            models.Index(fields=["user", "period"], name="thing_revenue_by_owner"),
            models.Index(fields=["thing", "period"], name="thing_revenue_by_thing"),
        ]
