"""An address on this instance is no page to flattr: its thing page /thing/<id>/ names thing <id>
wherever a URL is resolved to a thing, any other address of ours is refused (no pledge that could
never be paid), the demo blog excepted."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from ruisseau.flattrs.models import Flattr
from ruisseau.things.models import Thing
from tests import factories

pytestmark = pytest.mark.django_db


def test_our_thing_page_names_its_thing_everywhere(api, token):
    thing = factories.thing(factories.user())
    page = f"http://testserver/thing/{thing.id}/"
    before = Thing.objects.count()
    flattred = api(token(factories.user())).post("/flattr", {"url": page})
    assert flattred.status_code == 200 and flattred.json()["thing"]["id"] == thing.id
    found = api().get("/things/lookup", {"url": f"https://TESTSERVER/thing/{thing.id}"})
    assert found.status_code == 302 and found["Location"].endswith(f"/things/{thing.id}")
    auto = "https://flattr.com/submit/auto?" + urlencode({"url": page, "user_id": "x"})
    assert api(token(factories.user())).post("/flattr", {"url": auto}).json()["thing"]["id"] == thing.id
    bulk = api(token(factories.user())).post("/flattr/bulk", [{"url": page}], as_json=True).json()
    assert bulk["results"][0]["thing_id"] == thing.id
    web = Client()
    assert web.get("/submit/auto?" + urlencode({"url": page}))["Location"] == f"/thing/{thing.id}/"
    reader = factories.user()
    web.force_login(reader)
    assert web.post("/submit/auto?" + urlencode({"url": page})).status_code == 302
    assert Flattr.objects.filter(thing=thing, user=reader).exists()
    assert f"/thing/{thing.id}/" in Client().get("/button/view/?" + urlencode({"url": page})).content.decode()
    assert Client().get("/badge/url.svg?" + urlencode({"url": page})).status_code == 200
    assert Flattr.objects.filter(thing=thing).count() == 4  # API, auto-submit, bulk, /submit/auto
    assert Thing.objects.count() == before  # nothing was made of our own page
    missing = api(token(factories.user())).post("/flattr", {"url": "http://testserver/thing/999999/"})
    assert missing.status_code == 404 and Thing.objects.count() == before


def test_other_addresses_of_ours_are_refused(api, token, demo_instance):
    for url in ("http://testserver/explore/", "https://testserver/rest/v2/things/3", "http://testserver/"):
        refused = api(token(factories.user())).post("/flattr", {"url": url})
        assert refused.status_code == 400, url
        assert refused.json()["error"] == "validation" and "address of Ruisseau itself" in refused.json()["error_description"]
        assert api().get("/things/lookup", {"url": url}).json()["error"] == "validation"
        created = api(token(factories.user())).post("/things", {"url": url})
        assert created.status_code == 400 and created.json()["error"] == "validation"
        button = Client().get("/button/view/?" + urlencode({"url": url}))
        assert button.status_code == 400 and "address of Ruisseau itself" in button.content.decode()
        assert Client().get("/badge/url.svg?" + urlencode({"url": url})).status_code == 400
        web = Client()
        web.force_login(factories.user())
        assert web.post("/submit/auto?" + urlencode({"url": url})).status_code == 400
    thing = factories.thing(factories.user())
    again = api(token(factories.user())).post("/things", {"url": f"http://testserver/thing/{thing.id}/"})
    assert again.status_code == 400 and f"page of thing {thing.id}" in again.json()["error_description"]
    assert not Thing.objects.filter(url__startswith="http://testserver").exists()
    blog = api(token(factories.user())).post("/flattr", {"url": "http://testserver/demo-blog/rivers/"})
    assert blog.status_code == 200  # the demo blog stands for someone else's site


def test_outside_the_demo_the_sample_blog_is_neither_served_nor_payable(api, token):
    """A production instance ships the sample blog's templates, but nobody may claim its pages."""
    assert Client().get("/demo-blog/").status_code == 404
    refused = api(token(factories.user())).post("/flattr", {"url": "http://testserver/demo-blog/rivers/"})
    assert refused.status_code == 400 and refused.json()["error"] == "validation"
    assert not Thing.objects.filter(url__contains="/demo-blog/").exists()
