"""Payments in the back-office: everything visible, money moved only through the services'
actions (refund unspent funds, export payouts for the bank, mark them paid or failed)."""

from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruisseau.errors import RuisseauError
from ruisseau.ledger.admin import MoneyActionsAdmin, ReadOnlyAdmin
from ruisseau.payments import payouts, reversals
from ruisseau.payments.models import AccountFlag, Payment, Payout, PayoutDetails, Reversal, WebhookEvent
from ruisseau.payments.providers import ProviderUnavailable


@admin.register(Payment)
class PaymentAdmin(MoneyActionsAdmin):
    list_display = ("id", "user", "provider", "provider_reference", "amount_cents", "fee_cents", "status", "created_at")
    list_filter = ("provider", "status")
    search_fields = ("user__username", "provider_reference")
    actions = ["refund_unspent"]

    @admin.action(description=_("Refund the unspent part to the card it came from"), permissions=["move_money"])
    def refund_unspent(self, request, queryset):
        for payment in queryset.order_by("id"):
            try:
                reversal = reversals.refund_unspent(payment.id)
                self.message_user(request, _("Payment %(id)s: %(cents)s cents refunded.") % {
                    "id": payment.id, "cents": reversal.amount_cents})
            except (RuisseauError, ProviderUnavailable) as error:
                self.message_user(request, f"Payment {payment.id}: {error.message}", messages.ERROR)


@admin.register(Reversal)
class ReversalAdmin(MoneyActionsAdmin):
    list_display = ("id", "payment", "kind", "status", "by_operator", "amount_cents", "from_funds_cents",
                    "from_earnings_cents", "unrecovered_cents", "created_at")
    list_filter = ("kind", "status", "by_operator")
    actions = ["send_again"]

    @admin.action(description=_("Ask the provider again for refunds left pending"), permissions=["move_money"])
    def send_again(self, request, queryset):
        for reversal in queryset.order_by("id"):
            try:
                reversal = reversals.send_refund(reversal.id)
                self.message_user(request, f"{reversal}: {reversal.get_status_display()}")
            except (RuisseauError, ProviderUnavailable) as error:
                self.message_user(request, f"{reversal}: {error.message}", messages.ERROR)


@admin.register(AccountFlag)
class AccountFlagAdmin(MoneyActionsAdmin):
    list_display = ("user", "reason", "reference", "created_at", "cleared_at")
    list_filter = ("cleared_at",)
    actions = ["clear"]

    @admin.action(description=_("Lift the hold (the operator checked the account)"), permissions=["move_money"])
    def clear(self, request, queryset):
        count = queryset.filter(cleared_at__isnull=True).update(cleared_at=timezone.now())
        self.message_user(request, _("%(count)s hold(s) lifted.") % {"count": count})


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "provider", "type", "received_at", "processed_at", "outcome")
    list_filter = ("provider", "type")
    search_fields = ("event_id",)


@admin.register(PayoutDetails)
class PayoutDetailsAdmin(ReadOnlyAdmin):
    list_display = ("user", "account_holder", "iban", "bic", "country", "updated_at")
    search_fields = ("user__username", "account_holder")


@admin.register(Payout)
class PayoutAdmin(MoneyActionsAdmin):
    list_display = ("id", "user", "amount_cents", "status", "account_holder", "iban", "batch_reference", "created_at")
    list_filter = ("status", "channel")
    search_fields = ("user__username", "batch_reference")
    actions = ["export_sepa", "mark_paid", "mark_failed"]

    @admin.action(description=_("Export the selected requested payouts as a SEPA transfer file (pain.001)"),
                  permissions=["move_money"])
    def export_sepa(self, request, queryset):
        try:
            name, content, _exported = payouts.export_pending(list(queryset.values_list("id", flat=True)))
        except (RuisseauError, ImproperlyConfigured) as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        response = HttpResponse(content, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @admin.action(description=_("Mark paid (the bank executed the transfer)"), permissions=["move_money"])
    def mark_paid(self, request, queryset):
        self._finish(request, queryset, lambda payout_id: payouts.mark_paid(payout_id))

    @admin.action(description=_("Mark failed (returned by the bank: earnings given back)"), permissions=["move_money"])
    def mark_failed(self, request, queryset):
        self._finish(request, queryset, lambda payout_id: payouts.mark_failed(payout_id, "returned by the bank"))

    def _finish(self, request, queryset, action):
        self.apply_each(request, queryset, lambda payout: action(payout.id),
                        lambda n: _("%(count)s payout(s) updated.") % {"count": n})
