"""Personal access tokens and authorised applications: creating, listing, revoking."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model, get_grant_model, get_refresh_token_model
from oauth2_provider.settings import oauth2_settings

from ruisseau.api.models import PersonalAccessToken
from ruisseau.api.scopes import SCOPES
from ruisseau.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class NewToken:
    raw: str  # shown once, never stored in clear
    personal: PersonalAccessToken


@transaction.atomic
def create_personal_token(user_id: int, name: str, scopes: list[str]) -> NewToken:
    """A 40-hex-character bearer token for the user's scripts, valid until revoked."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput("Give the token a name of 1 to 100 characters")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise InvalidInput(f"Unknown scope: {', '.join(unknown)}", code="invalid_scope")
    raw = secrets.token_hex(20)
    expires = timezone.now() + timedelta(seconds=oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS)
    token = get_access_token_model().objects.create(
        user_id=user_id, token=raw, scope=" ".join(s for s in SCOPES if s in scopes), expires=expires
    )
    return NewToken(raw=raw, personal=PersonalAccessToken.objects.create(access_token=token, name=name))


def personal_tokens(user_id: int) -> list[PersonalAccessToken]:
    return list(
        PersonalAccessToken.objects.filter(access_token__user_id=user_id)
        .select_related("access_token")
        .order_by("-access_token__created")
    )


def revoke_personal_token(user_id: int, personal_id: int) -> None:
    personal = PersonalAccessToken.objects.filter(id=personal_id, access_token__user_id=user_id).first()
    if personal is None:
        raise NotFound("You have no such token")
    personal.access_token.delete()


@dataclass(frozen=True)
class Authorised:
    application: object
    scopes: list[str]
    since: datetime
    tokens: int


def authorised_applications(user_id: int) -> list[Authorised]:
    """Applications holding a token for the user, with the scopes they were given."""
    AccessToken = get_access_token_model()
    rows = (
        AccessToken.objects.filter(user_id=user_id, application__isnull=False)
        .values("application_id")
        .annotate(n=Count("id"), since=Max("created"))
    )
    apps = get_application_model().objects.in_bulk([r["application_id"] for r in rows])
    result = []
    for row in rows:
        scopes = set()
        for scope in AccessToken.objects.filter(user_id=user_id, application_id=row["application_id"]).values_list(
            "scope", flat=True
        ):
            scopes.update(scope.split())
        result.append(Authorised(apps[row["application_id"]], sorted(scopes), row["since"], row["n"]))
    return sorted(result, key=lambda a: a.application.name.lower())


@transaction.atomic
def revoke_application(user_id: int, application_id: int) -> int:
    """Withdraw every token, refresh token and pending code of one application for the user."""
    get_grant_model().objects.filter(user_id=user_id, application_id=application_id).delete()
    get_refresh_token_model().objects.filter(user_id=user_id, application_id=application_id).delete()
    deleted, _ = get_access_token_model().objects.filter(user_id=user_id, application_id=application_id).delete()
    return deleted


def new_client_secret() -> str:
    from oauth2_provider.generators import generate_client_secret

    return generate_client_secret()
