import pytest

from ruisseau.things.models import Thing
from tests import factories

pytestmark = pytest.mark.django_db


def test_get_thing_public_shape(api):
    owner = factories.user("Melpomene")
    thing = factories.thing(owner, title="A song")
    response = api().get(f"/things/{thing.id}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body == {
        "type": "thing",
        "resource": f"http://testserver/rest/v2/things/{thing.id}",
        "link": f"http://testserver/thing/{thing.id}",
        "id": thing.id,
        "url": thing.url,
        "flattrs": 0,
        "flattrs_user_count": 0,
        "title": "A song",
        "description": "",
        "tags": [],
        "language": "en_GB",
        "category": "text",
        "created_at": int(thing.created_at.timestamp()),
        "owner": {"type": "user", "resource": "http://testserver/rest/v2/users/melpomene",
                  "link": "http://testserver/profile/Melpomene", "username": "Melpomene"},
        "hidden": False,
        "image": "",
    }
    assert response["Access-Control-Allow-Origin"] == "*"
    assert int(response["X-RateLimit-Remaining"]) == int(response["X-RateLimit-Limit"]) - 1


def test_caller_and_owner_fields(api, token):
    owner, other = factories.user(), factories.user()
    thing = factories.thing(owner)
    as_other = api(token(other)).get(f"/things/{thing.id}").json()
    assert as_other["flattred"] is False and as_other["subscribed"] is False
    assert "last_flattr_at" not in as_other
    as_owner = api(token(owner)).get(f"/things/{thing.id}").json()
    assert as_owner["last_flattr_at"] == 0 and as_owner["updated_at"] == 0


def test_full_flag_spellings(api):
    owner = factories.user()
    thing = factories.thing(owner)
    for query, full in [("?full", True), ("?full=1", True), ("?full=full", True), ("?full=False", False),
                        ("?full=0", False), ("", False)]:
        body = api().client.get(f"/rest/v2/things/{thing.id}{query}").json()
        assert ("firstname" in body["owner"]) is full, query


def test_several_things_and_not_found(api):
    owner = factories.user()
    a, b = factories.thing(owner), factories.thing(owner)
    listed = api().get(f"/things/{b.id},{a.id}").json()
    assert [t["id"] for t in listed] == [b.id, a.id]
    assert api().client.get(f"/rest/v2/things/{a.id}%2C{b.id}").status_code == 200
    missing = api().get(f"/things/{a.id},999999")
    assert missing.status_code == 404
    assert missing.json() == {"error": "not_found", "error_description": "The requested thing(s) could not be found",
                              "error_uri": "https://developers.flattr.net/api"}


def test_lookup_found_redirects_and_not_found_body(api):
    owner = factories.user()
    thing = factories.thing(owner, url="https://blog.example/post")
    found = api().get("/things/lookup", {"url": "https://BLOG.example/post"})
    assert found.status_code == 302
    assert found["Location"] == f"http://testserver/rest/v2/things/{thing.id}"
    assert found.json() == {"message": "found", "location": found["Location"]}
    trailing = api().client.get("/rest/v2/things/lookup/", {"url": "https://blog.example/post"})
    assert trailing.status_code == 302
    missing = api().get("/things/lookup", {"url": "https://nowhere.example/"})
    assert missing.status_code == 404
    assert missing.json()["message"] == "not_found" and missing.json()["error"] == "not_found"
    legacy = api().client.get("/rest/v2/things/lookup/q/https%3A%2F%2Fblog.example%2Fpost")
    assert legacy.status_code == 302


def test_lookup_auto_submit_url_and_owner_mismatch(api):
    owner = factories.user("alice")
    thing = factories.thing(owner, url="https://alice.example/a")
    auto = "https://flattr.com/submit/auto?url=https%3A%2F%2Falice.example%2Fa&user_id=alice"
    assert api().get("/things/lookup", {"url": auto})["Location"].endswith(f"/things/{thing.id}")
    wrong_owner = api().get("/things/lookup", {"url": auto.replace("user_id=alice", "user_id=mallory")})
    assert wrong_owner.status_code == 400 and wrong_owner.json()["error"] == "validation"


