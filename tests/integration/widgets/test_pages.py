"""The verify, snippets and loader endpoints."""

import pytest

from ruisseau.accounts.models import User
from ruisseau.demo.data import load_demo  # imported early: it registers SQLite's sha256 function
from ruisseau.things.site_models import Site
from ruisseau.widgets.params import parse
from ruisseau.widgets.services import flattr_with_button

from ruisseau.things.models import ThingOwner
from tests import factories

pytestmark = pytest.mark.django_db


def test_verify_thing_page_proves_ownership(client, page_server):
    alice = factories.user("valice")
    page_server.pages["/v"] = ("text/html", '<html><head><meta name="ruisseau:owner" content="valice"></head></html>')
    thing = factories.thing(url=page_server.url("/v"))
    client.force_login(alice)
    page = client.get(f"/thing/{thing.id}/verify/")
    assert page.status_code == 200 and "ruisseau:owner" in page.content.decode()
    response = client.post(f"/thing/{thing.id}/verify/")
    assert response.status_code == 200 and 'id="verified"' in response.content.decode()
    assert ThingOwner.objects.get(thing=thing, user=alice).verified
    assert "valice" in response.content.decode()


def test_verify_thing_failure_is_explained(client, page_server):
    bob = factories.user("vbob")
    page_server.pages["/w"] = ("text/html", "<html><head></head></html>")
    thing = factories.thing(url=page_server.url("/w"))
    client.force_login(bob)
    response = client.post(f"/thing/{thing.id}/verify/")
    assert response.status_code == 400 and "does not name you" in response.content.decode()
    assert "Nothing about its owner." in response.content.decode()


def test_verify_thing_needs_sign_in_and_an_existing_thing(client):
    assert client.get("/thing/1/verify/").status_code == 302
    client.force_login(factories.user())
    assert client.get("/thing/424242/verify/").status_code == 404


def test_snippets_offer_buttons_and_discovery_links(client):
    owner = factories.user("snip")
    thing = factories.thing(owner, url="https://blog.example/s?a=1&b=2")
    client.force_login(owner)
    body = client.get(f"/thing/{thing.id}/snippets/").content.decode()
    assert ('&lt;link rel=&quot;payment&quot; href=&quot;http://127.0.0.1:8000/submit/auto?user_id=snip'
            '&amp;amp;url=https%3A%2F%2Fblog.example%2Fs%3Fa%3D1%26b%3D2&quot;') in body
    assert "&lt;podcast:funding url=" in body and "&lt;atom:link rel=&quot;payment&quot;" in body
    assert f"/badge/{thing.id}.svg" in body and "/js/load.js" in body
    assert client.get("/thing/999999/snippets/").status_code == 404


@pytest.mark.parametrize("path", ["/js/load.js", "/js/0.6/load.js", "/js/0.5/load.js"])
def test_loader_is_served_cacheable_without_cookies(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "public" in response["Cache-Control"] and not response.cookies
    assert b"FlattrLoader" in response.content
    assert len(response.content) < 16_000  # small
    assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_demo_blog_pages_carry_buttons_for_each_author(client, demo_instance):
    index = client.get("/demo-blog/").content.decode()
    assert 'rev="flattr;uid:chloe;' in index and 'rev="flattr;uid:emma;' in index
    assert '<script async src="/js/load.js?mode=auto">' in index
    post = client.get("/demo-blog/fjords/").content.decode()
    assert '<meta name="ruisseau:owner" content="emma">' in post and 'data-uid="emma"' in post
    assert client.get("/demo-blog/nope/").status_code == 404


def test_demo_data_sets_up_the_shared_blog(demo_instance):
    load_demo()
    site = Site.objects.get()
    assert site.verified and site.share_bps == 1_000 and site.owner.username == "bruno"
    assert sorted(site.authors.filter(accepted_at__isnull=False).values_list("user__username", flat=True)) == [
        "bruno", "chloe", "emma"]
    alice = User.objects.get(username="alice")
    flattr = flattr_with_button(alice.id, parse({"url": f"http://{site.domain}/demo-blog/fjords/", "uid": "emma"}))
    assert sorted((o.user.username, o.weight_bps) for o in flattr.thing.owners.all()) == [
        ("bruno", 1_000), ("emma", 9_000)]


def test_proof_checks_are_rate_limited(client, page_server):
    user = factories.user("busy")
    page_server.pages["/r"] = ("text/html", "<html><head></head></html>")
    thing = factories.thing(url=page_server.url("/r"))
    client.force_login(user)
    statuses = [client.post(f"/thing/{thing.id}/verify/").status_code for _ in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
    assert "Too many checks" in client.post(f"/thing/{thing.id}/verify/").content.decode()


@pytest.mark.parametrize("language, words", [
    ("en", ["inside <code>&lt;head&gt;</code>, then check", "in the page's <code>&lt;head&gt;</code>",
            "home page's <code>&lt;head&gt;</code>"]),
    ("fr", ["dans le <code>&lt;head&gt;</code> de la page, puis", "dans le <code>&lt;head&gt;</code> de la page</h2>",
            "dans le <code>&lt;head&gt;</code> de la page d'accueil"]),
])
def test_instructions_name_the_head_element_in_words_the_browser_shows(client, language, words):
    """A raw <head> in an instruction is taken for a tag by the browser, and the word vanishes."""
    owner = factories.user("headowner")
    thing = factories.thing(owner, url="https://blog.example/h")
    client.force_login(owner)
    client.post("/sites/", {"domain": "blog.example"})
    bodies = [client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode().split("<body", 1)[1] for path in (
        f"/thing/{thing.id}/verify/", f"/thing/{thing.id}/snippets/", f"/sites/{Site.objects.get().id}/")]
    assert [word for word in words if word not in "".join(bodies)] == []
    assert ["<head>" in body for body in bodies] == [False, False, False]


def test_the_buttons_and_links_page_is_linked_from_the_owners_pages(client):
    """The owner finds the snippets from the thing's page, the creator page and the verify page;
    somebody else's thing page does not offer them."""
    owner, reader = factories.user("linkowner"), factories.user("linkreader")
    thing = factories.thing(owner, url="https://blog.example/linked")
    snippets = f'href="/thing/{thing.id}/snippets/"'
    client.force_login(owner)
    for path in (f"/thing/{thing.id}/", "/creator/", f"/thing/{thing.id}/verify/"):
        assert snippets in client.get(path).content.decode(), path
    assert "Boutons et liens" in client.get("/creator/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    client.force_login(reader)
    assert snippets not in client.get(f"/thing/{thing.id}/").content.decode()
