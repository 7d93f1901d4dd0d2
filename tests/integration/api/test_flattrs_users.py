import pytest

from ruisseau.flattrs.models import Flattr
from ruisseau.things.models import Thing
from tests import factories

pytestmark = pytest.mark.django_db


def test_flattr_a_thing_and_its_errors(api, token):
    owner, giver = factories.user("owner"), factories.user("giver")
    thing = factories.thing(owner)
    client = api(token(giver))
    done = client.post(f"/things/{thing.id}/flattr")
    assert done.status_code == 200
    body = done.json()
    assert body["message"] == "ok" and body["description"] == "Thing was successfully flattred"
    assert body["thing"]["id"] == thing.id and body["thing"]["flattrs"] == 1
    assert set(body["thing"]) == {"type", "resource", "link", "id", "url", "title", "image", "flattrs"}
    assert body["location"] == f"http://testserver/rest/v2/things/{thing.id}"
    once = client.post(f"/things/{thing.id}/flattr")
    assert (once.status_code, once.json()["error"]) == (403, "flattr_once")
    own = api(token(owner)).post(f"/things/{thing.id}/flattr")
    assert (own.status_code, own.json()["error"]) == (403, "flattr_owner")
    broke = api(token(factories.user(funds_cents=0))).post(f"/things/{thing.id}/flattr")
    assert (broke.status_code, broke.json()["error"]) == (401, "no_means")
    missing = client.post("/things/999999/flattr")
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    no_scope = api(token(factories.user(), "thing")).post(f"/things/{thing.id}/flattr")
    assert (no_scope.status_code, no_scope.json()["error"]) == (403, "insufficient_scope")
    wrong_method = client.get(f"/things/{thing.id}/flattr")
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "method_not_allowed"
    assert wrong_method["Allow"] == "OPTIONS, POST"
    assert api().get(f"/things/{thing.id}").json()["flattrs_user_count"] == 1
    assert client.get(f"/things/{thing.id}").json()["flattred"] is True


def test_flattr_by_url_known_unknown_and_auto_submit(api, token):
    owner, giver = factories.user("owner"), factories.user()
    thing = factories.thing(owner, url="https://known.example/")
    client = api(token(giver))
    known = client.post("/flattr", {"url": "https://known.example/"})
    assert known.status_code == 200 and known.json()["thing"]["id"] == thing.id
    unknown = client.post("/flattr", {"url": "https://unknown.example/page"}, as_json=True)
    assert unknown.status_code == 200
    created = Thing.objects.get(url="https://unknown.example/page")
    assert not created.owners.exists()  # unclaimed: the flattr waits as a pledge
    auto = ("https://flattr.com/submit/auto?url=https%3A%2F%2Fpod.example%2Fep1&user_id=owner"
            "&title=Episode+1&category=audio&tags=pod,cast")
    via_auto = client.post("/flattr", {"url": auto})
    assert via_auto.status_code == 200
    episode = Thing.objects.get(url="https://pod.example/ep1")
    assert (episode.title, episode.category) == ("Episode 1", "audio")
    encoded = client.post("/flattr", {"url": "https%3A%2F%2Fencoded.example%2F"})
    assert encoded.status_code == 200 and Thing.objects.filter(url="https://encoded.example/").exists()
    bad = client.post("/flattr", {"url": "ftp://nope"})
    assert (bad.status_code, bad.json()["error"]) == (400, "validation")
    missing = client.post("/flattr", {})
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_parameters")


def test_an_auto_submit_asking_hidden_makes_an_unlisted_thing_everyone_can_flattr(api, token):
    """hidden=1 means unlisted (reference §6.1): the thing is created hidden and stays flattrable."""
    first, second = api(token(factories.user())), api(token(factories.user()))
    auto = "https://flattr.com/submit/auto?url=https%3A%2F%2Fgrief.example%2Fpost&hidden=1"
    assert first.post("/flattr", {"url": auto}).status_code == 200
    assert Thing.objects.get(url="https://grief.example/post").hidden is True
    assert second.post("/flattr", {"url": "https://grief.example/post"}).status_code == 200
    assert Flattr.objects.filter(thing__url="https://grief.example/post").count() == 2