def test_create_form_body_and_json_body(api, token):
    owner = factories.user()
    client = api(token(owner))
    created = client.post("/things/", {"url": "https://new.example/x", "title": "New", "tags": "a,b",
                                       "hidden": "False", "category": "software"})
    assert created.status_code == 201
    body = created.json()
    assert body["message"] == "ok" and body["description"] == "Thing was created successfully"
    assert body["link"] == f"http://testserver/rest/v2/things/{body['id']}"
    thing = Thing.objects.get(id=body["id"])
    assert thing.hidden is False and thing.category == "software"
    assert sorted(t.name for t in thing.tags.all()) == ["a", "b"]
    as_json = client.post("/things", {"url": "https://new.example/y", "hidden": True}, as_json=True)
    assert as_json.status_code == 201
    assert Thing.objects.get(id=as_json.json()["id"]).hidden is True


def test_create_errors(api, token):
    owner = factories.user()
    client = api(token(owner))
    bad = client.post("/things", {"url": "not a url"})
    assert bad.status_code == 400 and bad.json()["error"] == "validation"
    client.post("/things", {"url": "https://dup.example/"})
    dup = client.post("/things", {"url": "https://dup.example/"})
    assert dup.status_code == 400 and dup.json()["error"] == "validation"
    no_scope = api(token(owner, "flattr")).post("/things", {"url": "https://x.example/"})
    assert no_scope.status_code == 403 and no_scope.json()["error"] == "insufficient_scope"
    anonymous = api().post("/things", {"url": "https://x.example/"})
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "unauthorized"
    bad_token = api("0" * 40).get("/categories")
    assert bad_token.status_code == 401


def test_update_by_patch_and_method_override(api, token):
    owner = factories.user()
    thing = factories.thing(owner)
    client = api(token(owner))
    patched = client.send("PATCH", f"/things/{thing.id}", {"title": "Patched", "tags": "x"})
    assert patched.status_code == 200
    assert patched.json() == {"message": "ok", "description": "Thing was updated correctly"}
    overridden = client.post(f"/things/{thing.id}", {"_method": "patch", "description": "Desc", "url": thing.url,
                                                     "hidden": "True"})
    assert overridden.status_code == 200
    thing.refresh_from_db()
    assert (thing.title, thing.description, thing.hidden) == ("Patched", "Desc", True)
    assert thing.updated_at is not None
    changed_url = client.post(f"/things/{thing.id}", {"_method": "patch", "url": "https://elsewhere.example/"})
    assert changed_url.status_code == 400 and changed_url.json()["error"] == "validation"
    bad_category = client.send("PATCH", f"/things/{thing.id}", {"category": "nope"})
    assert bad_category.status_code == 400 and bad_category.json()["error"] == "validation"


def test_nobody_changes_or_deletes_another_users_thing(api, token):
    owner, intruder = factories.user(), factories.user()
    thing = factories.thing(owner)
    client = api(token(intruder))
    patched = client.send("PATCH", f"/things/{thing.id}", {"title": "Mine now"})
    assert patched.status_code == 403 and patched.json()["error"] == "forbidden"
    deleted = client.send("DELETE", f"/things/{thing.id}")
    assert deleted.status_code == 403 and deleted.json()["error"] == "forbidden"
    no_scope = api(token(owner, "flattr")).send("DELETE", f"/things/{thing.id}")
    assert no_scope.status_code == 403 and no_scope.json()["error"] == "forbidden"
    thing.refresh_from_db()
    assert thing.title != "Mine now"


def test_delete(api, token):
    owner, giver = factories.user(), factories.user()
    fresh, flattred = factories.thing(owner), factories.thing(owner)
    api(token(giver)).post(f"/things/{flattred.id}/flattr")
    client = api(token(owner))
    response = client.send("DELETE", f"/things/{fresh.id}")
    assert response.status_code == 204 and response.content == b""
    assert not Thing.objects.filter(id=fresh.id).exists()
    # Flattred this period: the giver's dashboard counts that flattr and settlement will charge
    # it, so the thing cannot go before the period is settled.
    refused = client.send("DELETE", f"/things/{flattred.id}")
    assert refused.status_code == 403 and "not settled yet" in refused.json()["error_description"]
    assert api(token(giver)).get("/user/flattrs").json()[0]["thing"]["id"] == flattred.id
    assert not Thing.objects.get(id=flattred.id).disabled


