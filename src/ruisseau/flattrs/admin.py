from django.contrib import admin

from ruisseau.flattrs.models import Flattr, Pledge, Subscription


@admin.register(Flattr)
class FlattrAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "thing", "period", "source", "created_at")
    list_filter = ("period", "source")
    raw_id_fields = ("user", "thing")


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = ("flattr", "user", "thing", "since_period", "state", "resolved_period")
    list_filter = ("state", "since_period")
    raw_id_fields = ("flattr", "user", "thing")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # written by settlement only


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "thing", "months", "first_period", "last_period", "paused", "cancelled_at")
    list_filter = ("paused", "months")
    raw_id_fields = ("user", "thing")