def test_flattr_lists(api, token):
    owner, giver, shy = factories.user("owner"), factories.user("giver"), factories.user("shy")
    shy.hide_given = True
    shy.save()
    thing = factories.thing(owner)
    api(token(giver)).post(f"/things/{thing.id}/flattr")
    api(token(shy)).post(f"/things/{thing.id}/flattr")
    listed = api().get("/users/giver/flattrs").json()
    assert len(listed) == 1
    item = listed[0]
    assert set(item) == {"type", "created_at", "thing", "owner"} and item["type"] == "flattr"
    assert item["thing"]["owner"]["username"] == "owner" and item["owner"]["username"] == "giver"
    assert api().get("/users/shy/flattrs").json() == []
    assert len(api(token(shy)).get("/user/flattrs").json()) == 1
    on_thing = api().get(f"/things/{thing.id}/flattrs").json()
    assert [f["owner"]["username"] for f in on_thing] == ["giver"]
    full = api().get(f"/things/{thing.id}/flattrs", {"full": ""}).json()
    assert "firstname" in full[0]["owner"] and "tags" in full[0]["thing"]
    assert api().get("/things/999999/flattrs").status_code == 404
    assert api().get("/users/nobody/flattrs").status_code == 404
    assert api().get("/user/flattrs").status_code == 401


def test_users(api, token):
    alice = factories.user("Alice")
    alice.first_name, alice.about, alice.website = "Alice", "Writes", "https://alice.example/"
    alice.save()
    public = api().get("/users/alice")
    assert public.status_code == 200
    body = public.json()
    assert body["username"] == "Alice" and body["resource"] == "http://testserver/rest/v2/users/alice"
    assert body["firstname"] == "Alice" and body["url"] == "https://alice.example/"
    assert "email" not in body and "registered_at" not in body
    assert body["active_supporter"] == 1 and isinstance(body["id"], str)
    assert api().get("/users/nobody").status_code == 404
    me = api(token(alice, "email")).get("/user").json()
    assert me["email"] == "Alice@example.test" and "registered_at" not in me
    extended = api(token(alice, "extendedread")).get("/user").json()
    assert "email" in extended and isinstance(extended["registered_at"], int)
    plain = api(token(alice, "")).get("/user").json()
    assert "email" not in plain
    assert api().get("/user").status_code == 401
    other = api(token(factories.user(), "email extendedread")).get("/users/alice").json()
    assert "email" not in other


def test_categories_languages_and_formats(api):
    categories = api().get("/categories").json()
    assert categories[0] == {"id": "text", "text": "Text"} and categories[-1] == {"id": "rest", "text": "Other"}
    languages = api().get("/languages").json()
    assert languages[0] == {"id": "en_GB", "text": "English"} and len(languages) == 44
    text = api().client.get("/rest/v2/categories.txt")
    assert text["Content-Type"].startswith("text/plain") and text.content.decode().split() [0] == "text"
    assert api().client.get("/rest/v2/languages.json").json()[0]["id"] == "en_GB"
    xml = api().client.get("/rest/v2/categories.xml")
    assert xml.status_code == 406 and xml.json()["error"] == "not_acceptable"
    sticky = api().get("/categories", headers={"Accept": "application/stream+json"})
    assert sticky.status_code == 200 and sticky["Content-Type"].startswith("application/json")


def test_jsonp_cors_and_unknown_paths(api):
    jsonp = api().get("/categories", {"jsonp": "cb"})
    assert jsonp["Content-Type"].startswith("application/javascript")
    assert jsonp.content.decode().startswith("/**/cb([")
    assert api().get("/categories", {"callback": "my.cb"}).content.decode().startswith("/**/my.cb(")
    preflight = api().client.options("/rest/v2/things/1/flattr")
    assert preflight.status_code == 204
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert api().client.head("/rest/v2/categories").status_code == 200
    unknown = api().get("/nothing/here")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"


def test_flattr_source_is_api(api, token):
    thing = factories.thing(factories.user())
    giver = factories.user()
    api(token(giver)).post(f"/things/{thing.id}/flattr")
    assert Flattr.objects.get(user=giver).source == "api"
