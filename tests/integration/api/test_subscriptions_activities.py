from xml.etree import ElementTree

import pytest

from ruisseau.flattrs.models import Flattr, Subscription
from tests import factories

pytestmark = pytest.mark.django_db


def test_subscribe_toggle_unsubscribe(api, token):
    owner, fan = factories.user(), factories.user()
    thing = factories.thing(owner)
    client = api(token(fan))
    not_flattred = client.post(f"/things/{thing.id}/subscriptions")
    assert (not_flattred.status_code, not_flattred.json()["error"]) == (403, "forbidden")
    client.post(f"/things/{thing.id}/flattr")
    done = client.post(f"/things/{thing.id}/subscriptions")
    assert done.status_code == 200
    assert done.json()["message"] == "ok" and done.json()["description"] == "Successfully subscribed to Thing"
    assert done.json()["thing"]["id"] == thing.id
    again = client.post(f"/things/{thing.id}/subscriptions")
    assert (again.status_code, again.json()["error"]) == (403, "subscribed")
    own = api(token(owner)).post(f"/things/{thing.id}/subscriptions")
    assert (own.status_code, own.json()["error"]) == (403, "thing_owner")
    listed = client.get("/user/subscriptions").json()
    assert len(listed) == 1 and listed[0]["type"] == "subscription" and listed[0]["active"] is True
    assert listed[0]["thing"]["subscribed"] is True and isinstance(listed[0]["started_at"], int)
    assert client.send("PUT", f"/things/{thing.id}/subscriptions").json() == {"message": "paused",
                                                                            "description": "Subscription paused"}
    assert client.get("/user/subscriptions").json()[0]["active"] is False
    assert client.send("PUT", f"/things/{thing.id}/subscriptions").json()["message"] == "started"
    gone = client.send("DELETE", f"/things/{thing.id}/subscriptions")
    assert gone.status_code == 204 and gone.content == b""
    assert Subscription.objects.get(user=fan).cancelled_at is not None
    assert client.send("DELETE", f"/things/{thing.id}/subscriptions").status_code == 404
    assert client.send("PUT", f"/things/{thing.id}/subscriptions").status_code == 404
    assert client.post("/things/999999/subscriptions").status_code == 404
    no_scope = api(token(fan, "thing")).get("/user/subscriptions")
    assert (no_scope.status_code, no_scope.json()["error"]) == (403, "insufficient_scope")


