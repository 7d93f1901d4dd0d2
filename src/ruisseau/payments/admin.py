from django.contrib import admin

from ruisseau.ledger.admin import ReadOnlyAdmin
from ruisseau.payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "provider", "amount_cents", "status", "created_at")
    list_filter = ("provider", "status")
