"""`hidden` means unlisted (reference §6.1, §7.1): left out of search and listings, nothing more.
A hidden thing is flattred, counted, shown by id and by its buttons like any other."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from ruisseau.flattrs.models import Flattr
from ruisseau.things.models import Thing
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_hidden_thing_is_unlisted_but_flattrable_everywhere(api, token):
    owner, giver = factories.user("hider"), factories.user("giver")
    created = api(token(owner)).post("/things", {"url": "https://quiet.example/post", "title": "Quiet post",
                                                 "hidden": "true"})
    assert created.status_code == 201
    thing_id = created.json()["id"]
    assert Thing.objects.get(id=thing_id).hidden is True

    # visible by id, flattrable through the API, counted by its badge and button
    assert api().get(f"/things/{thing_id}").json()["hidden"] is True
    flattred = api(token(giver)).post(f"/things/{thing_id}/flattr")
    assert flattred.status_code == 200 and flattred.json()["thing"]["flattrs"] == 1
    web = Client()
    assert web.get(f"/badge/{thing_id}.svg").status_code == 200
    button = web.get("/button/view/?" + urlencode({"url": "https://quiet.example/post"})).content.decode()
    assert f'/thing/{thing_id}/' in button and "/submit/auto" not in button
    submit = web.get("/submit/auto?" + urlencode({"url": "https://quiet.example/post"}))
    assert submit.status_code == 302 and submit["Location"] == f"/thing/{thing_id}/"
    assert web.get(f"/thing/{thing_id}/").status_code == 200
    lookup = api().get("/things/lookup", {"url": "https://quiet.example/post"})
    assert lookup.status_code == 302
    by_url = api(token(factories.user())).post("/flattr", {"url": "https://quiet.example/post"})
    assert by_url.status_code == 200 and Flattr.objects.filter(thing_id=thing_id).count() == 2

    # left out of every listing and search, except for its owner with extendedread
    assert "Quiet post" not in web.get("/explore/").content.decode()
    assert "Quiet post" not in web.get("/explore/?q=quiet").content.decode()
    assert "Quiet post" not in web.get("/").content.decode()
    assert "Quiet post" not in web.get("/u/hider/").content.decode()
    assert api().get("/things/search", {"query": "quiet"}).json()["total_items"] == 0
    assert api().get("/users/hider/things").json() == []
    assert api(token(owner, "flattr")).get("/users/hider/things").json() == []
    assert [t["id"] for t in api(token(owner)).get("/users/hider/things").json()] == [thing_id]
    assert api(token(owner)).get("/things/search", {"query": "quiet"}).json()["total_items"] == 1
    assert [t["id"] for t in api(token(owner, "flattr")).get("/user/things").json()] == [thing_id]


def test_a_disabled_thing_still_cannot_be_flattred(api, token):
    thing = factories.thing(factories.user())
    Thing.objects.filter(id=thing.id).update(disabled=True)
    refused = api(token(factories.user())).post(f"/things/{thing.id}/flattr")
    assert refused.status_code == 404 and refused.json()["error"] == "not_found"
    assert Client().get(f"/badge/{thing.id}.svg").status_code == 404
    assert not Flattr.objects.exists()


def test_flattrs_of_a_hidden_thing_are_listed_only_to_the_people_in_them(api, token):
    owner, giver = factories.user("hider2"), factories.user("giver2")
    quiet = factories.thing(owner, title="Quiet one")
    Thing.objects.filter(id=quiet.id).update(hidden=True)
    assert api(token(giver)).post(f"/things/{quiet.id}/flattr").status_code == 200
    assert api().get(f"/users/{giver.username}/flattrs").json() == []
    assert [f["thing"]["id"] for f in api(token(giver)).get("/user/flattrs").json()] == [quiet.id]
    assert [f["thing"]["id"] for f in api(token(giver)).get(f"/users/{giver.username}/flattrs").json()] == [quiet.id]
    assert api().get(f"/users/{owner.username}/activities", {"type": "incoming"}).json()["items"] == []
    assert api().get(f"/users/{giver.username}/activities").json()["items"] == []
