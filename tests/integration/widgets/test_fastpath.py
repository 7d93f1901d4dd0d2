"""The WSGI layer that replays badge and anonymous button answers from the cache."""

import io

import pytest

from ruisseau.flattrs.services import flattr_thing
from ruisseau.widgets.fastpath import TAG_HEADER
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def app():
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from ruisseau.wsgi import application

    # As Django's test client does: a request must not close the test's connection (and its
    # open transaction) at its end.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call(app, path, query="", method="GET", **extra):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.input": io.BytesIO(b""),
               "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(), **extra}
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_badge_is_replayed_without_django_and_refreshed_after_a_flattr(app, django_assert_num_queries):
    owner, reader = factories.user(), factories.user()
    thing = factories.thing(owner)
    status, headers, body = call(app, f"/badge/{thing.id}.svg")
    assert status.startswith("200") and TAG_HEADER not in headers
    assert headers["X-Content-Type-Options"] == "nosniff"  # middleware headers are kept
    with django_assert_num_queries(0):
        again = call(app, f"/badge/{thing.id}.svg")
    assert again[2] == body and again[1] == headers
    assert call(app, f"/badge/{thing.id}.svg", HTTP_IF_NONE_MATCH=headers["ETag"])[0].startswith("304")
    flattr_thing(reader.id, thing.id)
    assert b">1</text></g>" in call(app, f"/badge/{thing.id}.svg")[2]


def test_button_with_a_cookie_always_goes_through_django(app):
    thing = factories.thing(factories.user(), url="https://fast.example/a")
    call(app, "/button/view/", "url=https%3A%2F%2Ffast.example%2Fa")
    reader = factories.user()
    flattr_thing(reader.id, thing.id)
    fresh = call(app, "/button/view/", "url=https%3A%2F%2Ffast.example%2Fa")
    assert b'id="count">1</a>' in fresh[2]
    with_cookie = call(app, "/button/view/", "url=https%3A%2F%2Ffast.example%2Fa", HTTP_COOKIE="sessionid=x")
    assert with_cookie[1]["Cache-Control"].startswith("public")  # unknown session: anonymous, not replayed
    assert TAG_HEADER not in with_cookie[1]


def test_unknown_url_badge_is_refreshed_when_the_thing_appears(app):
    query = "url=https%3A%2F%2Ffast.example%2Fnew"
    assert b">0</text></g>" in call(app, "/badge/url.svg", query)[2]
    owner, reader = factories.user(), factories.user()
    thing = factories.thing(owner, url="https://fast.example/new")
    flattr_thing(reader.id, thing.id)
    assert b">1</text></g>" in call(app, "/badge/url.svg", query)[2]


def test_errors_and_other_paths_are_not_kept(app):
    assert call(app, "/badge/url.svg", "url=nope")[0].startswith("400")
    assert call(app, "/badge/url.svg", "url=nope")[0].startswith("400")
    assert call(app, "/badge/999.svg", method="HEAD")[0].startswith("404")
