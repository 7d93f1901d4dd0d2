"""Settlement results in the back-office, read-only: they are what the ledger says happened."""

from django.contrib import admin

from ruisseau.ledger.admin import ReadOnlyAdmin
from ruisseau.settlement.models import GiverStatement, SettlementRun, ThingRevenue


@admin.register(SettlementRun)
class SettlementRunAdmin(ReadOnlyAdmin):
    list_display = ("period", "status", "stages_done", "fee_bps", "receive_requires_giving", "started_at", "finished_at")


@admin.register(GiverStatement)
class GiverStatementAdmin(ReadOnlyAdmin):
    list_display = ("period", "user", "budget_cents", "funds_cents", "payable_count", "spend_cents", "fee_cents")
    list_filter = ("period",)
    search_fields = ("user__username",)


@admin.register(ThingRevenue)
class ThingRevenueAdmin(ReadOnlyAdmin):
    list_display = ("period", "thing", "user", "flattr_count", "revenue_cents")
    list_filter = ("period",)
