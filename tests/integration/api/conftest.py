"""Fixtures for the API tests: users with funds, bearer tokens with chosen scopes, a JSON client."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken


def make_token(user, scope: str = "flattr thing email extendedread") -> str:
    raw = secrets.token_hex(20)
    AccessToken.objects.create(user=user, token=raw, scope=scope, expires=timezone.now() + timedelta(days=1))
    return raw


class Api:
    """Django's test client speaking to /rest/v2 with an optional bearer token."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def _headers(self, headers):
        merged = dict(headers or {})
        if self.token:
            merged.setdefault("Authorization", f"Bearer {self.token}")
        return merged

    def get(self, path, params=None, headers=None):
        return self.client.get(f"/rest/v2{path}", params or {}, headers=self._headers(headers))

    def post(self, path, data=None, *, as_json=False, headers=None):
        if as_json:
            return self.client.post(f"/rest/v2{path}", json.dumps(data), content_type="application/json",
                                    headers=self._headers(headers))
        return self.client.post(f"/rest/v2{path}", data or {}, headers=self._headers(headers))

    def send(self, method, path, data=None, headers=None):
        body = json.dumps(data) if data is not None else ""
        return self.client.generic(method, f"/rest/v2{path}", body, content_type="application/json",
                                   headers=self._headers(headers))


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    settings.API_BASE_URL = "http://testserver/rest/v2"
    settings.PUBLIC_URL = "http://testserver"
    caches["default"].clear()


@pytest.fixture
def api():
    return Api


@pytest.fixture
def token():
    return make_token
