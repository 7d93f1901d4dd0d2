"""The ledger: accounts and append-only transfers (DESIGN.md §5).

Balance convention: an account's balance is its credits minus its debits, so the balances of
all accounts always sum to zero. Only the outside world may go negative (money came from it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AccountKind(models.TextChoices):
    USER_FUNDS = "user_funds", "User funds"
    USER_EARNINGS = "user_earnings", "User earnings"
    FEE_INCOME = "fee_income", "Fee income"
    PROVIDER_CLEARING = "provider_clearing", "Payment provider clearing"
    PAYOUT_CLEARING = "payout_clearing", "Payout clearing"
    SETTLEMENT_CLEARING = "settlement_clearing", "Settlement clearing"
    OUTSIDE_WORLD = "outside_world", "Outside world"


USER_KINDS = (AccountKind.USER_FUNDS, AccountKind.USER_EARNINGS)
MAY_GO_NEGATIVE = (AccountKind.OUTSIDE_WORLD,)


class Reason(models.TextChoices):
    TOPUP = "topup", "Funds added"
    SETTLEMENT_FEE = "settlement_fee", "Platform fee"
    SETTLEMENT_GIVE = "settlement_give", "Given in settlement"
    SETTLEMENT_RECEIVE = "settlement_receive", "Received in settlement"
    EARNINGS_TO_FUNDS = "earnings_to_funds", "Earnings moved into funds"
    PAYOUT_PENDING = "payout_pending", "Payout requested"
    PAYOUT_POSTED = "payout_posted", "Payout sent"
    PAYOUT_VOIDED = "payout_voided", "Payout failed, returned"
    REFUND = "refund", "Refund"
    CORRECTION = "correction", "Correction"


class Account(models.Model):
    kind = models.CharField(max_length=24, choices=AccountKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    currency = models.CharField(max_length=3)
    # Cached: always equal to credits minus debits; `ruisseau ledger check` proves it.
    balance_cents = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user", "currency"], condition=Q(user__isnull=False), name="account_unique_per_user"
            ),
            models.UniqueConstraint(
                fields=["kind", "currency"], condition=Q(user__isnull=True), name="account_unique_system"
            ),
            models.CheckConstraint(
                condition=Q(balance_cents__gte=0) | Q(kind__in=MAY_GO_NEGATIVE), name="account_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=USER_KINDS, user__isnull=False) | (~Q(kind__in=USER_KINDS) & Q(user__isnull=True)),
                name="account_user_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        owner = f" of user {self.user_id}" if self.user_id else ""
        return f"{self.get_kind_display()}{owner} ({self.currency})"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only: post a correcting transfer instead")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only: post a reversing transfer instead")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only")


class Journal(AppendOnlyModel):
    """One money-moving command: its transfers share the journal id and one transaction."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    input_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=24, choices=Reason.choices)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"journal {self.id} {self.idempotency_key}"


# A transfer's journal and accounts are checked by the two writers and by `ledger check`, not by
# database foreign keys: those re-checked every row of a settlement batch one by one at commit
# (and share-locked every account again) for rows the batch had just joined to existing accounts.
# Accounts and journals are never deleted (a trigger refuses it on PostgreSQL; PROTECT in Django).
# See docs/ledger.md, "Why transfers have no foreign-key constraints".
_CHECKED_REFERENCE = {"on_delete": models.PROTECT, "db_constraint": False}


class Transfer(AppendOnlyModel):
    journal = models.ForeignKey(Journal, related_name="transfers", **_CHECKED_REFERENCE)
    debit_account = models.ForeignKey(Account, related_name="debits", **_CHECKED_REFERENCE)
    credit_account = models.ForeignKey(Account, related_name="credits", **_CHECKED_REFERENCE)
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=24, choices=Reason.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(
                condition=~Q(debit_account=models.F("credit_account")), name="transfer_two_accounts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_cents} {self.currency} {self.debit_account_id}→{self.credit_account_id}"