def test_delete_a_thing_once_its_flattrs_are_settled(api, token):
    from ruisseau.flattrs.services import flattr_thing
    from ruisseau.ledger.models import Account
    from ruisseau.settlement.run import settle_period

    owner, giver = factories.user(), factories.user()
    flattred = factories.thing(owner)
    flattr_thing(giver.id, flattred.id, now=factories.at())
    settle_period(factories.PERIOD, now=factories.at(factories.PERIOD + 1, hour=2))
    accounts = dict(Account.objects.values_list("id", "balance_cents"))
    client = api(token(owner))
    assert client.send("DELETE", f"/things/{flattred.id}").status_code == 204
    assert Thing.objects.get(id=flattred.id).disabled  # kept for the accounts, gone from the API
    assert api().get(f"/things/{flattred.id}").status_code == 404
    assert dict(Account.objects.values_list("id", "balance_cents")) == accounts  # the ledger is untouched


def test_search(api, token):
    alice, bob = factories.user("alice"), factories.user("bob")
    a = factories.thing(alice, title="Ruby game", category="software")
    b = factories.thing(bob, title="Photo of a game", category="images")
    from ruisseau.things.services import update_thing

    update_thing(a.id, alice.id, tags="game,ruby")
    update_thing(b.id, bob.id, tags="games,photo", language="fr_FR")
    result = api().get("/things/search", {"query": "game"}).json()
    assert result["total_items"] == 2 and result["items"] == 2 and result["page"] == 1
    assert {t["id"] for t in result["things"]} == {a.id, b.id}
    assert [t["id"] for t in api().get("/things/search", {"category": "images,video"}).json()["things"]] == [b.id]
    # the same search as /explore/: case and accents ignored ("GAMÉ" finds "game")
    assert {t["id"] for t in api().get("/things/search", {"query": "GAMÉ"}).json()["things"]} == {a.id, b.id}
    assert [t["id"] for t in api().get("/things/search", {"query": "Rubý", "sort": "relevance"}).json()["things"]] == [a.id]
    assert [t["id"] for t in api().get("/things/search", {"language": "fr_FR"}).json()["things"]] == [b.id]
    assert [t["id"] for t in api().get("/things/search", {"user": "ALICE"}).json()["things"]] == [a.id]
    assert [t["id"] for t in api().get("/things/search", {"tags": "game | games ! photo"}).json()["things"]] == [a.id]
    assert [t["id"] for t in api().get("/things/search", {"tags": "games & photo"}).json()["things"]] == [b.id]
    for sort in ("trend", "flattrs", "flattrs_month", "flattrs_week", "flattrs_day", "relevance"):
        assert api().get("/things/search", {"sort": sort}).json()["total_items"] == 2
    paged = api().get("/things/search", {"count": 1, "page": 2}).json()
    assert paged["items"] == 1 and paged["page"] == 2 and paged["total_items"] == 2
    assert api().get("/things/search", {"sort": "nonsense"}).status_code == 400
    assert api().get("/things/search", {"count": "x"}).json()["error"] == "invalid_parameters"
    update_thing(a.id, alice.id, hidden=True)
    assert api().get("/things/search", {"query": "game"}).json()["total_items"] == 1
    own = api(token(alice)).get("/things/search", {"query": "game"}).json()
    assert own["total_items"] == 2  # the owner with extendedread finds their hidden thing


def test_user_things_and_my_things(api, token):
    alice = factories.user("alice")
    shown, hidden = factories.thing(alice), factories.thing(alice)
    from ruisseau.things.services import update_thing

    update_thing(hidden.id, alice.id, hidden=True)
    public = api().get("/users/alice/things").json()
    assert [t["id"] for t in public] == [shown.id]
    mine = api(token(alice)).get("/user/things").json()
    assert {t["id"] for t in mine} == {shown.id, hidden.id}
    assert api().get("/users/nobody/things").status_code == 404
    assert api().get("/user/things").status_code == 401
    assert len(api(token(alice)).get("/user/things", {"count": 1}).json()) == 1
