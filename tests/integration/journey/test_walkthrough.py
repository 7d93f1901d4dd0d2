"""A new visitor's walk through the demo, page by page, through Django's test client: every page
answers, and what the browser would refuse or show in the wrong language does not happen."""

import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from ruisseau.demo.data import load_demo
from ruisseau.things import sites
from ruisseau.things.models import Thing
from ruisseau.things.site_models import Site
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = ["/", "/explore/", "/u/chloe/", "/dashboard/", "/funds/", "/things/add/", "/creator/",
         "/settings/profile/", "/settings/privacy/", "/settings/language/", "/settings/export/", "/settings/close/",
         "/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/funds/card/", "/payouts/details/",
         "/sites/", "/apps", "/apps/tokens", "/apps/authorized", "/developers/api", "/privacy/",
         "/demo-blog/", "/demo-blog/rivers/"]


def demo_pages() -> list[str]:
    """The pages above plus those of the demo's own objects (ids differ between databases)."""
    thing = Thing.objects.order_by("id").first()
    site = Site.objects.get(owner__username="bruno")
    return PAGES + [f"/thing/{thing.id}/", f"/sites/{site.id}/"]


def _style_src(policy: str) -> str:
    found = re.search(r"style-src ([^;]*)", policy) or re.search(r"default-src ([^;]*)", policy)
    return found.group(1) if found else ""


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_answers_and_keeps_to_its_content_security_policy(client, language, demo_instance):
    load_demo()
    client.force_login(factories.User.objects.get(username="bruno"))
    client.cookies["django_language"] = language
    for path in demo_pages():
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, path
        html = response.content.decode()
        policy = response.get("Content-Security-Policy", "")
        if policy and "'unsafe-inline'" not in _style_src(policy):
            assert "<style" not in html and not re.search(r"\sstyle=", html), f"{path}: inline style the CSP blocks"
        if policy:
            assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), f"{path}: inline script the CSP blocks"


def test_a_verified_sites_proof_is_named_in_french(client):
    owner = factories.user("siteowner")
    site = sites.add_site(owner.id, "blog.example")
    unverified = client
    unverified.force_login(owner)
    page = unverified.get(f"/sites/{site.id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ">balise meta de la page d’accueil</option>" in page
    Site.objects.filter(id=site.id).update(verified_at=timezone.now(), method="meta")
    page = client.get(f"/sites/{site.id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Vérifié (balise meta de la page d’accueil)." in page
    assert "Meta tag" not in page


def test_the_french_dashboard_explains_the_budget_once(client):
    client.force_login(factories.user("lea"))
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert page.count("Votre budget est ce que vous donnez en un mois") == 1


class _Buttons(HTMLParser):
    """The <button>s in <main> that neither carry the shared button classes nor sit in a .form
    (whose submit buttons the shared stylesheet styles): they show as the browser's bare grey."""

    def __init__(self):
        super().__init__()
        self.in_main, self.form_classes, self.bare = False, [], []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "main":
            self.in_main = True
        elif tag == "form":
            self.form_classes.append(classes)
        elif tag == "button" and self.in_main:
            in_form = bool(self.form_classes) and "form" in self.form_classes[-1]
            if not in_form and not {"button", "link-button"} & set(classes):
                self.bare.append(self.getpos())

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        elif tag == "form" and self.form_classes:
            self.form_classes.pop()


def test_every_button_uses_the_shared_style(client):
    load_demo()
    client.force_login(factories.User.objects.get(username="bruno"))
    bare = {}
    for path in demo_pages() + ["/payouts/request/", "/apps/new"]:
        parser = _Buttons()
        parser.feed(client.get(path).content.decode())
        if parser.bare:
            bare[path] = parser.bare
    assert bare == {}


def test_the_claim_page_counts_one_giver_without_a_plural(client):
    from ruisseau.flattrs import services as flattrs
    from ruisseau.settlement import run as settlement
    from tests.factories import PERIOD, at

    giver, claimer = factories.user("onegiver"), factories.user("claimer")
    unclaimed = flattrs.flattr_url(giver.id, "https://orphan.example/post", now=at(PERIOD)).thing
    settlement.settle_period(PERIOD, now=at(PERIOD + 1, hour=2))
    client.force_login(claimer)
    english = client.get(f"/thing/{unclaimed.id}/claim/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(givers: 1)" in english and "1 givers" not in english
    french = client.get(f"/thing/{unclaimed.id}/claim/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "attend cette œuvre (donateurs : 1)." in french


def test_a_demo_blog_posts_button_gives_its_language(client, demo_instance):
    # Without it the thing a post's button creates says English for a French post.
    page = client.get("/demo-blog/rivers/").content.decode()
    assert 'data-language="fr_FR"' in page


def test_every_page_of_the_settings_menu_keeps_the_menu(client):
    """Sites, applications, tokens, card and payouts are items of the settings menu: following
    one must not drop the person out of the menu (they used to render without it)."""
    load_demo()
    client.force_login(factories.User.objects.get(username="bruno"))
    menu = client.get("/settings/profile/").content.decode()
    items = re.findall(r'<li><a href="([^"]+)"', menu.split('class="side-menu"')[1].split("</ul>")[0])
    assert len(items) >= 14
    for path in items + demo_pages()[-1:] + ["/apps/new", "/payouts/request/"]:
        html = client.get(path).content.decode()
        assert 'class="side-menu"' in html, f"{path} has no settings menu"
        assert re.search(r'<a href="/settings/" aria-current="page">', html), f"{path}: Settings not marked current"


def test_the_api_page_describes_its_resources_in_french(client):
    page = client.get("/developers/api", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<td>Créer une œuvre</td>" in page and "Create a thing" not in page
    assert client.get("/rest/v2/openapi.json", HTTP_ACCEPT_LANGUAGE="fr").json()["paths"]["/things"]["post"][
        "summary"] == "Create a thing"  # the machine-read description stays English


def test_a_declined_sandbox_payment_is_explained_in_french(client):
    client.force_login(factories.user("decline"))
    page = client.get("/funds/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    answer = client.post("/funds/add/", {"amount": "10,02", "token": token}, HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Le paiement a été refusé : la carte de test a été refusée" in html
    assert "The sandbox card" not in html


def test_every_language_of_the_explore_filter_is_named_in_french(client):
    html = client.get("/explore/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for english, french in (("Chinese", "Chinois"), ("Maltese", "Maltais"), ("Norwegian", "Norvégien")):
        assert f">{french}</option>" in html and f">{english}" not in html


def test_a_verified_owner_is_not_asked_to_prove_the_thing_again(client):
    owner = factories.user("proven")
    proven, claimed = factories.thing(owner), factories.thing(owner, verified=False)
    client.force_login(owner)
    assert "Prove this thing is yours" not in client.get(f"/thing/{proven.id}/").content.decode()
    assert "Prove this thing is yours" in client.get(f"/thing/{claimed.id}/").content.decode()


def test_the_card_page_without_cards_leads_to_the_other_way_of_adding_funds(client, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    client.force_login(factories.user("nocard"))
    page = client.get("/funds/card/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "n'est pas configuré" in page
    assert '<a class="button primary" href="/funds/#add">Ajouter des fonds autrement</a>' in page
