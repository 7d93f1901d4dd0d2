"""What the API keeps of its own: answers to money-moving calls, by Idempotency-Key."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """The first answer to a call made with an Idempotency-Key; a retry with the same key and the
    same request gets it again instead of acting twice. ``status`` is null while the first call runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key} → {self.status}"


class PersonalAccessToken(models.Model):
    """A name on an access token a user made for their own scripts (an access token with no
    application). Revoking deletes the access token, and this row with it."""

    access_token = models.OneToOneField(
        "oauth2_provider.AccessToken", on_delete=models.CASCADE, related_name="personal"
    )
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name
