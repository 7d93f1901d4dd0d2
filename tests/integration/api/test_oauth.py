import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Application

from tests import factories

pytestmark = pytest.mark.django_db

REDIRECT = "https://client.example/callback"


def make_app(owner, *, public=False, secret="s3cret-for-tests"):
    return Application.objects.create(
        name="Podcatcher", user=owner, redirect_uris=REDIRECT,
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, client_secret=secret,
    )


def approve(client, app, scope="flattr,thing", extra=None, *, allow=True):
    params = {"client_id": app.client_id, "response_type": "code", "redirect_uri": REDIRECT, "scope": scope,
              "state": "xyz", **(extra or {})}
    page = client.get("/oauth/authorize", params, follow=True)
    assert page.status_code == 200, page.content
    form = page.context["form"].initial
    data = {k: v for k, v in form.items() if v is not None}
    if allow:
        data["allow"] = "Authorize"
    done = client.post("/oauth/authorize", data)
    assert done.status_code == 302
    return parse_qs(urlsplit(done["Location"]).query)


def basic(app, secret="s3cret-for-tests"):
    return "Basic " + base64.b64encode(f"{app.client_id}:{secret}".encode()).decode()


def test_code_flow_with_comma_scopes_and_basic_auth():
    user = factories.user()
    app = make_app(factories.user())
    browser = Client()
    browser.force_login(user)
    page = browser.get("/oauth/authorize", {"client_id": app.client_id, "response_type": "code",
                                            "redirect_uri": REDIRECT, "scope": "flattr,thing"}, follow=True)
    assert b"Podcatcher" in page.content and b"Flattr things" in page.content
    query = approve(browser, app)
    assert query["state"] == ["xyz"]
    token = Client().post("/oauth/token", {"code": query["code"][0], "grant_type": "authorization_code",
                                           "redirect_uri": REDIRECT}, headers={"Authorization": basic(app)})
    assert token.status_code == 200, token.content
    assert token["Content-Type"] == "application/json; charset=utf-8" and token["Cache-Control"] == "no-store"
    body = token.json()
    assert body["token_type"] == "bearer" and set(body) == {"access_token", "token_type", "scope"}
    assert set(body["scope"].split()) == {"flattr", "thing"}
    me = Client().get("/rest/v2/user", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["username"] == user.username


def test_token_with_body_credentials_and_json_body():
    user = factories.user()
    app = make_app(factories.user())
    browser = Client()
    browser.force_login(user)
    code = approve(browser, app, "flattr thing")["code"][0]
    form = Client().post("/oauth/token", {"code": code, "grant_type": "authorization_code", "redirect_uri": REDIRECT,
                                          "client_id": app.client_id, "client_secret": "s3cret-for-tests"})
    assert form.status_code == 200, form.content
    code = approve(browser, app, "flattr+email")["code"][0]
    as_json = Client().post("/oauth/token", json.dumps({"code": code, "grant_type": "authorization_code",
                                                        "redirect_uri": REDIRECT}),
                            content_type="application/json", headers={"Authorization": basic(app)})
    assert as_json.status_code == 200, as_json.content
    assert set(as_json.json()["scope"].split()) == {"flattr", "email"}


def test_refusal_unknown_scope_and_bad_code():
    user = factories.user()
    app = make_app(factories.user())
    browser = Client()
    browser.force_login(user)
    refused = approve(browser, app, allow=False)
    assert refused["error"] == ["access_denied"]
    unknown = browser.get("/oauth/authorize", {"client_id": app.client_id, "response_type": "code",
                                               "redirect_uri": REDIRECT, "scope": "flattr,money"})
    assert unknown.status_code == 302
    follow = browser.get(unknown["Location"])
    assert "invalid_scope" in follow["Location"]
    bad = Client().post("/oauth/token", {"code": "nope", "grant_type": "authorization_code", "redirect_uri": REDIRECT},
                        headers={"Authorization": basic(app)})
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_grant" and "error_description" in bad.json()
    wrong_secret = Client().post("/oauth/token", {"code": "nope", "grant_type": "authorization_code"},
                                 headers={"Authorization": basic(app, "wrong")})
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error"] == "invalid_client"


def test_consent_needs_sign_in():
    app = make_app(factories.user())
    response = Client().get("/oauth/authorize", {"client_id": app.client_id, "response_type": "code"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_public_clients_must_use_pkce():
    user = factories.user()
    app = make_app(factories.user(), public=True)
    browser = Client()
    browser.force_login(user)
    without = browser.get("/oauth/authorize", {"client_id": app.client_id, "response_type": "code",
                                               "redirect_uri": REDIRECT, "scope": "flattr"})
    assert without.status_code == 302 and "error=invalid_request" in without["Location"]
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    code = approve(browser, app, "flattr", {"code_challenge": challenge, "code_challenge_method": "S256"})["code"][0]
    token = Client().post("/oauth/token", {"code": code, "grant_type": "authorization_code", "redirect_uri": REDIRECT,
                                           "client_id": app.client_id, "code_verifier": verifier})
    assert token.status_code == 200, token.content
    assert AccessToken.objects.filter(user=user, application=app).count() == 1


def test_redirect_uri_may_be_left_out_in_both_steps():
    user = factories.user()
    app = make_app(factories.user())
    browser = Client()
    browser.force_login(user)
    page = browser.get("/oauth/authorize/", {"client_id": app.client_id, "response_type": "code", "scope": "flattr"})
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    done = browser.post("/oauth/authorize", {**data, "allow": "Authorize"})
    assert done["Location"].startswith(REDIRECT)
    code = parse_qs(urlsplit(done["Location"]).query)["code"][0]
    token = Client().post("/oauth/token/", {"code": code, "grant_type": "authorization_code"},
                          headers={"Authorization": basic(app)})
    assert token.status_code == 200, token.content
