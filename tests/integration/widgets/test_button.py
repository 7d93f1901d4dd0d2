from urllib.parse import urlencode

import pytest
from django.test import Client

from ruisseau.flattrs.models import Flattr
from ruisseau.things.models import Thing
from tests import factories

pytestmark = pytest.mark.django_db

URL = "https://blog.example/post/9"


def _button(client, **params):
    return client.get("/button/view/?" + urlencode({"url": URL, **params}))


def test_anonymous_button_shows_the_count_sets_no_cookie_and_can_be_framed(client):
    owner, reader = factories.user(), factories.user()
    thing = factories.thing(owner, url=URL)
    Flattr.objects.create(user=reader, thing=thing, period=factories.PERIOD.first_day,
                          created_at=factories.at())
    response = _button(client)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="count">1</a>' in body
    assert "csrfmiddlewaretoken" not in body and "/button/flattr/?" in body
    assert not response.cookies and "Cookie" not in response.get("Vary", "")
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("public")


def test_other_pages_still_refuse_framing(client):
    response = client.get("/submit/auto?url=https://a.example/")
    assert response["X-Frame-Options"] == "DENY"


def test_sizes_and_themes(client):
    assert 'class="b cmp"' in _button(client, button="compact").content.decode()
    assert 'class="b std"' in _button(client).content.decode()
    assert '<body class="dark">' in _button(client, theme="dark").content.decode()


def test_french_button(client):
    response = client.get("/button/view/?" + urlencode({"url": URL}), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Flattrer" in response.content.decode()


def test_signed_in_reader_flattrs_from_the_iframe(client):
    reader = factories.user()
    client.force_login(reader)
    page = _button(client, title="Post nine", category="text")
    assert "csrfmiddlewaretoken" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(reader)
    form = csrf_client.get("/button/view/?" + urlencode({"url": URL, "title": "Post nine"}))
    token = form.cookies["csrftoken"].value
    query = urlencode({"url": URL, "title": "Post nine"})
    refused = csrf_client.post("/button/view/?" + query)
    assert refused.status_code == 403
    response = csrf_client.post("/button/view/?" + query, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"].endswith("&done=1")
    thing = Thing.objects.get(url=URL)
    assert thing.title == "Post nine"
    after = csrf_client.get(response["Location"])
    body = after.content.decode()
    assert 'id="count">1</a>' in body and "Flattred" in body and "click_successful" in body


def test_flattr_rules_show_in_the_button(client):
    owner = factories.user()
    factories.thing(owner, url=URL)
    client.force_login(owner)
    response = client.post("/button/view/?" + urlencode({"url": URL}))
    assert response.status_code == 200
    assert "your own thing" in response.content.decode()


def test_post_without_session_does_not_flattr(client):
    response = client.post("/button/view/?" + urlencode({"url": URL}))
    assert "Sign in to flattr" in response.content.decode()
    assert not Flattr.objects.exists()


@pytest.mark.parametrize("query", [{}, {"url": "javascript:alert(1)"}, {"url": URL, "category": "x"}])
def test_bad_parameters(client, query):
    response = client.get("/button/view/?" + urlencode(query))
    assert response.status_code == 400
    assert "frame-ancestors" in response["Content-Security-Policy"]


def test_popup_sends_a_signed_out_reader_to_sign_in_and_back(client):
    response = client.get("/button/flattr/?" + urlencode({"url": URL}))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=%2Fbutton%2Fflattr%2F%3Furl%3D")


def test_popup_flattrs_on_confirmation_and_tells_the_opener(client):
    reader = factories.user()
    client.force_login(reader)
    page = client.get("/button/flattr/?" + urlencode({"url": URL, "title": "Nine"}))
    assert page.status_code == 200 and not Flattr.objects.exists()  # a GET never flattrs
    done = client.post("/button/flattr/?" + urlencode({"url": URL, "title": "Nine"}))
    assert done.status_code == 200
    body = done.content.decode()
    assert '"flattr_button_event": "click_successful"' in body and '"count": 1' in body
    assert Flattr.objects.filter(user=reader).count() == 1
    again = client.post("/button/flattr/?" + urlencode({"url": URL}))
    assert again.status_code == 400


def test_popup_bad_parameters(client):
    assert client.get("/button/flattr/").status_code == 400


def test_popup_leaves_the_result_for_the_iframe_that_opened_it(client):
    nonce = "ab" * 16
    assert client.get("/button/state/", {"nonce": nonce}).json() == {"done": False}
    assert client.get("/button/state/", {"nonce": "short"}).status_code == 400
    client.force_login(factories.user())
    client.post("/button/flattr/?" + urlencode({"url": URL, "nonce": nonce}))
    client.logout()  # the iframe polls without cookies
    state = client.get("/button/state/", {"nonce": nonce})
    assert state.json() == {"done": True, "flattr_button_event": "click_successful", "url": URL, "count": 1}
    assert state["Cache-Control"] == "no-store"


def test_the_loaders_hover_popout_path_shows_the_button(client):
    """Flattr's loader framed /button/popout/ with the button's parameters and a ``dir``."""
    owner, reader = factories.user(), factories.user()
    thing = factories.thing(owner, url=URL)
    Flattr.objects.create(user=reader, thing=thing, period=factories.PERIOD.first_day, created_at=factories.at())
    response = client.get("/button/popout/?" + urlencode({"url": URL, "dir": "se"}))
    assert response.status_code == 200 and 'id="count">1</a>' in response.content.decode()
    assert "frame-ancestors *" in response["Content-Security-Policy"]