def test_activities_stream_and_atom(api, token):
    owner, fan = factories.user("owner"), factories.user("fan")
    thing = factories.thing(owner, title="Acoustid")
    api(token(fan)).post(f"/things/{thing.id}/flattr")
    response = api().get("/users/fan/activities.as")
    assert response["Content-Type"] == "application/stream+json"
    item = response.json()["items"][0]
    assert item["verb"] == "like" and item["title"] == 'fan flattred "Acoustid"'
    assert item["actor"] == {"displayName": "fan", "url": "http://testserver/profile/fan", "objectType": "person"}
    assert item["object"]["objectType"] == "bookmark" and item["object"]["url"].endswith(f"/thing/{thing.id}")
    assert item["id"].startswith("tag:testserver,") and item["id"].endswith(f":fan/flattr/{thing.id}")
    assert item["published"].endswith("+00:00")
    by_accept = api().get("/users/fan/activities", headers={"Accept": "application/stream+json"})
    assert by_accept.json() == response.json()
    incoming = api().get("/users/owner/activities", {"type": "incoming"}).json()["items"]
    assert [i["actor"]["displayName"] for i in incoming] == ["fan"]
    assert api().get("/users/owner/activities").json()["items"] == []
    atom = api().client.get("/rest/v2/users/fan/activities.atom")
    assert atom["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(atom.content)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1
    assert entries[0].find("{http://activitystrea.ms/spec/1.0/}verb").text.endswith("/like")
    mine = api(token(fan)).get("/user/activities").json()["items"]
    assert len(mine) == 1
    assert api().get("/user/activities").status_code == 401
    assert api().get("/users/nobody/activities").status_code == 404
    assert api().get("/users/fan/activities", {"type": "sideways"}).status_code == 400


def test_bulk(api, token):
    owner, fan = factories.user(), factories.user()
    thing = factories.thing(owner, url="https://bulk.example/known")
    client = api(token(fan))
    items = [{"url": "https://bulk.example/known"}, {"url": "https://bulk.example/new"},
             {"url": "https://bulk.example/known"}, {"url": "nonsense"}]
    done = client.post("/flattr/bulk", items, as_json=True)
    assert done.status_code == 200
    results = [r["result"] for r in done.json()["results"]]
    assert results == ["ok", "ok", "flattr_once", "validation"]
    assert Flattr.objects.filter(user=fan).count() == 2 and Flattr.objects.filter(thing=thing).count() == 1
    broke = api(token(factories.user(funds_cents=0))).post("/flattr/bulk", [{"url": "https://bulk.example/x"}],
                                                          as_json=True)
    assert broke.status_code == 402 and broke.json()["error"] == "no_means"
    assert client.post("/flattr/bulk", {"url": "x"}, as_json=True).status_code == 400
    assert api("f" * 40).post("/flattr/bulk", [], as_json=True).status_code == 401
    no_scope = api(token(fan, "thing")).post("/flattr/bulk", [], as_json=True)
    assert no_scope.status_code == 403


def test_rate_limit(api, token, settings):
    settings.API_RATE_LIMIT = 3
    user = factories.user()
    client = api(token(user))
    answers = [client.get("/categories") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 403]
    assert answers[0]["X-RateLimit-Limit"] == "3" and answers[0]["X-RateLimit-Current"] == "1"
    assert answers[2]["X-RateLimit-Remaining"] == "0"
    assert answers[3].json()["error"] == "rate_limit_exceeded" and answers[3]["X-RateLimit-Current"] == "4"
    assert int(answers[3]["X-RateLimit-Reset"]) > 0
    status = client.get("/rate_limit")
    assert status.status_code == 200 and "X-RateLimit-Limit" not in status
    body = status.json()
    assert body["hourly_limit"] == 3 and body["current_hits"] == 4 and body["remaining_hits"] == 0
    assert body["reset_time"].endswith("+0000 GMT") and isinstance(body["reset_time_in_seconds"], int)
    assert api().get("/categories").status_code == 200  # anonymous callers count per address
    guesses = [api("0" * 40).get("/categories") for _ in range(3)]
    assert [g.status_code for g in guesses] == [401, 401, 403]  # bad tokens count per address too
    assert guesses[1]["X-RateLimit-Current"] == "3"


def test_idempotency_key_replays_the_first_answer(api, token):
    owner, fan = factories.user(), factories.user()
    thing, other = factories.thing(owner), factories.thing(owner)
    client = api(token(fan))
    key = {"Idempotency-Key": "click-1"}
    first = client.post(f"/things/{thing.id}/flattr", headers=key)
    replay = client.post(f"/things/{thing.id}/flattr", headers=key)
    assert first.status_code == replay.status_code == 200
    assert replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    without_key = client.post(f"/things/{thing.id}/flattr")
    assert without_key.json()["error"] == "flattr_once"
    conflict = client.post(f"/things/{other.id}/flattr", headers=key)
    assert conflict.status_code == 409 and conflict.json()["error"] == "idempotency_conflict"
    assert Flattr.objects.filter(user=fan).count() == 1
    error_key = {"Idempotency-Key": "click-2"}
    own = api(token(owner))
    first_error = own.post(f"/things/{thing.id}/flattr", headers=error_key)
    assert first_error.status_code == 403
    assert own.post(f"/things/{thing.id}/flattr", headers=error_key).json() == first_error.json()
    assert client.post(f"/things/{other.id}/flattr", headers={"Idempotency-Key": "x" * 201}).status_code == 400
