"""Adding a thing by URL (prefilled from the page) and claiming one (DESIGN.md §6.2)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ruisseau.flattrs import services as flattrs
from ruisseau.settlement import run as settlement
from ruisseau.things.models import Thing, ThingOwner
from tests import factories
from tests.factories import PERIOD, at

pytestmark = pytest.mark.django_db
PAGE = (b'<html lang="fr"><head><title>Mon billet</title>'
        b'<meta name="description" content="Un billet sur les ruisseaux"></head><body>x</body></html>')


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        status = 200 if self.path == "/post" else 404
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(PAGE if status == 200 else b"gone")


@pytest.fixture(scope="module")
def site():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def loopback(settings):
    settings.FETCH_ALLOW_PRIVATE = True


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/things/add/").status_code == 302


def test_prefills_title_description_and_language_from_the_page(client, creator, site, loopback):
    client.force_login(creator)
    page = client.get("/things/add/", {"url": site + "/post"}).content.decode()
    assert 'value="Mon billet"' in page and "Un billet sur les ruisseaux" in page
    assert '<option value="fr_FR" selected>' in page


def test_an_unreadable_page_is_said_and_the_form_still_offered(client, creator, site, loopback):
    client.force_login(creator)
    page = client.get("/things/add/", {"url": site + "/missing"}).content.decode()
    assert "The page could not be read" in page and 'name="title"' in page


def test_private_addresses_are_not_fetched_by_default(client, creator, site):
    client.force_login(creator)
    page = client.get("/things/add/", {"url": site + "/post"}).content.decode()
    assert "The page could not be read" in page and "Mon billet" not in page


def test_adding_makes_a_claimed_not_verified_owner(client, creator, site):
    client.force_login(creator)
    response = client.post("/things/add/", {
        "url": site + "/post?utm_source=x", "title": "Edited title", "description": "Mine",
        "category": "text", "language": "fr_FR", "tags": "Eau, poésie"})
    thing = Thing.objects.get(title="Edited title")
    assert response.status_code == 302 and response["Location"] == f"/thing/{thing.id}/"
    owner = ThingOwner.objects.get(thing=thing)
    assert owner.user_id == creator.id and not owner.verified
    assert sorted(thing.tags.values_list("name", flat=True)) == ["eau", "poésie"]
    assert thing.url == site + "/post"


@pytest.mark.parametrize("fields, words", [
    ({"url": "ftp://x.example/a", "title": "T"}, "only http and https"),
    ({"url": "https://x.example/a", "title": ""}, "This field is required."),
    ({"url": "https://x.example/a", "title": "T", "category": "volcano"}, "Select a valid choice."),
])
def test_bad_things_are_explained(client, creator, fields, words):
    client.force_login(creator)
    data = {"category": "text", "language": "en_GB", **fields}
    response = client.post("/things/add/", data)
    assert response.status_code == 400 and words in response.content.decode()
    assert not Thing.objects.exists()


def test_a_known_url_offers_claiming(client, creator, giver):
    thing = factories.thing(title="Already here", url="https://known.example/x")
    client.force_login(giver)
    page = client.get("/things/add/", {"url": "https://KNOWN.example/x#top"}).content.decode()
    assert "already on Ruisseau" in page and f"/thing/{thing.id}/claim/" in page


def test_claiming_shows_the_pledges_waiting(client, creator, giver):
    unclaimed = flattrs.flattr_url(giver.id, "https://orphan.example/post", now=at(PERIOD)).thing
    flattrs.flattr_thing(creator.id, factories.thing(factories.user("third")).id, now=at(PERIOD))
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))
    client.force_login(creator)
    page = client.get(f"/thing/{unclaimed.id}/claim/").content.decode()
    assert "1 pledge from earlier months waits for this thing (givers: 1)." in page
    done = client.post(f"/thing/{unclaimed.id}/claim/", follow=True).content.decode()
    assert "You have claimed this thing." in done
    owner = ThingOwner.objects.get(thing=unclaimed)
    assert owner.user_id == creator.id and not owner.verified


def test_a_verified_thing_cannot_be_claimed_by_someone_else(client, things, giver):
    client.force_login(giver)
    page = client.post(f"/thing/{things[0].id}/claim/", follow=True).content.decode()
    assert "already has a verified owner" in page
    assert not ThingOwner.objects.filter(user=giver).exists()
    assert client.get("/thing/987654/claim/").status_code == 404


def test_adding_your_own_thing_again_points_to_its_buttons(client, creator):
    mine = factories.thing(creator, url="https://mine.example/post", title="My post")
    client.force_login(creator)
    page = client.get("/things/add/", {"url": "https://mine.example/post"}).content.decode()
    assert "This page is already yours on Ruisseau" in page and f"/thing/{mine.id}/snippets/" in page
    assert "Claim it as yours" not in page
    client.force_login(factories.user("someone"))
    page = client.get("/things/add/", {"url": "https://mine.example/post"}).content.decode()
    assert "This page is already on Ruisseau" in page and "Claim it as yours" in page


def test_an_address_typed_without_its_scheme_is_taken_as_https(client, creator):
    thing = factories.thing(creator, url="https://typed.example/2026/new-post", title="Typed")
    client.force_login(factories.user("someone"))
    page = client.get("/things/add/", {"url": "typed.example/2026/new-post"}).content.decode()
    assert f'href="/thing/{thing.id}/"' in page and "Typed" in page


def test_a_description_longer_than_a_buttons_is_refused_and_kept(client, creator):
    client.force_login(creator)
    page = client.post("/things/add/", {"url": "https://long.example/a", "title": "T", "category": "text",
                                        "language": "en_GB", "description": "x" * 1001}).content.decode()
    assert "at most 1000 characters" in page and "x" * 1001 in page
    assert not Thing.objects.filter(url="https://long.example/a").exists()
