from urllib.parse import urlencode

import pytest

from ruisseau.flattrs.models import Flattr
from ruisseau.things.models import Thing
from tests import factories

pytestmark = pytest.mark.django_db

QUERY = {"user_id": "nobody", "url": "https://blog.example/p/1", "title": "A <b>bold</b> post",
         "description": "First line<br>second <script>alert(1)</script>line", "language": "en_GB",
         "tags": "notes,python", "category": "text"}


def test_known_url_redirects_to_its_thing_page(client):
    thing = factories.thing(factories.user(), url="https://blog.example/p/1")
    response = client.get("/submit/auto?" + urlencode(QUERY))
    assert response.status_code == 302
    assert response["Location"] == f"/thing/{thing.id}/"


def test_unknown_url_shows_a_page_and_creates_nothing_yet(client):
    response = client.get("/submit/auto?" + urlencode(QUERY))
    assert response.status_code == 200
    body = response.content.decode()
    assert "https://blog.example/p/1" in body and "A bold post" in body
    assert "<script>alert" not in body
    assert "Sign in to flattr" in body
    assert not Thing.objects.exists()


def test_flattring_an_unknown_url_creates_an_unclaimed_thing_holding_the_flattr(client):
    reader = factories.user()
    client.force_login(reader)
    response = client.post("/submit/auto?" + urlencode(QUERY))
    thing = Thing.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/thing/{thing.id}/"
    assert thing.url == "https://blog.example/p/1"
    assert thing.title == "A bold post" and thing.category == "text" and thing.language == "en_GB"
    assert thing.description == "First line\nsecond alert(1)line"
    assert sorted(thing.tags.values_list("name", flat=True)) == ["notes", "python"]
    assert not thing.owners.exists()  # naming a user proves nothing
    assert Flattr.objects.filter(user=reader, thing=thing).count() == 1


def test_second_flattr_in_the_period_is_refused_with_the_reason(client):
    reader = factories.user()
    client.force_login(reader)
    client.post("/submit/auto?" + urlencode(QUERY))
    # The thing exists now; a POST (the page's form) still answers with the click rule.
    response = client.post("/submit/auto?" + urlencode(QUERY))
    assert response.status_code == 400
    assert "more than once" in response.content.decode()


def test_posting_while_signed_out_sends_to_sign_in_and_back(client):
    response = client.post("/submit/auto?" + urlencode(QUERY))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=%2Fsubmit%2Fauto%3F")
    assert not Thing.objects.exists()


@pytest.mark.parametrize("query, message", [
    ({}, "url parameter is required"),
    ({"url": "javascript:alert(1)"}, "not valid"),
    ({"url": "//evil.example/"}, "not valid"),
    ({"url": "https://a.example/", "category": "cats"}, "Unknown category"),
    ({"url": "https://a.example/", "language": "xx_YY"}, "Unknown language"),
    ({"url": "https://a.example/", "user_id": "<script>"}, "not a valid user name"),
])
def test_bad_parameters_get_a_clear_error(client, query, message):
    response = client.get("/submit/auto?" + urlencode(query))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_no_open_redirect_whatever_the_url(client):
    thing = factories.thing(factories.user(), url="https://blog.example/p/2")
    response = client.get("/submit/auto?" + urlencode({"url": "https://blog.example/p/2", "next": "https://evil.example/"}))
    assert response["Location"] == f"/thing/{thing.id}/"


def test_owner_cannot_flattr_their_own_thing_through_auto_submit(client):
    owner = factories.user()
    factories.thing(owner, url="https://blog.example/p/3")
    client.force_login(owner)
    response = client.post("/submit/auto?" + urlencode({"url": "https://blog.example/p/3"}))
    assert response.status_code == 400
    assert "your own thing" in response.content.decode()


def test_hidden_parameter_makes_an_unlisted_thing_that_stays_flattrable(client):
    reader = factories.user()
    client.force_login(reader)
    response = client.post("/submit/auto?" + urlencode({"url": "https://blog.example/h", "hidden": "1"}))
    thing = Thing.objects.get(url="https://blog.example/h")
    assert response.status_code == 302 and thing.hidden
    assert Flattr.objects.filter(thing=thing, user=reader).exists()
    again = client.get("/submit/auto?" + urlencode({"url": "https://blog.example/h"}))
    assert again.status_code == 302 and again["Location"] == f"/thing/{thing.id}/"  # a known thing, not a new one
