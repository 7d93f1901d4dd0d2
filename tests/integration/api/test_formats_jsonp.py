"""Formats and JSONP (reference §2.1, §2.4): a suffix or an Accept a resource cannot answer is 406
either way; JSONP answers are 200 so the callback sees error bodies too."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_unknown_suffixes_are_406_like_xml(api):
    thing = factories.thing(factories.user("sam"))
    for path in ("/categories.csv", "/categories.xml", "/languages.yaml", f"/things/{thing.id}.csv",
                 "/things/search.html", "/users/sam/things.csv", "/rate_limit.pdf"):
        answer = api().client.get(f"/rest/v2{path}")
        assert answer.status_code == 406, path
        assert answer.json()["error"] == "not_acceptable", path
    assert api().client.get("/rest/v2/categories.JSON").status_code == 200
    assert api().client.get(f"/rest/v2/things/{thing.id}.json").json()["id"] == thing.id


def test_accept_header_agrees_with_the_suffix(api):
    for accept in ("application/xml", "text/xml", "application/yaml", "text/csv"):
        answer = api().get("/categories", headers={"Accept": accept})
        assert answer.status_code == 406, accept
        assert answer.json()["error"] == "not_acceptable", accept
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for accept in (browser, "application/json", "*/*", "", "application/stream+json", "application/xml, application/json;q=0.5"):
        answer = api().get("/categories", headers={"Accept": accept})
        assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json"), accept
    text = api().get("/categories", headers={"Accept": "text/plain"})
    assert text["Content-Type"].startswith("text/plain")
    refused = api().get("/categories", headers={"Accept": "application/json;q=0, application/xml"})
    assert refused.status_code == 406
    assert api().get("/users/sam/activities", headers={"Accept": "application/xml"}).status_code == 406


def test_jsonp_errors_are_200_with_the_error_body(api):
    missing = api().get("/things/999999", {"jsonp": "cb"})
    assert missing.status_code == 200 and missing["Content-Type"].startswith("application/javascript")
    assert missing.content.decode().startswith('/**/cb({"error":"not_found",')
    unauthorised = api().get("/user", {"callback": "cb"})
    assert unauthorised.status_code == 200 and '"error":"unauthorized"' in unauthorised.content.decode()
    assert api().get("/things/999999").status_code == 404  # without a callback, the status stays
