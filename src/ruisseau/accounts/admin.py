from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ruisseau.accounts.models import User


@admin.register(User)
class RuisseauUserAdmin(UserAdmin):
    list_display = ("username", "email", "display_name", "budget_cents", "is_active", "is_staff")
    fieldsets = UserAdmin.fieldsets + (
        ("Ruisseau", {"fields": ("display_name", "about", "website", "budget_cents",
                                 "hide_given", "hide_received", "language", "closed_at")}),
    )
