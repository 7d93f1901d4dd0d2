"""Signed attribution (docs/integrations.md §4): a site's links carry sig = HMAC-SHA256(secret,
"url|uid"); with "attribute only signed links" on, an unsigned or wrongly signed link leaves the
page unclaimed (its flattrs wait as pledges), so nobody can take an author's page by writing a
button first."""

import hashlib
import hmac
import re
from html import unescape
from urllib.parse import urlencode

import pytest

from ruisseau.flattrs.models import Flattr, Pledge, PledgeState
from ruisseau.settlement.run import settle_period
from ruisseau.things import sites
from ruisseau.things.models import Thing
from ruisseau.things.site_models import Site, SitePage
from tests import factories
from tests.integration.api.conftest import Api, make_token
from tests.integration.widgets.test_sites import verified_site

pytestmark = pytest.mark.django_db


def sign(secret: str, url: str, uid: str) -> str:
    """As the docs tell a blog to (PHP: hash_hmac('sha256', $url . '|' . $uid, $secret))."""
    return hmac.new(secret.encode(), f"{url}|{uid}".encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def blog():
    """Bruno's site with Chloé and Emma as authors; the switch is off, as for any existing site."""
    bruno, chloe, emma = factories.user("bruno9"), factories.user("chloe9"), factories.user("emma9")
    site = verified_site(bruno, share_bps=1_000)
    for author in (chloe, emma):
        sites.accept_invitation(sites.invite_author(site.id, bruno.id, author.username).id, author.id)
    return site


def require_signatures(client, site: Site) -> None:
    client.force_login(site.owner)
    response = client.post(f"/sites/{site.id}/", {"action": "signed_only", "signed_only": "1"})
    assert response.status_code == 200
    site.refresh_from_db()
    assert site.signed_only


def click(client, reader, **params):
    client.force_login(reader)
    response = client.post("/button/view/?" + urlencode(params))
    assert response.status_code == 302, response.content.decode()[:500]


def owners(url: str) -> dict:
    return {o.user.username: (o.weight_bps, o.verified) for o in Thing.objects.get(url=url).owners.all()}


def test_a_new_site_has_its_own_secret_and_does_not_require_signatures(blog):
    other = verified_site(factories.user(), domain="other.example")
    assert re.fullmatch(r"[0-9a-f]{64}", blog.secret) and blog.secret != other.secret
    assert not blog.signed_only and not other.signed_only


def test_a_signed_button_attributes_when_the_site_requires_signatures(client, blog):
    require_signatures(client, blog)
    raw = "https://BLOG.example/rivers"  # signed as the link gives it, before our normalisation
    click(client, factories.user(), url=raw, uid="chloe9", sig=sign(blog.secret, raw, "chloe9"))
    assert owners("https://blog.example/rivers") == {"chloe9": (9_000, True), "bruno9": (1_000, True)}
    assert SitePage.objects.get(thing__url="https://blog.example/rivers").signed


@pytest.mark.parametrize("how", ["unsigned", "for another author", "for another page", "garbage"])
def test_an_unsigned_or_wrongly_signed_button_attributes_nothing_when_required(client, blog, how):
    """Emma cannot take Chloé's next post by writing a button naming herself first."""
    require_signatures(client, blog)
    url = "https://blog.example/chloe-next"
    sig = {"unsigned": "", "for another author": sign(blog.secret, url, "chloe9"),
           "for another page": sign(blog.secret, "https://blog.example/emma-own", "emma9"),
           "garbage": "not-a-signature"}[how]
    reader = factories.user()
    click(client, reader, url=url, uid="emma9", **({"sig": sig} if sig else {}))
    thing = Thing.objects.get(url=url)
    assert not thing.owners.exists() and not SitePage.objects.filter(thing=thing).exists()
    # The flattr waits on the unclaimed page as a pledge, as on any page nobody has proven.
    Flattr.objects.filter(thing=thing).update(created_at=factories.at(), period=factories.PERIOD.first_day)
    settle_period(factories.PERIOD, now=factories.at(factories.PERIOD + 1, hour=2))
    assert Pledge.objects.get(thing=thing, user=reader).state == PledgeState.WAITING
    # The page is still Chloé's to take with a signed link.
    click(client, factories.user(), url=url, uid="chloe9", sig=sign(blog.secret, url, "chloe9"))
    assert owners(url) == {"chloe9": (9_000, True), "bruno9": (1_000, True)}


def test_without_the_switch_unsigned_links_work_and_signed_ones_are_flagged(client, blog):
    signed, unsigned = "https://blog.example/signed", "https://blog.example/unsigned"
    click(client, factories.user(), url=unsigned, uid="emma9")
    click(client, factories.user(), url=signed, uid="chloe9", sig=sign(blog.secret, signed, "chloe9"))
    assert owners(unsigned) == {"emma9": (9_000, True), "bruno9": (1_000, True)}
    assert owners(signed) == {"chloe9": (9_000, True), "bruno9": (1_000, True)}
    pages = dict(SitePage.objects.values_list("thing__url", "signed"))
    assert pages == {signed: True, unsigned: False}
    # The owner sees which attribution was signed, and the secret with its controls.
    client.force_login(blog.owner)
    body = client.get(f"/sites/{blog.id}/").content.decode()
    rows = {url: re.search(rf'<li id="page-\d+">[^<]*<code>{re.escape(url)}</code>.*?</li>', body, re.S).group(0)
            for url in (signed, unsigned)}
    assert "Signed link." in rows[signed] and "Unsigned link." in rows[unsigned]
    assert blog.secret in body and 'name="signed_only"' in body and 'value="secret"' in body
    french = client.get(f"/sites/{blog.id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Lien signé." in french and "Replace the secret" not in french


def test_a_wrong_signature_is_not_flagged_as_signed(client, blog):
    url = "https://blog.example/wrong"
    click(client, factories.user(), url=url, uid="emma9", sig=sign(blog.secret, url, "chloe9"))
    assert not SitePage.objects.get(thing__url=url).signed


def test_replacing_the_secret_invalidates_old_signatures(client, blog):
    require_signatures(client, blog)
    old = blog.secret
    response = client.post(f"/sites/{blog.id}/", {"action": "secret"})
    assert response.status_code == 200
    blog.refresh_from_db()
    assert blog.secret != old and blog.secret in response.content.decode() and old not in response.content.decode()
    url, fresh = "https://blog.example/after", "https://blog.example/fresh"
    click(client, factories.user(), url=url, uid="chloe9", sig=sign(old, url, "chloe9"))
    assert not Thing.objects.get(url=url).owners.exists()
    click(client, factories.user(), url=fresh, uid="chloe9", sig=sign(blog.secret, fresh, "chloe9"))
    assert owners(fresh) == {"chloe9": (9_000, True), "bruno9": (1_000, True)}


def test_only_the_owner_sees_the_secret_and_changes_the_switch(client, blog):
    chloe = blog.authors.get(user__username="chloe9").user
    client.force_login(chloe)
    assert client.get(f"/sites/{blog.id}/").status_code == 404
    assert client.post(f"/sites/{blog.id}/", {"action": "signed_only", "signed_only": "1"}).status_code == 404
    assert client.post(f"/sites/{blog.id}/", {"action": "secret"}).status_code == 404
    assert blog.secret not in client.get("/sites/").content.decode()
    blog.refresh_from_db()
    assert not blog.signed_only
    # Turning the switch off again lets unsigned links attribute.
    require_signatures(client, blog)
    assert client.post(f"/sites/{blog.id}/", {"action": "signed_only"}).status_code == 200
    blog.refresh_from_db()
    assert not blog.signed_only


def test_the_popup_carries_the_signature_and_the_address_as_signed(client, blog):
    """A reader whose browser keeps our cookies out of frames flattrs through the popup."""
    require_signatures(client, blog)
    client.logout()
    raw = "https://BLOG.example/popup"
    frame = client.get("/button/view/?" + urlencode({"url": raw, "uid": "emma9",
                                                     "sig": sign(blog.secret, raw, "emma9")}))
    popup = unescape(re.search(r'"(/button/flattr/\?[^"]+)"', frame.content.decode()).group(1))
    client.force_login(factories.user())
    assert client.post(popup).status_code == 200
    assert owners("https://blog.example/popup") == {"emma9": (9_000, True), "bruno9": (1_000, True)}


def test_signed_auto_submit_links_and_the_api_flattr_by_url(client, blog):
    require_signatures(client, blog)
    link, api_page, unsigned = ("https://blog.example/feed-item", "https://blog.example/api-page",
                                "https://blog.example/api-unsigned")
    client.force_login(factories.user())
    client.post("/submit/auto?" + urlencode({"url": link, "user_id": "chloe9", "sig": sign(blog.secret, link, "chloe9")}))
    assert SitePage.objects.get(thing__url=link).signed
    api = Api(make_token(factories.user()))
    for url, sig in ((api_page, sign(blog.secret, api_page, "emma9")), (unsigned, "")):
        target = "https://ruisseau.example/submit/auto?" + urlencode({"url": url, "user_id": "emma9", "sig": sig})
        assert api.post("/flattr", {"url": target}, as_json=True).status_code == 200
    assert owners(api_page) == {"emma9": (9_000, True), "bruno9": (1_000, True)}
    assert not Thing.objects.get(url=unsigned).owners.exists()
