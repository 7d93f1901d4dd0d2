"""Payments, refunds, disputes, webhook events and payouts. The money itself is in the ledger:
these rows say *why* it moved and let every provider callback be matched and deduplicated."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Payment(models.Model):
    """Money coming in. ``amount_cents`` is what reaches the user's funds; ``fee_cents`` is the
    card fee charged on top, kept by the provider, never in the ledger."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20)
    provider_reference = models.CharField(max_length=200, blank=True)
    amount_cents = models.BigIntegerField()
    fee_cents = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    idempotency_key = models.CharField(max_length=200, unique=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=models.Q(fee_cents__gte=0), name="payment_fee_not_negative"),
        ]
        indexes = [models.Index(fields=["provider", "provider_reference"], name="payment_provider_ref")]

    def __str__(self) -> str:
        return f"payment {self.id} ({self.provider} {self.provider_reference or '-'})"

    @property
    def ledger_key(self) -> str:
        """The journal key of the credit: derived from the provider's own id where there is one
        (a Stripe PaymentIntent), so a webhook and the page crediting the same payment meet."""
        if self.provider == "sandbox" or not self.provider_reference:
            return f"payment:{self.id}"
        return f"{self.provider}:{self.provider_reference}"


class SavedCard(models.Model):
    """A user's customer record and saved card at a provider, and their automatic top-up."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_cards")
    provider = models.CharField(max_length=20)
    customer_reference = models.CharField(max_length=200)
    card_reference = models.CharField(max_length=200, blank=True)
    card_label = models.CharField(max_length=100, blank=True)  # e.g. "visa ending 4242"
    # 0 = off; otherwise add this much when funds would not cover the next period's budget.
    auto_topup_cents = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "provider"], name="saved_card_one_per_provider"),
            models.CheckConstraint(condition=Q(auto_topup_cents__gte=0), name="saved_card_auto_topup_not_negative"),
        ]


class ReversalKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    DISPUTE = "dispute", _("Dispute")


class ReversalStatus(models.TextChoices):
    PENDING = "pending", _("Pending at the provider")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed, funds released")
    REINSTATED = "reinstated", _("Dispute won, funds reinstated")


class Reversal(models.Model):
    """Money going back to the payer: a refund or a dispute (chargeback). The amounts taken
    from funds and earnings are stored before posting, so a replay posts the same journal."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="reversals")
    kind = models.CharField(max_length=10, choices=ReversalKind.choices)
    provider_reference = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(max_length=12, choices=ReversalStatus.choices, default=ReversalStatus.PENDING)
    by_operator = models.BooleanField(default=False)
    amount_cents = models.BigIntegerField()
    from_funds_cents = models.BigIntegerField(default=0)
    from_earnings_cents = models.BigIntegerField(default=0)
    # What the user had already spent and could not be taken back: a debt the operator follows up.
    unrecovered_cents = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="reversal_amount_positive"),
            models.CheckConstraint(
                condition=Q(from_funds_cents__gte=0, from_earnings_cents__gte=0, unrecovered_cents__gte=0),
                name="reversal_parts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.provider_reference or self.id} of payment {self.payment_id}"


class AccountFlag(models.Model):
    """Set when the provider reverses a payment (dispute, refund made outside Ruisseau): a flagged
    user can neither add funds by card nor be paid out until an operator clears the flag."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payment_flags")
    reason = models.CharField(max_length=200)
    reference = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} flagged: {self.reason}"


class WebhookEvent(models.Model):
    """Every provider event received, once: the event id is unique, so a redelivery is a no-op."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=200)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class PayoutDetails(models.Model):
    """Where a user's earnings are sent; identity details only when the operator requires them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payout_details")
    account_holder = models.CharField(max_length=70)
    iban = models.CharField(max_length=34)
    bic = models.CharField(max_length=11, blank=True)
    country = models.CharField(max_length=2)
    legal_name = models.CharField(max_length=140, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField()

    @property
    def has_identity(self) -> bool:
        return bool(self.legal_name and self.birth_date and self.address)


class PayoutStatus(models.TextChoices):
    PENDING = "pending", _("Requested")
    EXPORTED = "exported", _("Sent to the bank")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed, returned to earnings")


class Payout(models.Model):
    """Earnings leaving Ruisseau, two-phase in the ledger: pending (earnings → payout clearing),
    then posted (→ outside world) when paid, or voided (→ back to earnings) when it failed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts")
    channel = models.CharField(max_length=20)
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.PENDING)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # A copy of the details at request time: the money goes where it was asked to go.
    account_holder = models.CharField(max_length=70)
    iban = models.CharField(max_length=34)
    bic = models.CharField(max_length=11, blank=True)
    batch_reference = models.CharField(max_length=35, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    exported_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payout_amount_positive")]

    def __str__(self) -> str:
        return f"payout {self.id} of user {self.user_id}"
