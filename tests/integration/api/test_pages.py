import re

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Application

from ruisseau.api.models import PersonalAccessToken
from tests import factories
from tests.integration.api.conftest import make_token

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_need_sign_in():
    for path in ("/apps", "/apps/new", "/apps/tokens", "/apps/authorized"):
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


def test_register_an_application_and_see_the_secret_once():
    developer = factories.user()
    client = signed_in(developer)
    assert client.get("/apps/new").status_code == 200
    bad = client.post("/apps/new", {"name": "Bad", "redirect_uris": "javascript:alert(1)"})
    assert bad.status_code == 400 and not Application.objects.exists()
    done = client.post("/apps/new", {"name": "Podcatcher", "redirect_uris": "https://pod.example/cb\nhttps://pod.example/cb2"})
    assert done.status_code == 200
    app = Application.objects.get(user=developer)
    assert app.redirect_uris == "https://pod.example/cb https://pod.example/cb2"
    secret = re.search(rb'<code class="secret">([^<]+)</code>', done.content).group(1).decode()
    assert app.client_secret != secret  # stored hashed
    listing = client.get("/apps")
    assert b"Podcatcher" in listing.content and app.client_id.encode() in listing.content
    detail = client.get(f"/apps/{app.id}")
    assert detail.status_code == 200 and secret.encode() not in detail.content
    assert signed_in(factories.user()).get(f"/apps/{app.id}").status_code == 404
    assert signed_in(factories.user()).post(f"/apps/{app.id}/delete").status_code == 404
    assert client.post(f"/apps/{app.id}/delete").status_code == 302
    assert not Application.objects.exists()


def test_public_application_has_no_secret_shown():
    client = signed_in(factories.user())
    done = client.post("/apps/new", {"name": "Phone", "redirect_uris": "https://phone.example/cb", "public": "on"})
    assert b'class="secret"' not in done.content
    assert Application.objects.get().client_type == Application.CLIENT_PUBLIC


def test_personal_access_tokens():
    user = factories.user()
    client = signed_in(user)
    created = client.post("/apps/tokens", {"name": "backup script", "scopes": ["thing", "email"]})
    assert created.status_code == 200
    raw = re.search(rb'<code class="secret">([0-9a-f]{40})</code>', created.content).group(1).decode()
    api = Client()
    me = api.get("/rest/v2/user", headers={"Authorization": f"Bearer {raw}"}).json()
    assert me["username"] == user.username and me["email"] == user.email
    flattr = api.post("/rest/v2/flattr", {"url": "https://x.example/"}, headers={"Authorization": f"Bearer {raw}"})
    assert flattr.json()["error"] == "insufficient_scope"
    listing = client.get("/apps/tokens")
    assert b"backup script" in listing.content and raw.encode() not in listing.content
    assert client.post("/apps/tokens", {"name": ""}).status_code == 400
    personal = PersonalAccessToken.objects.get()
    assert signed_in(factories.user()).post(f"/apps/tokens/{personal.id}/revoke").status_code == 404
    assert client.post(f"/apps/tokens/{personal.id}/revoke").status_code == 302
    assert api.get("/rest/v2/user", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_revoke_an_authorised_application():
    user, developer = factories.user(), factories.user()
    app = Application.objects.create(name="Reader", user=developer, redirect_uris="https://r.example/cb",
                                     client_type=Application.CLIENT_CONFIDENTIAL,
                                     authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE)
    raw = make_token(user, "flattr")
    AccessToken.objects.filter(user=user).update(application=app)
    client = signed_in(user)
    page = client.get("/apps/authorized")
    assert b"Reader" in page.content and b"flattr" in page.content
    assert client.post(f"/apps/authorized/{app.id}/revoke").status_code == 302
    assert not AccessToken.objects.filter(user=user).exists()
    assert Client().get("/rest/v2/user", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_docs_page_and_openapi():
    page = Client().get("/developers/api")
    assert page.status_code == 200 and b"/things/{thing_id}/flattr" in page.content
    spec = Client().get("/rest/v2/openapi.json").json()
    assert spec["openapi"].startswith("3.1") and "/things/search" in spec["paths"]
    french = Client().get("/developers/api", headers={"Accept-Language": "fr"})
    assert "Documentation de l’API" in french.content.decode()


def test_consent_page_in_french():
    from oauth2_provider.models import Application

    app = Application.objects.create(name="Lecteur", user=factories.user(), redirect_uris="https://l.example/cb",
                                     client_type=Application.CLIENT_CONFIDENTIAL,
                                     authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE)
    client = signed_in(factories.user())
    page = client.get("/oauth/authorize", {"client_id": app.client_id, "response_type": "code", "scope": "flattr"},
                      headers={"Accept-Language": "fr"})
    text = page.content.decode()
    assert "Autoriser Lecteur à utiliser votre compte Ruisseau" in text and "Flattrer des contenus" in text
