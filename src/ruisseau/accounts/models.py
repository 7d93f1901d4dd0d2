"""Users. Every user can both give and receive; the budget lives on the user."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


def default_budget_cents() -> int:
    return settings.MIN_BUDGET_CENTS


class User(AbstractUser):
    display_name = models.CharField(max_length=100, blank=True)
    about = models.TextField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    budget_cents = models.PositiveIntegerField(default=default_budget_cents)
    hide_given = models.BooleanField(default=False, help_text="Hide what I flattr from others")
    hide_received = models.BooleanField(default=False, help_text="Hide who flattrs me")
    language = models.CharField(max_length=8, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set when a picture is uploaded (Avatar below); empty means the generated picture is shown.
    avatar_updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(budget_cents__gt=0), name="user_budget_positive"),
        ]

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def __str__(self) -> str:
        return self.username


class Avatar(models.Model):
    """An uploaded profile picture, re-encoded by the website as a square PNG of at most 256 px.
    Kept in the database (a separate table, so loading a user never loads the picture), so that
    no media folder has to be served or backed up."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="avatar")
    png = models.BinaryField()
    updated_at = models.DateTimeField()
