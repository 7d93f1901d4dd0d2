from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models

from ruisseau.accounts.models import User
from ruisseau.accounts.services import username_problem, validate_budget
from ruisseau.errors import InvalidInput


def _checked_username(username):
    problem = username_problem(username) if username else None
    if problem:
        raise forms.ValidationError(problem)
    return username


class OperatorUserCreationForm(AdminUserCreationForm):
    """A username the API can read (not ending in a format suffix such as .json)."""

    def clean_username(self):
        return _checked_username(super().clean_username())


class OperatorUserForm(UserChangeForm):
    """The budget obeys the same bounds as the person's own settings page; the username is one
    the API can read (not ending in a format suffix such as .json)."""

    def clean_username(self):
        username = self.cleaned_data.get("username")
        return _checked_username(username) if "username" in self.changed_data else username

    def clean_budget_cents(self):
        budget = self.cleaned_data["budget_cents"]
        try:
            return validate_budget(budget)
        except InvalidInput as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(User)
class RuisseauUserAdmin(UserAdmin):
    form = OperatorUserForm
    add_form = OperatorUserCreationForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the profile form
    list_display = ("username", "email", "display_name", "budget_cents", "is_active", "is_staff")
    fieldsets = UserAdmin.fieldsets + (
        ("Ruisseau", {"fields": ("display_name", "about", "website", "budget_cents",
                                 "hide_given", "hide_received", "language", "closed_at")}),
    )
    # Closing moves money and takes back flattrs: only the closing service does it (the person's
    # settings page). The row itself is never deleted: the ledger and statements point at it.
    readonly_fields = ("closed_at",)

    def has_delete_permission(self, request, obj=None):
        return False
