"""The ledger in the back-office: visible, never editable."""

from django.contrib import admin, messages

from ruisseau.errors import RuisseauError
from ruisseau.ledger.models import Account, Journal, Transfer


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MoneyActionsAdmin(ReadOnlyAdmin):
    """Rows are never edited by hand, but the actions change who pays or is paid what (through
    the services): they need the model's *change* permission (a superuser has it), not just the
    right to look."""

    def has_move_money_permission(self, request) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.change_{self.opts.model_name}")

    def apply_each(self, request, rows, action, done_message) -> None:
        """Run a service on each selected row, in id order; say how many it changed, and for
        each row it refused, why (the service's own message)."""
        done = 0
        for row in rows.order_by("pk"):
            try:
                action(row)
            except RuisseauError as error:
                self.message_user(request, f"#{row.pk}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "user", "currency", "balance_cents", "closed_at")
    list_filter = ("kind", "currency")
    search_fields = ("user__username",)


@admin.register(Journal)
class JournalAdmin(ReadOnlyAdmin):
    list_display = ("id", "idempotency_key", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("idempotency_key",)


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("id", "journal_id", "debit_account", "credit_account", "amount_cents", "reason", "created_at")
    list_filter = ("reason",)
