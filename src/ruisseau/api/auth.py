"""Bearer tokens: OAuth2 access tokens of django-oauth-toolkit, personal access tokens included
(those are access tokens without an application)."""

from __future__ import annotations

import hashlib
from functools import cached_property

from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from ruisseau.api.errors import ApiError


class Caller:
    """Who is calling: a user with the scopes of their token, or nobody. The user row is read
    only when a view needs more than its id (the flattr path does not)."""

    def __init__(self, user_id: int | None = None, scopes: frozenset[str] = frozenset(),
                 token_id: int | None = None, client_id: str | None = None):
        self.user_id, self.scopes, self.token_id, self.client_id = user_id, scopes, token_id, client_id

    @cached_property
    def user(self):
        if self.user_id is None:
            return None
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(id=self.user_id)

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
    # One lean query (a few columns, no model instances): this runs on every API call.
    row = (
        get_access_token_model()
        .objects.filter(token_checksum=checksum, user__is_active=True, user__closed_at__isnull=True)
        .values_list("id", "scope", "expires", "user_id", "application__client_id")
        .first()
    )
    if row is None or row[2] is None or row[2] <= timezone.now():
        raise ApiError("unauthorized", "The access token is invalid, expired or revoked")
    token_id, scope, _expires, user_id, client_id = row
    return Caller(user_id=user_id, scopes=frozenset(scope.split()), token_id=token_id, client_id=client_id)
