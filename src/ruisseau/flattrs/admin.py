"""Operators see flattrs, pledges and subscriptions; they change them only through the services,
so an edit in the back-office obeys the same rules as a click (an open period only, never a
settled flattr, never a pledge settlement has not resolved)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _, ngettext

from ruisseau.flattrs import services, subscriptions
from ruisseau.flattrs.models import Flattr, Pledge, Subscription
from ruisseau.ledger.admin import MoneyActionsAdmin, ReadOnlyAdmin


@admin.register(Flattr)
class FlattrAdmin(MoneyActionsAdmin):
    list_display = ("id", "user", "thing", "period", "source", "created_at")
    list_filter = ("period", "source")
    raw_id_fields = ("user", "thing")
    actions = ["take_back"]

    @admin.action(description=_("Take back the selected flattrs (open period or waiting pledge only)"),
                  permissions=["move_money"])
    def take_back(self, request, queryset):
        self.apply_each(request, queryset, lambda f: services.take_back(f.user_id, f.id),
                        lambda n: ngettext("%(n)d flattr taken back.", "%(n)d flattrs taken back.", n) % {"n": n})


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):  # written by settlement only
    list_display = ("flattr", "user", "thing", "since_period", "state", "resolved_period")
    list_filter = ("state", "since_period")
    raw_id_fields = ("flattr", "user", "thing")


@admin.register(Subscription)
class SubscriptionAdmin(MoneyActionsAdmin):
    list_display = ("id", "user", "thing", "months", "first_period", "last_period", "paused", "cancelled_at")
    list_filter = ("paused", "months")
    raw_id_fields = ("user", "thing")
    actions = ["cancel"]

    @admin.action(description=_("Cancel the selected subscriptions"), permissions=["move_money"])
    def cancel(self, request, queryset):
        self.apply_each(request, queryset.filter(cancelled_at__isnull=True),
                        lambda s: subscriptions.cancel(s.user_id, s.id),
                        lambda n: ngettext("%(n)d subscription cancelled.", "%(n)d subscriptions cancelled.", n) % {"n": n})
