"""Bearer tokens: OAuth2 access tokens of django-oauth-toolkit, personal access tokens included
(those are access tokens without an application)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from oauth2_provider.models import get_access_token_model

from ruisseau.api.errors import ApiError


@dataclass(frozen=True)
class Caller:
    user: object | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    token_id: int | None = None
    client_id: str | None = None

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "id", None)

    def has(self, scope: str) -> bool:
        return scope in self.scopes


ANONYMOUS = Caller()


def bearer_token(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def authenticate(request) -> Caller:
    """The caller behind the request's bearer token, or ANONYMOUS without one. A token that is
    unknown, expired, revoked or whose user is closed raises ``unauthorized``."""
    raw = bearer_token(request)
    if raw is None:
        if request.META.get("HTTP_AUTHORIZATION"):
            raise ApiError("unauthorized", "Only Bearer tokens are accepted here")
        return ANONYMOUS
    checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    token = (
        get_access_token_model()
        .objects.select_related("user", "application")
        .filter(token_checksum=checksum)
        .first()
    )
    user = getattr(token, "user", None)
    if token is None or token.is_expired() or user is None or not user.is_active or user.closed_at:
        raise ApiError("unauthorized", "The access token is invalid, expired or revoked")
    client_id = token.application.client_id if token.application_id else None
    return Caller(user=user, scopes=frozenset(token.scope.split()), token_id=token.id, client_id=client_id)
