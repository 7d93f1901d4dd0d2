"""The real flattrclient 0.2 from PyPI against a live Ruisseau server, unmodified: its hard-coded
hosts (api.flattr.com, flattr.com) are redirected by a transport adapter mounted on its session."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import flattrclient.api
import flattrclient.oauth
import pytest
import requests
from django.test import Client
from flattrclient.exc import FlattrApiError, InsufficientScopeError, NotFoundError
from oauth2_provider.models import Application
from requests.adapters import HTTPAdapter

from tests import factories

REDIRECT = "https://podcatcher.example/callback"
SECRET = "client-secret-for-tests"


class ToLiveServer(HTTPAdapter):
    """Sends requests for a hard-coded host to the live test server instead."""

    def __init__(self, prefix: str, target: str):
        super().__init__()
        self.prefix, self.target = prefix, target

    def send(self, request, **kwargs):
        routed = request.copy()
        routed.url = self.target + request.url[len(self.prefix):]
        return super().send(routed, **kwargs)


def redirect(session: requests.Session, live_url: str) -> None:
    for prefix in ("https://api.flattr.com", "https://flattr.com"):
        session.mount(prefix, ToLiveServer(prefix, live_url))


def sign_in(live_url: str, user) -> requests.Session:
    django_client = Client()
    django_client.force_login(user)
    browser = requests.Session()
    browser.cookies.set("sessionid", django_client.cookies["sessionid"].value)
    return browser


def obtain_token(live_url: str, app: Application, user, scope: str) -> str:
    auth = flattrclient.oauth.get()
    redirect(auth._session, live_url)
    url = auth.authorize(app.client_id, scope, REDIRECT)  # https://flattr.com/oauth/authorize?...
    browser = sign_in(live_url, user)
    page = browser.get(live_url + url[len("https://flattr.com"):])
    assert page.status_code == 200 and "authorizationForm" in page.text, page.text[:300]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    fields.pop("allow", None)
    approved = browser.post(page.url, data={**fields, "allow": "Authorize"}, allow_redirects=False,
                            headers={"Referer": page.url})
    assert approved.status_code == 302, approved.text
    code = parse_qs(urlsplit(approved.headers["Location"]).query)["code"][0]
    auth.set_auth(app.client_id, SECRET)
    answer = auth.token(code, REDIRECT)
    assert answer["token_type"] == "bearer"
    return answer["access_token"]


def client_for(live_url: str, token: str):
    api = flattrclient.api.get(token)
    redirect(api._session, live_url)
    return api


@pytest.mark.django_db(transaction=True)
def test_flattrclient_whole_flow(live_server, settings):
    settings.PUBLIC_URL = live_server.url
    settings.API_BASE_URL = f"{live_server.url}/rest/v2"
    creator, fan = factories.user("creator"), factories.user("fan")
    app = Application.objects.create(
        name="Podcatcher", user=factories.user("developer"), redirect_uris=REDIRECT, client_secret=SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    )
    creator_api = client_for(live_server.url, obtain_token(live_server.url, app, creator, "flattr,thing,email,extendedread"))
    fan_api = client_for(live_server.url, obtain_token(live_server.url, app, fan, "flattr"))

    # create, look up, get, search, update
    thing = creator_api.things.new(url="https://creator.example/episode-1", title="Episode one",
                                   description="The first episode", tags=["podcast", "music"], category="audio")
    created = thing.commit()
    assert created["message"] == "ok" and thing.id == created["id"]
    looked_up = creator_api.things.lookup("https://creator.example/episode-1")
    assert looked_up.id == thing.id and looked_up.title == "Episode one"
    fetched = creator_api.things.get(str(thing.id))
    assert fetched.tags == ["music", "podcast"] and fetched.category == "audio" and fetched.hidden is False
    result = fan_api.things.search(query="episode")
    assert result.total_items == 1 and [t.id for t in result.things] == [thing.id]
    fetched.title = "Episode one (remastered)"
    assert fetched.commit()["message"] == "ok"
    assert creator_api.things.get(str(thing.id)).title == "Episode one (remastered)"
    with pytest.raises(NotFoundError):
        creator_api.things.lookup("https://creator.example/never")

    # flattr from the other account, scopes enforced
    target = fan_api.things.get(str(thing.id))
    assert target.support()["message"] == "ok"
    with pytest.raises(FlattrApiError):  # flattr_once
        target.support()
    intruder = fan_api.things.get(str(thing.id))
    intruder.title = "Stolen"
    with pytest.raises(InsufficientScopeError):
        intruder.commit()

    # subscribe, pause, list, unsubscribe
    assert target.subscribe()["message"] == "ok"
    assert target.pause_subscription()["message"] == "paused"
    subs = list(fan_api.authenticated.get_subscriptions())
    assert len(subs) == 1 and subs[0].active is False and subs[0].thing.id == thing.id
    fresh = fan_api.things.get(str(thing.id))
    assert fresh.subscribed is True
    assert fresh.unsubscribe() == ""
    assert list(fan_api.authenticated.get_subscriptions()) == []

    # lists of flattrs and things, users, activities
    mine = list(fan_api.authenticated.get_flattrs())
    assert len(mine) == 1 and mine[0].thing["id"] == thing.id
    assert [f.owner["username"] for f in fetched.get_flattrs()] == ["fan"]
    fan_user = fan_api.users.get("fan")
    assert fan_user.username == "fan" and len(list(fan_user.get_flattrs())) == 1
    assert [t.id for t in creator_api.authenticated.get_things()] == [thing.id]
    assert [t.id for t in creator_api.users.get("creator").get_things()] == [thing.id]
    activities = fan_api.authenticated.get_activities()
    assert activities["items"][0]["verb"] == "like"
    incoming = creator_api.authenticated.get_activities(type="incoming")
    assert incoming["items"][0]["actor"]["displayName"] == "fan"

    # the client's Accept header is now application/stream+json for good; JSON answers still come
    categories = creator_api._session.get("https://api.flattr.com/rest/v2/categories").json()
    assert categories[0]["id"] == "text"

    # delete: refused while the fan's flattr of this period is not settled (it counts and will be
    # charged); once taken back, the thing (with its subscription history) is retired and disappears
    with pytest.raises(FlattrApiError, match="not settled yet"):
        fetched.delete()
    from ruisseau.flattrs.models import Flattr
    from ruisseau.flattrs.services import take_back

    flattr = Flattr.objects.get(thing_id=created["id"])
    take_back(flattr.user_id, flattr.id)
    assert fetched.delete() == ""
    with pytest.raises(NotFoundError):
        creator_api.things.get(str(created["id"]))
