"""The thing page and its flattr button, with and without JavaScript."""

from __future__ import annotations

import pytest
from django.test import Client

from ruisseau.flattrs import services as flattrs
from ruisseau.flattrs.models import Flattr, Subscription
from ruisseau.pages.views import thing as thing_views
from ruisseau.things.models import Thing
from ruisseau.things.services import register_thing
from tests import factories

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def test_shows_the_thing_its_owners_and_a_payment_link(client, things, creator):
    thing = things[0]
    claimant = factories.user("claimant", funds_cents=0)
    unverified = register_thing("https://blog.example/unverified", owner_id=claimant.id, title="Draft",
                                tags="poems, french", category="text", language="fr_FR")
    page = client.get(f"/thing/{thing.id}/").content.decode()
    assert "Article 1" in page and "verified owner" in page and "creator" in page
    assert f'<link rel="payment" href="http://testserver/thing/{thing.id}/"' in page
    assert "Sign in to flattr" in page
    page = client.get(f"/thing/{unverified.id}/").content.decode()
    assert "claimed, not verified" in page and "French" in page and "poems" in page and "Text" in page


def test_unknown_thing_is_404(client):
    assert client.get("/thing/999999/").status_code == 404


def test_flattr_without_javascript_redirects_back_with_a_message(signed_in, things, giver):
    response = signed_in.post(f"/thing/{things[0].id}/flattr/", {"next": f"/thing/{things[0].id}/"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/thing/{things[0].id}/"
    page = response.content.decode()
    assert "Flattred! Thank you." in page and "Your flattr is worth" in page and "4.75\u00a0€" in page
    assert Flattr.objects.filter(user=giver, thing=things[0]).count() == 1


def test_a_thing_nobody_has_proven_shows_no_value_for_a_flattr(signed_in, creator):
    unproven = factories.thing(creator, verified=False)
    page = signed_in.get(f"/thing/{unproven.id}/").content.decode()
    assert "Flattring it makes each of your flattrs" not in page and "Flattrs wait for a verified owner" in page
    page = signed_in.post(f"/thing/{unproven.id}/flattr/", {"next": f"/thing/{unproven.id}/"}, follow=True).content.decode()
    assert "Flattred! Thank you." in page and "Your flattr is worth" not in page


def test_flattr_with_javascript_answers_json_with_the_new_value(signed_in, things):
    values = [signed_in.post(f"/thing/{t.id}/flattr/", **JSON).json()["value"] for t in things]
    assert values == ["4.75\u00a0€", "2.37\u00a0€", "1.58\u00a0€"]
    body = signed_in.post(f"/thing/{things[0].id}/flattr/", **JSON)
    assert body.status_code == 403 and body.json() == {
        "ok": False, "message": "You have already flattred this thing this month. You can flattr it again next month."}
    again = signed_in.get(f"/thing/{things[2].id}/").content.decode()
    assert "1.58\u00a0€" in again and 'data-take-back' in again


def test_the_json_answer_carries_counts_and_a_take_back_address(signed_in, things, giver):
    body = signed_in.post(f"/thing/{things[0].id}/flattr/", **JSON).json()
    flattr = Flattr.objects.get(user=giver)
    assert body["ok"] and body["period_count"] == 1 and body["total_count"] == 1 and body["period_flattrs"] == 1
    assert body["take_back_url"] == f"/dashboard/flattrs/{flattr.id}/take-back/"
    assert "1</span> flattr this month" in body["counts_html"] and "1</span> all time" in body["counts_html"]


@pytest.mark.parametrize(
    "case, status, words",
    [
        ("own", 403, "You own this thing: you cannot flattr your own things."),
        ("poor", 402, "Your funds do not cover your monthly budget."),
        ("disabled", 404, "This thing does not exist, or it can no longer be flattred."),
        ("inactive", 403, "Your account is not active, so it cannot flattr."),
    ],
)
def test_every_refusal_is_in_plain_words(client, things, creator, case, status, words):
    thing = things[0]
    who = factories.user("someone", budget_cents=500, funds_cents=1_000)
    if case == "own":
        who = creator
    elif case == "poor":
        who = factories.user("poor", budget_cents=500, funds_cents=300)
    elif case == "disabled":
        Thing.objects.filter(id=thing.id).update(**{case: True})
    elif case == "inactive":
        who.closed_at = factories.at()
        who.save()
    client.force_login(who)
    response = client.post(f"/thing/{thing.id}/flattr/", **JSON)
    assert response.status_code == status and words in response.json()["message"]
    follow = client.post(f"/thing/{thing.id}/flattr/", {"next": f"/thing/{thing.id}/"}, follow=True)
    assert words in follow.content.decode()
    assert not Flattr.objects.filter(thing=thing).exists()


def test_anonymous_flattr_is_refused_and_get_is_not_allowed(client, things):
    assert client.post(f"/thing/{things[0].id}/flattr/", **JSON).status_code == 401
    assert client.get(f"/thing/{things[0].id}/flattr/").status_code == 405
    assert not Flattr.objects.exists()


def test_flattr_form_needs_its_csrf_token(giver, things):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(giver)
    assert strict.post(f"/thing/{things[0].id}/flattr/").status_code == 403
    page = strict.get(f"/thing/{things[0].id}/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    token = strict.cookies["csrftoken"].value
    assert strict.post(f"/thing/{things[0].id}/flattr/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert Flattr.objects.count() == 1


def test_flattring_is_rate_limited(signed_in, things, monkeypatch):
    monkeypatch.setattr(thing_views, "FLATTR_LIMIT_PER_MINUTE", 2)
    assert signed_in.post(f"/thing/{things[0].id}/flattr/", **JSON).status_code == 200
    assert signed_in.post(f"/thing/{things[1].id}/flattr/", **JSON).status_code == 200
    limited = signed_in.post(f"/thing/{things[2].id}/flattr/", **JSON)
    assert limited.status_code == 429 and "Wait a minute" in limited.json()["message"]
    assert Flattr.objects.count() == 2


@pytest.mark.parametrize("signed", [False, True])  # a signed-in visitor's list comes with their own state
def test_recent_flattrers_leave_out_people_who_hide_what_they_give(client, things, giver, signed):
    if signed:
        client.force_login(giver)
    assert "No visible flattrers yet" in client.get(f"/thing/{things[0].id}/").content.decode()
    shy = factories.user("shyperson")
    shy.hide_given = True
    shy.save()
    open_giver, later = factories.user("openperson"), factories.user("laterperson")
    for who in (shy, open_giver, later):
        flattrs.flattr_thing(who.id, things[0].id)
    page = client.get(f"/thing/{things[0].id}/").content.decode()
    listed = page.split('class="flattrers"', 1)[1].split("</ul>", 1)[0]
    assert "shyperson" not in listed and listed.index("laterperson") < listed.index("openperson")  # newest first
    assert '<span class="count" data-period-count>3</span>' in page


def test_subscribe_after_flattring(signed_in, things, giver):
    thing = things[0]
    refused = signed_in.post(f"/thing/{thing.id}/subscribe/", {"months": "6"}, follow=True)
    assert "Flattr this thing first" in refused.content.decode()
    signed_in.post(f"/thing/{thing.id}/flattr/")
    done = signed_in.post(f"/thing/{thing.id}/subscribe/", {"months": "open"}, follow=True)
    assert "Subscribed" in done.content.decode()
    assert Subscription.objects.get(user=giver).months is None
    bad = signed_in.post(f"/thing/{things[1].id}/subscribe/", {"months": "5"}, follow=True)
    assert "Choose 3, 6 or 12 months" in bad.content.decode()
    assert signed_in.post("/thing/424242/subscribe/", {"months": "3"}).status_code == 404


def test_owner_sees_pledges_waiting_and_no_button(client, creator):
    thing = register_thing("https://mine.example/a", owner_id=creator.id, title="Mine")
    client.force_login(creator)
    page = client.get(f"/thing/{thing.id}/").content.decode()
    assert "This is your thing" in page and "0 pledges wait for this thing." in page
    assert "data-flattr-form" not in page
