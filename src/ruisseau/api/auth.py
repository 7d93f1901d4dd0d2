"""Bearer tokens: OAuth2 access tokens of django-oauth-toolkit, personal access tokens included
(those are access tokens without an application)."""

from __future__ import annotations

import functools
import hashlib
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from ruisseau.api.errors import ApiError
from ruisseau.db import fetchone_checking_connection


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
    row = _token_row(checksum)
    if row is None:
        raise ApiError("unauthorized", "The access token is invalid, expired or revoked")
    token_id, scope, user_id, client_id = row
    return Caller(user_id=user_id, scopes=frozenset(scope.split()), token_id=token_id, client_id=client_id)


@functools.cache
def _token_sql() -> str:
    """One lean statement (runs on every API call): building it through the ORM cost more Python
    time than the database spends answering it, so it is written once from the models' tables,
    and prepared (planning its join cost PostgreSQL more than running it)."""
    token, app, user = get_access_token_model()._meta, get_application_model()._meta, get_user_model()._meta
    return f"""
        SELECT t.id, t.scope, t.{token.get_field("user").column}, a.client_id
        FROM {token.db_table} t
        JOIN {user.db_table} u ON u.id = t.{token.get_field("user").column}
        LEFT JOIN {app.db_table} a ON a.id = t.{token.get_field("application").column}
        WHERE t.token_checksum = %s AND t.expires > %s AND u.is_active = %s AND u.closed_at IS NULL"""


def _token_row(checksum: str) -> tuple | None:
    """(token id, scope, user id, client id) of a live token whose user is active, else None."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Usually the request's first statement, and it only reads: it doubles as the connection's
    # health check, which saves a SELECT 1 round trip on every authenticated call.
    return fetchone_checking_connection(_token_sql(), [checksum, now, True])
