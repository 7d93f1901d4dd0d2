import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.utils import timezone

from ruisseau.flattrs.services import flattr_thing, take_back
from tests import factories

pytestmark = pytest.mark.django_db


def _count(response) -> str:
    return re.search(r"<text[^>]*>(\d+)</text></g>", response.content.decode()).group(1)


def test_badge_by_id_shows_the_count_and_links_to_the_thing(client):
    owner, reader = factories.user("owner"), factories.user("reader")
    thing = factories.thing(owner)
    flattr_thing(reader.id, thing.id)
    response = client.get(f"/badge/{thing.id}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert _count(response) == "1"
    assert f'href="/thing/{thing.id}/"' in response.content.decode()
    assert "<script" not in response.content.decode()


def test_badge_sets_no_cookie_and_is_publicly_cacheable(client):
    thing = factories.thing(factories.user())
    response = client.get(f"/badge/{thing.id}.svg")
    assert response.cookies == {} or not response.cookies
    assert "Set-Cookie" not in str(response.headers)
    assert "Cookie" not in response.get("Vary", "")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=60" in cache_control and "stale-while-revalidate=" in cache_control
    assert response["ETag"]


def test_badge_answers_304_to_a_matching_etag_and_200_after_a_flattr(client):
    owner, reader = factories.user(), factories.user()
    thing = factories.thing(owner)
    first = client.get(f"/badge/{thing.id}.svg")
    again = client.get(f"/badge/{thing.id}.svg", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    flattr_thing(reader.id, thing.id)  # the count changes, so the ETag does
    after = client.get(f"/badge/{thing.id}.svg", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and _count(after) == "1"


def test_count_is_fresh_after_a_flattr_and_after_taking_it_back(client):
    owner, reader = factories.user(), factories.user()
    thing = factories.thing(owner)
    assert _count(client.get(f"/badge/{thing.id}.svg")) == "0"
    flattr = flattr_thing(reader.id, thing.id)
    assert _count(client.get(f"/badge/{thing.id}.svg")) == "1"
    take_back(reader.id, flattr.id)
    assert _count(client.get(f"/badge/{thing.id}.svg")) == "0"


def test_cached_count_needs_no_database_query(client, django_assert_num_queries):
    thing = factories.thing(factories.user())
    client.get(f"/badge/{thing.id}.svg")
    with django_assert_num_queries(0):
        assert client.get(f"/badge/{thing.id}.svg").status_code == 200
    url = quote(thing.url, safe="")
    client.get(f"/badge/url.svg?url={url}")
    with django_assert_num_queries(0):
        assert client.get(f"/badge/url.svg?url={url}").status_code == 200


def test_badge_of_an_unknown_thing_is_404(client):
    assert client.get("/badge/999999.svg").status_code == 404


def test_badge_by_url_finds_the_thing_whatever_the_spelling(client):
    owner, reader = factories.user(), factories.user()
    thing = factories.thing(owner, url="https://blog.example/post/1")
    flattr_thing(reader.id, thing.id)
    response = client.get("/badge/url.svg", {"url": "HTTPS://Blog.Example/post/1?utm_source=x#top"})
    assert response.status_code == 200 and _count(response) == "1"


def test_badge_by_url_of_an_unknown_page_is_zero_and_links_to_auto_submit(client):
    response = client.get("/badge/url.svg", {"url": "https://new.example/a"})
    assert response.status_code == 200 and _count(response) == "0"
    assert "/submit/auto?url=https%3A%2F%2Fnew.example%2Fa" in response.content.decode()


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "ftp://x.example/", "http://exa mple/"])
def test_badge_by_url_rejects_bad_urls(client, url):
    response = client.get("/badge/url.svg", {"url": url})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_badge_rejects_post(client):
    thing = factories.thing(factories.user())
    assert client.post(f"/badge/{thing.id}.svg").status_code == 405


def test_hidden_thing_has_a_badge_disabled_one_has_not(client):
    thing = factories.thing(factories.user())
    thing.hidden = True
    thing.updated_at = timezone.now()
    thing.save()
    assert client.get(f"/badge/{thing.id}.svg").status_code == 200  # hidden is unlisted only
    thing.disabled = True
    thing.save()
    cache.clear()
    assert client.get(f"/badge/{thing.id}.svg").status_code == 404


@pytest.mark.parametrize("size, width, height", [("large", 93, 20), ("small", 16, 16)])
def test_flattrs_static_badges_are_served_at_their_historical_paths(client, size, width, height):
    response = client.get(f"/button/flattr-badge-{size}.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    png = response.content
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (width, height)
    assert "public" in response["Cache-Control"] and not response.cookies
    assert client.get("/button/flattr-badge-huge.png").status_code == 404
